"""MDN HTTP Observatory's published scoring, for the tests that matter to a server's headers.

Rules and modifiers as the Observatory documents them (https://developer.mozilla.org/en-US/
observatory/docs/tests_and_scoring): start at 100, add each test's modifier, and add bonus
(positive) modifiers only when the score before them is at least 90. Covered: Content Security
Policy, cookies, HSTS, redirection, Referrer-Policy, X-Content-Type-Options and X-Frame-Options
(or CSP frame-ancestors). Not covered: subresource integrity (every script here is first-party,
which scores 0 either way), CORS (no Access-Control-Allow-Origin is sent) and HSTS preloading.
"""

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
          (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (float("-inf"), "F")]
PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                    "strict-origin-when-cross-origin"}
SIX_MONTHS = 15768000


@dataclass
class Score:
    results: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> int:
        penalties = 100 + sum(v for v in self.results.values() if v <= 0)
        bonus = sum(v for v in self.results.values() if v > 0) if penalties >= 90 else 0
        return penalties + bonus

    @property
    def grade(self) -> str:
        return next(grade for floor, grade in GRADES if self.score >= floor)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in header.split(";"):
        parts = directive.strip().split()
        if parts:
            policy.setdefault(parts[0].lower(), [p for p in parts[1:]])
    return policy


def csp_result(header: str | None) -> tuple[str, int]:
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    default = policy.get("default-src")
    script = policy.get("script-src", default)
    if script is None:
        return "csp-implemented-with-unsafe-inline", -20  # scripts from anywhere
    lowered = [s.lower() for s in script]
    allows_hash_or_nonce = any(s.startswith(("'sha", "'nonce-")) for s in lowered)
    broad = {"'unsafe-inline'", "data:", "http:", "https:", "*"}
    if any(s in broad for s in lowered) and not (
            "'unsafe-inline'" in lowered and allows_hash_or_nonce and len(
                set(lowered) & (broad - {"'unsafe-inline'"})) == 0):
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in lowered:
        return "csp-implemented-with-unsafe-eval", -10
    active = [s for d in ("script-src", "object-src", "default-src") for s in policy.get(d, [])]
    if any(s.lower().startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme", -20
    passive = [s for d in ("img-src", "media-src") for s in policy.get(d, [])]
    if any(s.lower().startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    style = [s.lower() for s in policy.get("style-src", default or [])]
    if "'unsafe-inline'" in style:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies_result(set_cookie_headers: list[str], hsts: bool) -> tuple[str, int]:
    if not set_cookie_headers:
        return "cookies-not-found", 0
    cookies = []
    for header in set_cookie_headers:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            cookies.append((name.lower(), morsel))
    for name, morsel in cookies:
        session = "sess" in name or "login" in name
        if session and not morsel["secure"]:
            return ("cookies-session-without-secure-flag-but-protected-by-hsts", -10) if hsts \
                else ("cookies-session-without-secure-flag", -40)
        if session and not morsel["httponly"]:
            return "cookies-session-without-httponly-flag", -30
        if "csrf" in name and not morsel["samesite"]:
            return "cookies-anticsrf-without-samesite-flag", -20
        if morsel["samesite"] and morsel["samesite"].lower() not in {"strict", "lax", "none"}:
            return "cookies-samesite-flag-invalid", -20
    if any(not morsel["secure"] for _, morsel in cookies):
        return ("cookies-without-secure-flag-but-protected-by-hsts", -5) if hsts \
            else ("cookies-without-secure-flag", -20)
    if all(morsel["samesite"] for _, morsel in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def hsts_result(header: str | None) -> tuple[str, int]:
    if not header:
        return "hsts-not-implemented", -20
    match = re.search(r"max-age\s*=\s*\"?(\d+)", header, re.I)
    if not match:
        return "hsts-header-invalid", -20
    if int(match.group(1)) < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def redirection_result(status: int, location: str | None, host: str) -> tuple[str, int]:
    if status not in (301, 302, 303, 307, 308) or not location:
        return "redirection-missing", -20
    if not location.startswith(f"https://{host}"):
        return "redirection-not-to-https-on-initial-redirection", -10
    return "redirection-to-https", 0


def referrer_result(header: str | None) -> tuple[str, int]:
    if not header:
        return "referrer-policy-not-implemented", 0
    values = [v.strip().lower() for v in header.split(",")]
    if values[-1] in PRIVATE_REFERRER:
        return "referrer-policy-private", 5
    if values[-1] in {"unsafe-url", "origin", "origin-when-cross-origin"}:
        return "referrer-policy-unsafe", -5
    return "referrer-policy-no-referrer-when-downgrade", 0


def xcto_result(header: str | None) -> tuple[str, int]:
    if not header:
        return "x-content-type-options-not-implemented", -5
    if header.strip().lower() != "nosniff":
        return "x-content-type-options-header-invalid", -5
    return "x-content-type-options-nosniff", 0


def xfo_result(header: str | None, csp: str | None) -> tuple[str, int]:
    if csp and "frame-ancestors" in parse_csp(csp):
        return "xfo-implemented-via-csp", 5
    if not header:
        return "x-frame-options-not-implemented", -20
    if header.strip().upper() not in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-header-invalid", -20
    return "x-frame-options-sameorigin-or-deny", 0


def score(https_response, http_response, host: str) -> Score:
    """Score a page from its response over HTTPS and the answer to the same URL over HTTP."""
    headers = https_response.headers
    set_cookies = [morsel.output(header="").strip() for morsel in https_response.cookies.values()]
    hsts = hsts_result(headers.get("Strict-Transport-Security"))
    results = dict([
        csp_result(headers.get("Content-Security-Policy")),
        cookies_result(set_cookies, hsts[1] == 0),
        hsts,
        redirection_result(http_response.status_code, http_response.headers.get("Location"),
                           host),
        referrer_result(headers.get("Referrer-Policy")),
        xcto_result(headers.get("X-Content-Type-Options")),
        xfo_result(headers.get("X-Frame-Options"), headers.get("Content-Security-Policy")),
    ])
    return Score(results)
