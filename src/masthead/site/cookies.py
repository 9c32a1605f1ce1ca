"""Every cookie set over HTTPS is `Secure`.

Django's SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE are fixed settings, but the same site
answers both schemes (a bare `masthead serve` on a laptop, and the public site behind a
TLS-terminating proxy): whether a cookie may travel over plain HTTP is decided per request.
The session, CSRF and messages cookies are HttpOnly in settings; the few cookies scripts must
read (the comment author's saved details, the consent choice) are not.
"""


class SecureCookiesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
