"""Hostile payloads stored through every sink, then opened in headless Chromium: the article page
(body, source link, comments) and the admin's comment pages. Every link in them is hovered and
clicked; any dialog or call of alert/confirm/prompt fails the test."""

import pytest

from tests.site.xss_payloads import ALL_PAYLOADS, URL_PAYLOADS

pytestmark = pytest.mark.browser

WATCH = """
window.__executed = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__executed.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture
def hostile_site(make_article, admin_user):
    from masthead.comments.models import Comment
    from masthead.comments.rendering import render_comment_html
    from masthead.newsroom.models import Article

    article = make_article(title="Hostile story", body="\n\n".join(ALL_PAYLOADS),
                           source_name="Wire")
    Article.objects.filter(pk=article.pk).update(source_url=URL_PAYLOADS[0],
                                                 featured_image_url=URL_PAYLOADS[1])
    Comment.objects.bulk_create([  # past Comment.save(), as an import writes them
        Comment(article=article, author=f"Visitor {i}", author_url=payload, text=payload,
                text_format=Comment.Format.HTML,
                text_html=render_comment_html(payload, is_html=True),
                status=Comment.Status.APPROVED)
        for i, payload in enumerate(URL_PAYLOADS + ALL_PAYLOADS[len(URL_PAYLOADS):][:20])
    ])
    return article


def _executed(page) -> list:
    from playwright.sync_api import Error

    for _ in range(20):
        try:
            return page.evaluate("window.__executed || []")
        except Error:  # the click is navigating: ask the page it lands on
            page.wait_for_timeout(100)
            page.wait_for_load_state()
    raise AssertionError("the page never settled")


def _visit_every_link(page, url, selector):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # Leaving the site is not the point: links elsewhere are answered with an empty page.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "http://localhost")) else route.fulfill(body="", status=204))
    page.goto(url)
    count = page.locator(selector).count()
    assert count > 0
    for index in range(count):
        if page.url != url:
            page.goto(url)
        link = page.locator(selector).nth(index)
        if not link.is_visible():
            continue
        html = link.evaluate("a => a.outerHTML")
        link.hover()
        link.click(timeout=2000, no_wait_after=True)
        page.wait_for_timeout(30)
        page.wait_for_load_state()
        # A javascript: address would run in this page; anything else navigated (safely).
        executed = _executed(page)
        assert executed == [] and dialogs == [], (index, html)
    return count


def test_hostile_links_do_nothing_on_the_article_page(browser, live_server, hostile_site):
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    url = live_server.url + hostile_site.get_absolute_url()
    clicked = _visit_every_link(page, url, ".story__body a, .story__source a, .comment-list a")
    assert clicked >= 10
    assert page.locator(".story__source").inner_text().startswith("Source of information")
    context.close()


def test_hostile_links_do_nothing_in_the_admin(browser, live_server, hostile_site, admin_user):
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    with page.expect_navigation():
        page.click("input[type=submit]")
    from masthead.comments.models import Comment

    for comment in Comment.objects.order_by("pk")[:3]:
        _visit_every_link(page, f"{live_server.url}/admin/comments/comment/{comment.pk}/change/",
                          "#content-main fieldset a")
    _visit_every_link(page, f"{live_server.url}/admin/comments/comment/", "#result_list td a")
    context.close()
