"""Jobs the tests enqueue (module level, as django-tasks requires). Workers started by the tests
import this module, so it needs nothing but the standard library and masthead.jobs."""

import os
import time
from pathlib import Path

from masthead.jobs import job


@job(max_attempts=3, retry_delay=0)
def always_fails(message: str) -> None:
    raise ValueError(message)


@job(max_attempts=3, retry_delay=0)
def fails_then_succeeds(marker_dir: str, failures: int) -> str:
    """Fails `failures` times (counted in files, so the count survives processes), then succeeds."""
    tries = Path(marker_dir) / "tries"
    tries.mkdir(parents=True, exist_ok=True)
    count = len(list(tries.iterdir()))
    (tries / str(count)).touch()
    if count < failures:
        raise RuntimeError(f"failure number {count + 1}")
    return "done"


@job(max_attempts=5, retry_delay=30)
def slow_failure() -> None:
    raise ConnectionError("the mail server did not answer")


@job(max_attempts=3, retry_delay=0)
def record_run(log_path: str, label: str) -> None:
    """Append one line per run: 'label pid'. O_APPEND keeps concurrent lines whole."""
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{label} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


@job(max_attempts=3, retry_delay=0)
def wait_for_release(marker_dir: str) -> str:
    """Says it started (one file per run), then waits until the test creates `release`."""
    marker = Path(marker_dir)
    runs = marker / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    (runs / str(os.getpid())).touch()
    while not (marker / "release").exists():
        time.sleep(0.05)
    return f"finished in {os.getpid()}"
