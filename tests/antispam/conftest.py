"""Fixtures for the spam defence tests (the comments tests use them too)."""

import pytest

from masthead.antispam import store
from masthead.antispam.decision import SpamFilter, Thresholds
from masthead.antispam.text_model import TextSpamModel
from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS


@pytest.fixture
def quick_filter(db):
    """A small filter trained in a moment, stored as the site's current model."""
    texts, labels = SPAM_TEXTS + HAM_TEXTS, [1] * len(SPAM_TEXTS) + [0] * len(HAM_TEXTS)
    # Strongly regularised: 24 examples would otherwise be fitted to extreme scores, which one
    # lesson could not visibly move.
    model = TextSpamModel(alpha=3e-3, epochs=30).fit(texts, labels)
    spam_filter = SpamFilter(model, Thresholds(0.5, 0.97))
    store.forget_loaded()
    store.save_filter(spam_filter, "retrain", note="tests")
    yield spam_filter
    store.forget_loaded()
