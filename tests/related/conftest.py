"""Topic texts for related-articles tests: three clearly separate subjects."""

import pytest

TOPICS = {
    "football": [
        "The striker scored twice as the club won the league match at the stadium.",
        "The manager praised the goalkeeper after the cup final penalty shootout.",
        "Fans filled the stadium for the derby; the midfielder scored a late goal.",
        "The club signed a young defender before the transfer window closed.",
        "A hat-trick from the striker sent the club to the top of the league table.",
    ],
    "economy": [
        "The central bank raised rates again as inflation hit a ten-year high.",
        "Markets fell after the bank warned that inflation and debt would keep rising.",
        "Shares in the bank dropped as investors worried about rates and bonds.",
        "The finance minister said inflation would ease and the bank could cut rates.",
        "Bond yields climbed when the central bank signalled more rate rises.",
    ],
    "space": [
        "The rocket carried a telescope into orbit to study distant galaxies.",
        "Astronauts on the space station repaired a solar panel during a spacewalk.",
        "The probe sent back images of the moon's craters and frozen water.",
        "A new telescope spotted a planet orbiting a star in a distant galaxy.",
        "The space agency delayed the rocket launch because of strong winds.",
    ],
}


def body_for(topic: str, i: int, paragraphs: int = 5) -> str:
    sentences = TOPICS[topic]
    return "\n\n".join(
        " ".join(sentences[(i + j + k) % len(sentences)] for k in range(2))
        for j in range(paragraphs)
    )


@pytest.fixture(autouse=True)
def _text_method_only(settings):
    """The semantic plug-in, when installed, is tested on its own (test_semantic.py)."""
    settings.MASTHEAD_RELATED_SEMANTIC = "off"


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """The update and rebuild jobs run as soon as they are enqueued, as a worker would run
    them a moment later (tests/related/test_jobs.py checks they are only enqueued)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (the change seam's delivery, the jobs it enqueues) the way a
    real request and a worker would."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


@pytest.fixture
def topical(make_article, on_commit):
    """make(topic, i, **fields): a published article about one topic, index updated."""
    def make(topic, i, **fields):
        fields.setdefault("body", body_for(topic, i))
        fields.setdefault("title", f"{topic.title()} story {i}")
        return on_commit(make_article, **fields)
    return make
