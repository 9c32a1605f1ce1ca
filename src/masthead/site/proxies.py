"""Who is on the other end of a request: the reader's address and scheme, read from proxy
headers only when the connection comes through a proxy the operator named.

Behind nginx or a CDN every connection comes from the proxy, so the reader's address is in
`X-Forwarded-For` (or RFC 7239 `Forwarded`) and the scheme in `X-Forwarded-Proto`. Anyone can
send those headers, so they are believed only as far as trusted proxies vouch for them:

  MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]   addresses or CIDR ranges, or
  MASTHEAD_TRUSTED_PROXY_HOPS = 1                          how many proxies stand in front

With a list, the chain of addresses (the header's, then the socket's) is walked from the right,
skipping trusted proxies; the first address that is not one is the reader. With a hop count, the
reader is that many entries from the right (use it only when every request passes the proxies).
With neither, the headers are ignored and the socket's address is the reader.

`client_ip(request)` is the one place that answers "which address is this reader?": comments,
the flood limit, the spam signals, the consent log and login throttling all call it.
`TrustedProxyMiddleware` (first in MIDDLEWARE) removes `X-Forwarded-Proto` from requests that did
not come through a trusted proxy, so Django's SECURE_PROXY_SSL_HEADER, and so `is_secure()`,
HSTS, secure cookies and the page cache's scheme, can only be set by a trusted proxy.
"""

import functools
import ipaddress

from django.conf import settings

PROTO_HEADER = "HTTP_X_FORWARDED_PROTO"


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries
                 if entry.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = _address(address)
    if ip is None:
        return False
    return any(ip in network for network in _networks(tuple(settings.MASTHEAD_TRUSTED_PROXIES)))


def _forwarded_for(value: str) -> list[str]:
    """`for=` addresses of an RFC 7239 Forwarded header, quotes, brackets and ports removed."""
    found = []
    for element in value.split(","):
        for pair in element.split(";"):
            name, _, node = pair.strip().partition("=")
            if name.strip().lower() != "for":
                continue
            node = node.strip().strip('"')
            if node.startswith("["):  # "[2001:db8::1]:4711"
                node = node[1:].partition("]")[0]
            elif node.count(":") == 1:  # "192.0.2.43:80"
                node = node.partition(":")[0]
            found.append(node)
    return found


def _chain(meta) -> list[str]:
    """Addresses from the farthest hop to the socket's peer."""
    if meta.get("HTTP_FORWARDED"):
        hops = _forwarded_for(meta["HTTP_FORWARDED"])
    else:
        hops = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    return [hop for hop in hops if hop] + [meta.get("REMOTE_ADDR", "")]


def _proxied(meta) -> bool:
    return (settings.MASTHEAD_TRUSTED_PROXY_HOPS > 0
            or is_trusted_proxy(meta.get("REMOTE_ADDR", "")))


def client_ip(request) -> str:
    """The reader's IP address as text ("" if the server was not told one)."""
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "")
    if not _proxied(meta):
        return peer[:45]
    chain = _chain(meta)
    hops = settings.MASTHEAD_TRUSTED_PROXY_HOPS
    if hops > 0:
        candidate = chain[max(0, len(chain) - 1 - hops)]
    else:
        index = len(chain) - 1
        while index > 0 and is_trusted_proxy(chain[index]):
            index -= 1
        candidate = chain[index]
    # A proxy that passed on something that is no address ("unknown", "_hidden") is the last
    # address anyone vouches for.
    return (candidate if _address(candidate) is not None else peer)[:45]


def _forwarded_proto(meta) -> str:
    if meta.get("HTTP_FORWARDED"):
        last = meta["HTTP_FORWARDED"].split(",")[-1]
        for pair in last.split(";"):
            name, _, value = pair.strip().partition("=")
            if name.strip().lower() == "proto":
                return value.strip().strip('"').lower()
    # Each proxy appends; the nearest one's word is the last.
    return meta.get(PROTO_HEADER, "").split(",")[-1].strip().lower()


class TrustedProxyMiddleware:
    """Let only trusted proxies say the request came over HTTPS (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        proto = _forwarded_proto(meta) if _proxied(meta) else ""
        if proto in {"http", "https"}:
            meta[PROTO_HEADER] = proto
        else:
            meta.pop(PROTO_HEADER, None)
        return self.get_response(request)
