"""Fixtures for the comments tests: an open article, discussion settings, a quick spam filter."""

import pytest

from masthead.antispam import store
from masthead.antispam.decision import SpamFilter, Thresholds
from masthead.antispam.text_model import TextSpamModel

SPAM_TEXTS = [
    "Check out my channel and subscribe http://spam.example/win",
    "Subscribe to my channel for free money http://spam.example",
    "Cheap pills online, visit http://pills.example now",
    "Make money fast working from home http://cash.example",
    "Please subscribe to my channel, I make videos http://youtube.example/me",
    "Free gift card giveaway click http://gift.example",
    "Visit my website for cheap followers http://followers.example",
    "Earn $500 a day from home, click here http://earn.example",
    "Hey guys check out my new song and subscribe http://song.example",
    "Win an iPhone now, limited offer http://win.example",
    "Buy cheap watches http://watches.example best prices",
    "Like and subscribe to my channel please http://channel.example",
]
HAM_TEXTS = [
    "The harbour story was well reported, thank you.",
    "I disagree with the council's decision on the ferry timetable.",
    "My grandfather worked on those boats in the fifties.",
    "Good piece. The second paragraph explains the budget clearly.",
    "Does anyone know when the public meeting is?",
    "This is the best coverage of the election I have read.",
    "The photo of the old lighthouse brings back memories.",
    "I hope the bridge repairs finish before winter.",
    "Thanks for translating this article, very useful.",
    "The interview with the mayor was fair and balanced.",
    "Interesting to see how the fishing quotas changed.",
    "We walked along the coast path last weekend, lovely.",
]


@pytest.fixture
def quick_filter(db):
    """A small filter trained in a moment, stored as the site's current model."""
    texts, labels = SPAM_TEXTS + HAM_TEXTS, [1] * len(SPAM_TEXTS) + [0] * len(HAM_TEXTS)
    spam_filter = SpamFilter(TextSpamModel(epochs=30).fit(texts, labels), Thresholds(0.5, 0.9))
    store.forget_loaded()
    store.save_filter(spam_filter, "retrain", note="tests")
    yield spam_filter
    store.forget_loaded()


@pytest.fixture
def discussion(db):
    from masthead.comments.models import DiscussionSettings

    settings = DiscussionSettings.current()
    settings.flood_seconds = 0  # tests post quickly from one address
    settings.save()
    return settings


@pytest.fixture
def article(make_article, discussion, quick_filter):
    return make_article(title="Harbour ferry timetable changes")


BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def post(client, article):
    """post(**fields) -> response: a no-JavaScript form post as a browser sends it."""

    def send(json=False, **fields):
        data = {"comment": "A thoughtful remark about the ferry timetable.", "author": "Jo Reader",
                "email": "jo@example.org", "url": "", "comment_post_ID": article.pk,
                "comment_parent": "0"}
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        headers = {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_ORIGIN": "http://testserver"}
        if json:
            headers["HTTP_ACCEPT"] = "application/json"
        return client.post("/comments/post/", data, **headers)

    return send
