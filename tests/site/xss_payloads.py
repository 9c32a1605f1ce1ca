"""Hostile input in the style of the public XSS lists (PayloadsAllTheThings' "XSS Injection",
the OWASP XSS Filter Evasion Cheat Sheet): URL scheme tricks, attribute breakouts, event
handlers, parser confusion and Markdown link forms. Written for this project from those lists'
published techniques (no text copied), so it carries the project's licence.

Every payload calls alert(): the browser test fails on any dialog, and the HTML checks fail on
any live script, handler or unsafe address.
"""

URL_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript:alert(document.domain)//",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116"
    "&#0000058alert(1)",
    "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "https:javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "file:///etc/passwd",
]

MARKUP_PAYLOADS = [
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    '" autofocus onfocus="alert(1)',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input onfocus=alert(1) autofocus>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
]

MARKDOWN_PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](javascript&#58;alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](java%0ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    "`<script>alert(1)</script>`",
] + [f"[link {i}]({u})" for i, u in enumerate(URL_PAYLOADS)]

ALL_PAYLOADS = URL_PAYLOADS + MARKUP_PAYLOADS + MARKDOWN_PAYLOADS
