"""A reader on the real demo site, in headless Chromium: home, a section, an article."""

import sqlite3

import pytest

pytestmark = pytest.mark.browser


def _a_syndicated_article(data_dir):
    db = sqlite3.connect(data_dir / "masthead.sqlite3")
    return db.execute(
        "SELECT a.title, s.name FROM newsroom_article a"
        " JOIN newsroom_section s ON s.id = a.section_id"
        " WHERE a.source_name != '' AND a.status = 'published' AND s.parent_id IS NULL"
        " ORDER BY a.published_at DESC LIMIT 1"
    ).fetchone()


def test_reader_clicks_through_to_an_article(demo_server, browser, artifacts_dir):
    base_url, data_dir = demo_server
    title, section_name = _a_syndicated_article(data_dir)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto(base_url + "/")
    assert page.locator("h2.lead__title").is_visible()
    page.screenshot(path=str(artifacts_dir / "home.png"))

    page.get_by_role("navigation", name="Sections").get_by_role("link", name=section_name).click()
    while not page.get_by_role("link", name=title, exact=True).count():
        page.get_by_role("link", name="Older →").click()
    page.get_by_role("link", name=title, exact=True).first.click()

    crumbs = page.get_by_role("navigation", name="Breadcrumbs")
    assert crumbs.is_visible()
    assert [line.strip() for line in crumbs.inner_text().splitlines() if line.strip()] == [
        "Home", section_name, title]
    assert page.locator("h1").inner_text() == title
    assert page.locator(".story__meta .byline").is_visible()
    assert page.locator(".story__meta .byline").inner_text().startswith("by ")
    assert page.locator(".story__meta time.dt-published").is_visible()
    assert page.locator(".story__source").is_visible()
    assert "Source of information:" in page.locator(".story__source").inner_text()
    page.screenshot(path=str(artifacts_dir / "article.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page.url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the article must not scroll sideways on a phone"
    phone.screenshot(path=str(artifacts_dir / "article-phone.png"))
    page.close()
    phone.close()


def test_keyboard_user_sees_the_skip_link(demo_server, browser):
    base_url, _ = demo_server
    page = browser.new_page()
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.close()
