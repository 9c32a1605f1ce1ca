"""Fixtures every test package may use: newsroom content, role users, a browser, a real server."""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
DATASETS_DIR = SHARED_DIR / "datasets"
ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Tests see every change at once; tests/site/test_page_cache.py turns the cache back on."""
    settings.MASTHEAD_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def section(db):
    from masthead.newsroom.models import Section

    return Section.objects.create(name="World", slug="world")


@pytest.fixture
def author(db):
    from masthead.newsroom.models import Author

    return Author.objects.create(display_name="Ada Reporter", bio="Covers the harbour.")


@pytest.fixture
def make_article(db, section, author):
    """make_article(title=..., **fields): a published article (yesterday) unless told otherwise."""
    from masthead.newsroom.models import Article

    counter = iter(range(1, 1_000_000))

    def make(title=None, tags=(), authors=None, **fields):
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(days=1))
        fields.setdefault("section", section)
        fields.setdefault("body", "First paragraph of the story.\n\nSecond paragraph.")
        article = Article.objects.create(title=title or f"Story number {next(counter)}", **fields)
        if tags:
            article.tags.set(tags)
        article.authors.set(authors if authors is not None else [author])
        return article

    return make


@pytest.fixture
def role_users(db):
    """One signed-up user per newsroom role, each with an Author byline: {"Editor": user, ...}."""
    from django.contrib.auth.models import Group, User

    from masthead.newsroom.models import Author
    from masthead.newsroom.roles import Role, ensure_role_groups

    ensure_role_groups()
    users = {}
    for role in Role:
        user = User.objects.create_user(role.value.lower(), f"{role.value.lower()}@example.org",
                                        "pw-for-tests-123", is_staff=True,
                                        is_superuser=role is Role.ADMINISTRATOR)
        if role is not Role.ADMINISTRATOR:
            user.groups.add(Group.objects.get(name=role.value))
        Author.objects.create(user=user, display_name=f"{role.value} Person")
        users[role.value] = user
    return users


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The real thing: `masthead demo` in a subprocess on a free port, stopped at the end.

    Yields (base_url, data_dir)."""
    data_dir = tmp_path_factory.mktemp("demo-site")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "--data-dir", str(data_dir), "demo",
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}", data_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: apt-get install -y chromium (scripts/test does that)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR




def pytest_collection_modifyitems(items):
    """Every transactional test restores the rows migrations create (role groups, consent
    categories, settings rows) instead of leaving an empty database behind it.

    A transactional test empties the database when it ends. Without serialized rollback Django
    then re-runs post_migrate, which recreates the role groups under new ids; the next test that
    does restore the migrated rows then collides with them, and plain tests that follow find the
    data migrations' rows gone. One rule for all transactional tests keeps the order of test files
    (which pytest-xdist decides) from mattering."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = ("transactional_db" in getattr(item, "fixturenames", ())
                         or (marker is not None and marker.kwargs.get("transaction")))
        if not transactional or (marker and marker.kwargs.get("serialized_rollback")):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs),
                        append=False)
