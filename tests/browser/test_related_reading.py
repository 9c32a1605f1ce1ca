"""A reader meets "See also" and "You may also like" in headless Chromium."""

import pytest

from tests.related.conftest import body_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def space_archive(make_article, settings):
    from masthead.jobs.worker import run_ready_jobs

    settings.MASTHEAD_RELATED_SEMANTIC = "off"
    articles = [make_article(title=f"Space story {i}", body=body_for("space", i),
                             featured_image_url="") for i in range(8)] + [
        make_article(title="Bank raises rates", body=body_for("economy", 0))]
    run_ready_jobs()  # the related lists are kept by background jobs, as a worker would run them
    return articles


def test_reader_follows_a_related_link_by_keyboard(browser, live_server, space_archive,
                                                     artifacts_dir):
    page = browser.new_page()
    first = space_archive[0]
    page.goto(live_server.url + first.get_absolute_url())
    block = page.get_by_role("complementary", name="You may also like")
    links = block.get_by_role("link")
    assert links.count() == 6
    titles = links.all_inner_texts()
    assert all(t.startswith("Space story") for t in titles) and first.title not in titles
    see_also = page.locator(".story__body .see-also a")
    assert see_also.count() == 1 and see_also.inner_text() not in titles
    page.screenshot(path=str(artifacts_dir / "related-article.png"), full_page=True)
    # Keyboard only: tab to the first related title and follow it.
    target = links.first.get_attribute("href")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("the related links cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + target)
    assert page.locator("h1").inner_text().startswith("Space story")
    page.close()


def test_blocks_work_without_javascript(browser, live_server, space_archive):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + space_archive[1].get_absolute_url())
    assert page.get_by_role("heading", name="You may also like").is_visible()
    assert page.locator(".see-also").is_visible()
    context.close()
