"""A reader searching the real demo site in headless Chromium: the header search box, the results
page with highlights and filters, and the result's article. Works without JavaScript."""

import sqlite3

import pytest

pytestmark = pytest.mark.browser


def _a_searchable_article(data_dir):
    """(title, a distinctive word of it, its section name) of a published article."""
    db = sqlite3.connect(data_dir / "masthead.sqlite3")
    title, section = db.execute(
        "SELECT a.title, s.name FROM newsroom_article a JOIN newsroom_section s "
        "ON s.id = a.section_id WHERE a.status = 'published' AND a.language = 'en' "
        "AND a.published_at <= strftime('%Y-%m-%d %H:%M:%f', 'now') ORDER BY a.id LIMIT 1"
    ).fetchone()
    word = max((w.strip(",.;:'\"") for w in title.split()), key=len)
    return title, word, section


def test_reader_searches_from_the_header(demo_server, browser, artifacts_dir):
    base_url, data_dir = demo_server
    title, word, section = _a_searchable_article(data_dir)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto(base_url + "/")
    box = page.get_by_role("search", name="Site search").get_by_role("searchbox",
                                                                      name="Search the site")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    results = page.locator(".search-results")
    assert "results for" in results.get_by_role("heading", level=2).inner_text().lower()
    assert page.locator(".search-result mark").count() >= 1
    page.screenshot(path=str(artifacts_dir / "search-results.png"), full_page=True)

    # Narrow to the article's section with the filter form, by its labels.
    page.get_by_label("Section", exact=True).select_option(label=section)
    page.get_by_role("button", name="Search", exact=True).last.click()
    assert "section=" in page.url
    link = page.locator(".search-result h3 a", has_text=word).first
    link.click()
    assert page.locator("h1").inner_text() == title
    page.close()


def test_keyboard_reaches_the_search_box_and_phone_layout_fits(demo_server, browser):
    base_url, _ = demo_server
    page = browser.new_page()
    page.goto(base_url + "/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    else:
        pytest.fail("the search box is not reachable with the keyboard")
    page.keyboard.type("harbour")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=harbour")
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(base_url + "/search/?q=harbour")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()


def test_bad_filter_shows_a_message_not_an_error_page(demo_server, browser):
    base_url, _ = demo_server
    page = browser.new_page()
    response = page.goto(base_url + "/search/?q=harbour&since=not-a-date")
    assert response.status == 400
    assert page.get_by_role("alert").first.inner_text() == "Give the date as YYYY-MM-DD."
    page.close()
