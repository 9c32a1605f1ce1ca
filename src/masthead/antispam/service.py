"""Django glue: decide on one submission, never losing a real comment.

Whatever goes wrong inside the filter (no model, a model that cannot be read, a bug, a slow
database) the answer is "hold": the comment waits in Pending for a person.
"""

import logging
import time

from django.conf import settings

from . import akismet_signal
from .decision import Verdict
from .signals import HOLD, History, Rules, Submission
from .store import FilterUnavailable, current_filter

log = logging.getLogger(__name__)


def fail_safe(detail: str, reasons: list[dict] | None = None) -> Verdict:
    return Verdict(HOLD, None, [*(reasons or []), {"signal": "fail-safe", "detail": detail,
                                                   "weight": 0.0, "forces": HOLD}])


def assess(submission: Submission, history: History | None = None, rules: Rules | None = None,
           permalink: str = "") -> Verdict:
    history = history or History()
    extra = []
    if akismet_signal.enabled():
        history.akismet, note = akismet_signal.check(submission, permalink)
        if note:
            extra.append({"signal": "akismet", "detail": note, "weight": 0.0})
    budget = settings.MASTHEAD_SPAM_BUDGET_MS / 1000
    started = time.perf_counter()
    try:
        _, spam_filter = current_filter()
        verdict = spam_filter.decide(submission, history, rules)
    except FilterUnavailable as exc:
        return fail_safe(f"{exc}; held for review", extra)
    except Exception as exc:
        log.exception("spam filter failed; holding the comment")
        return fail_safe(f"the spam filter failed ({type(exc).__name__}); held for review", extra)
    elapsed = time.perf_counter() - started
    verdict.reasons.extend(extra)
    if elapsed > budget:
        log.warning("spam filter took %.0f ms; holding the comment", elapsed * 1000)
        return fail_safe(
            f"the spam filter took {elapsed * 1000:.0f} ms (budget "
            f"{settings.MASTHEAD_SPAM_BUDGET_MS} ms); held for review", verdict.reasons,
        )
    return verdict
