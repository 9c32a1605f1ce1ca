"""Behavioural signals: what a comment's circumstances say, beside its words.

Plain Python. Each signal is a small function of the submission and of what the site knows about
its author and recent traffic (the `History`), returning a `Signal` or None when it has nothing to
say. Unknown inputs (None) keep a signal silent: the public data set has no IP addresses or
timings, and a signal must not fire for lack of data it was never given.

Weights are in log-odds: +2.2 multiplies the odds of spam by about nine.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .normalise import URL_RE, link_domain

HOLD = "hold"
SPAM = "spam"

URL_SHORTENERS = {
    "bit.ly", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rb.gy",
    "shorturl.at", "tiny.cc", "rebrand.ly", "t.ly", "v.gd", "s.id",
}
SCRIPTED_AGENT_RE = re.compile(
    r"curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|java/|libwww|"
    r"okhttp|scrapy|httpclient|php/|headlesschrome|phantomjs|\bbot\b|spider|crawler",
    re.IGNORECASE,
)


@dataclass
class Submission:
    """One comment as it arrived. None means "not known", never "empty"."""

    text: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str | None = None
    user_agent: str | None = None
    honeypot: str | None = None  # what the hidden field held
    seconds_to_submit: float | None = None  # from the signed form timestamp
    timestamp_missing: bool = False  # posted without the signed timestamp (no JavaScript)


@dataclass
class History:
    """What the site knows around the submission (filled by the Django glue)."""

    approved_before: int | None = None  # the author's earlier approved comments
    spam_before: int | None = None
    recent_from_ip: int | None = None  # comments from this IP in the last hour
    recent_from_email: int | None = None
    duplicate_of_recent: bool | None = None  # same text posted recently anywhere on the site
    akismet: bool | None = None  # Akismet's answer: True = spam


@dataclass
class Rules:
    """The site's discussion settings that bear on the decision."""

    max_links: int | None = None  # hold when more links than this
    hold_first_time: bool = False
    moderation_keys: list[str] = field(default_factory=list)  # lower-case; a match holds
    disallowed_keys: list[str] = field(default_factory=list)  # lower-case; a match is spam


@dataclass
class Signal:
    name: str
    detail: str
    weight: float = 0.0
    forces: str | None = None  # HOLD or SPAM: a rule the score cannot overrule downwards

    def as_dict(self) -> dict:
        out = {"signal": self.name, "detail": self.detail, "weight": round(self.weight, 2)}
        if self.forces:
            out["forces"] = self.forces
        return out


def links_in(text: str) -> list[str]:
    return [link_domain(m.group(0)) for m in URL_RE.finditer(text or "")]


def _honeypot(s: Submission, h: History, r: Rules):
    if s.honeypot:
        return Signal("honeypot", "the hidden field people never see was filled in", 8.0)
    return None


def _timing(s: Submission, h: History, r: Rules):
    if s.seconds_to_submit is None:
        if s.timestamp_missing:
            return Signal("no form timestamp", "posted without the form's signed timestamp", 0.3)
        return None
    seconds = s.seconds_to_submit
    if seconds < 3:
        return Signal("too fast", f"sent {seconds:.1f} s after the form was opened", 3.0)
    if seconds < 8:
        return Signal("fast", f"sent {seconds:.1f} s after the form was opened", 1.0)
    if seconds > 3 * 86400:
        return Signal("stale form", "the form was opened more than three days earlier", 1.0)
    return None


def _links(s: Submission, h: History, r: Rules):
    domains = links_in(s.text)
    if not domains:
        return None
    shortened = sorted({d for d in domains if d in URL_SHORTENERS})
    weight = 0.0
    details = [f"{len(domains)} link{'s' if len(domains) != 1 else ''}"]
    if shortened:
        weight += 1.5
        details.append("through a link shortener (" + ", ".join(shortened) + ")")
    if len(set(domains)) >= 3:
        weight += 1.0
        details.append(f"to {len(set(domains))} different sites")
    forces = None
    if r.max_links is not None and len(domains) > r.max_links:
        forces = HOLD
        details.append(f"more than the {r.max_links} allowed before moderation")
    if not weight and not forces:
        return None  # the text model already weighs a link; say nothing more
    return Signal("links", ", ".join(details), weight, forces)


def _duplicate(s: Submission, h: History, r: Rules):
    if h.duplicate_of_recent:
        return Signal("duplicate", "the same text was posted recently", 3.0)
    return None


def _rate(s: Submission, h: History, r: Rules):
    busiest = max(h.recent_from_ip or 0, h.recent_from_email or 0)
    if busiest >= 10:
        return Signal("posting rate", f"{busiest} comments in the last hour from this sender", 4.0)
    if busiest >= 5:
        return Signal("posting rate", f"{busiest} comments in the last hour from this sender", 2.0)
    return None


def _history(s: Submission, h: History, r: Rules):
    if h.spam_before:
        return Signal("author history", f"{h.spam_before} earlier comment(s) marked spam", 2.0)
    if h.approved_before:
        weight = -3.0 if h.approved_before >= 3 else -2.0
        return Signal("author history", f"{h.approved_before} earlier approved comment(s)", weight)
    if r.hold_first_time and h.approved_before == 0:
        return Signal("first comment", "first-time commenters are held for review", 0.0, HOLD)
    return None


def _user_agent(s: Submission, h: History, r: Rules):
    if s.user_agent is None:
        return None
    if not s.user_agent.strip():
        return Signal("user agent", "sent without a browser user agent", 2.0)
    if SCRIPTED_AGENT_RE.search(s.user_agent):
        return Signal("user agent", "sent by a script, not a browser", 3.0)
    return None


def _key_in(keys: list[str], s: Submission) -> str | None:
    haystack = "\n".join([s.text, s.author, s.email, s.url, s.ip or "", s.user_agent or ""])
    haystack = haystack.lower()
    return next((k for k in keys if k and k in haystack), None)


def _disallowed(s: Submission, h: History, r: Rules):
    key = _key_in(r.disallowed_keys, s)
    if key:
        return Signal("disallowed key", f"matches “{key}” on the disallowed list", 0.0, SPAM)
    return None


def _moderation(s: Submission, h: History, r: Rules):
    key = _key_in(r.moderation_keys, s)
    if key:
        return Signal("moderation key", f"matches “{key}” on the moderation list", 0.0, HOLD)
    return None


def _akismet(s: Submission, h: History, r: Rules):
    if h.akismet is None:
        return None
    if h.akismet:
        return Signal("akismet", "Akismet says spam", 3.0)
    return Signal("akismet", "Akismet says not spam", -1.0)


SIGNALS: list[Callable[[Submission, History, Rules], Signal | None]] = [
    _honeypot, _timing, _links, _duplicate, _rate, _history, _user_agent, _disallowed,
    _moderation, _akismet,
]


def fired_signals(submission: Submission, history: History, rules: Rules) -> list[Signal]:
    return [sig for check in SIGNALS if (sig := check(submission, history, rules)) is not None]
