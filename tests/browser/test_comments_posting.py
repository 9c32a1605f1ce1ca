"""A reader posts comments in headless Chromium, with JavaScript and without it."""

import pytest

from tests.antispam.conftest import quick_filter  # noqa: F401  (the fixture, used below)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("quick_filter")]
# Headless Chromium says "HeadlessChrome" in its user agent, which the spam filter rightly holds
# as a script; a reader's browser does not.
READER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/130.0.0.0 Safari/537.36")


@pytest.fixture
def open_article(make_article):
    from masthead.comments.models import DiscussionSettings

    settings = DiscussionSettings.current()
    settings.flood_seconds = 0
    settings.save()
    return make_article(title="Harbour ferry timetable changes")


def fill_form(page, text):
    page.fill("#comment", text)
    page.fill("#author", "Jo Reader")
    page.fill("#email", "jo@example.org")
    page.fill("#url", "https://jo.example/")


def test_post_a_comment_with_javascript(browser, live_server, open_article, artifacts_dir):
    from masthead.comments.models import Comment

    context = browser.new_context(user_agent=READER_AGENT)
    page = context.new_page()
    url = live_server.url + open_article.get_absolute_url()
    page.goto(url)
    fill_form(page, "Thanks for the clear report on the harbour ferry timetable.")
    page.check("#wp-comment-cookies-consent")
    # A person takes a few seconds to write; a post within 3 s of opening the form looks like
    # a bot to the filter (the signed "form opened" time comes from the token request).
    page.wait_for_timeout(3500)
    page.click("button.comment-form__submit")
    page.wait_for_selector(".comment-list .comment__text:has-text('harbour ferry timetable')")
    assert page.url == url  # no page load: posted with fetch
    assert "Your comment is published" in page.inner_text(".comment-form__status")
    comment = Comment.objects.get()
    assert comment.status == "approved"
    assert not any(r["signal"] == "no form timestamp" for r in comment.spam_reasons)
    assert page.get_attribute(f"#comment-{comment.pk} .p-name", "rel") == "nofollow ugc"
    # The details were saved in the browser: a fresh page fills them in.
    page.goto(url)
    assert page.input_value("#author") == "Jo Reader"
    page.screenshot(path=str(artifacts_dir / "comments-js.png"), full_page=True)

    # A reply goes under its parent, in place.
    page.click(f"#comment-{comment.pk} .comment-reply-link")
    assert page.input_value("#comment_parent") == str(comment.pk)
    page.fill("#comment", "A reply: I agree, the ferry timetable report was useful.")
    page.wait_for_timeout(3500)
    page.click("button.comment-form__submit")
    page.wait_for_selector(f"#comment-{comment.pk} ol.children .comment__text")
    assert Comment.objects.get(parent=comment).status == "approved"
    context.close()


def test_post_a_comment_without_javascript(browser, live_server, open_article):
    from masthead.comments.models import Comment

    context = browser.new_context(java_script_enabled=False, user_agent=READER_AGENT)
    page = context.new_page()
    page.goto(live_server.url + open_article.get_absolute_url())
    fill_form(page, "Posted the old way, no JavaScript at all.")
    with page.expect_navigation():
        page.click("button.comment-form__submit")
    comment = Comment.objects.get()
    assert comment.status == "approved"
    assert page.url.endswith(f"{open_article.get_absolute_url()}#comment-{comment.pk}")
    assert "Posted the old way" in page.inner_text(f"#comment-{comment.pk}")
    assert any(r["signal"] == "no form timestamp" for r in comment.spam_reasons)

    # An error comes back as a page with the form filled in, nothing lost.
    page.goto(live_server.url + open_article.get_absolute_url())
    page.fill("#comment", "Second comment with a broken address.")
    page.fill("#author", "Jo Reader")
    page.fill("#email", "jo@example.org")
    page.fill("#url", "ftp://files.example/")  # valid to the browser, not to the site
    with page.expect_navigation():
        page.click("button.comment-form__submit")
    assert "Your comment was not posted" in page.inner_text("main")
    assert page.input_value("#comment") == "Second comment with a broken address."
    assert Comment.objects.count() == 1
    context.close()


def test_held_comment_says_so_without_javascript(browser, live_server, open_article):
    from masthead.comments.models import DiscussionSettings

    settings = DiscussionSettings.current()
    settings.moderation_keys = "timetable"
    settings.save()
    context = browser.new_context(java_script_enabled=False, user_agent=READER_AGENT)
    page = context.new_page()
    page.goto(live_server.url + open_article.get_absolute_url())
    fill_form(page, "The timetable is wrong on Sundays.")
    with page.expect_navigation():
        page.click("button.comment-form__submit")
    assert "awaiting moderation" in page.inner_text("#comment-status")
    context.close()
