"""Optional: ask the real Akismet service as one more signal (off unless a key is configured).

Readers' data leaves the site only when the administrator sets MASTHEAD_AKISMET_KEY. Any failure
(no package, a bad key, no answer in time) leaves the signal silent; the local filter decides.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings

from .signals import Submission

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="akismet")


def enabled() -> bool:
    return bool(getattr(settings, "MASTHEAD_AKISMET_KEY", ""))


def _client():
    import akismet  # the optional extra: pip install masthead[akismet]

    config = akismet.Config(key=settings.MASTHEAD_AKISMET_KEY,
                            url=settings.MASTHEAD_AKISMET_URL or settings.BASE_URL)
    return akismet.SyncClient(config=config), akismet.CheckResponse


def _ask(submission: Submission, permalink: str) -> bool:
    client, responses = _client()
    with client:
        answer = client.comment_check(
            user_ip=submission.ip or "", user_agent=submission.user_agent or "",
            comment_type="comment", comment_author=submission.author,
            comment_author_email=submission.email, comment_author_url=submission.url,
            comment_content=submission.text, permalink=permalink,
        )
    return answer != responses.HAM


def check(submission: Submission, permalink: str = "") -> tuple[bool | None, str]:
    """(True = spam / False = ham / None = no answer, a note for the reasons)."""
    if not enabled():
        return None, ""
    future = _pool.submit(_ask, submission, permalink)
    try:
        return future.result(timeout=settings.MASTHEAD_AKISMET_TIMEOUT), ""
    except FutureTimeout:
        return None, "Akismet did not answer in time"
    except ImportError:
        return None, "the akismet package is not installed (pip install 'masthead[akismet]')"
    except Exception as exc:
        log.warning("Akismet check failed", exc_info=True)
        return None, f"Akismet check failed: {type(exc).__name__}"
