"""What every benchmark needs: a fresh throwaway site, timing helpers, and output."""

import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def fresh_site(keep_env_db: bool = False):
    """Point Django at a new SQLite site in a temporary data dir, migrate it, and yield the dir.

    Must run before anything imports Django settings."""
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        os.environ["MASTHEAD_DATA_DIR"] = tmp
        # Benchmarks drive the site through Django's test client, whose host is "testserver".
        os.environ["MASTHEAD_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        Path(tmp, "static").mkdir()
        if not keep_env_db:
            os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        yield Path(tmp)


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100), nearest-rank, of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def median(values) -> float:
    return statistics.median(values)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(result: dict, as_json: bool, title: str) -> None:
    if as_json:
        print(json.dumps(result))
        return
    width = max(len(k) for k in result)
    print(title)
    for key, value in result.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"  {key:<{width}}  {shown}")
    sys.stdout.flush()
