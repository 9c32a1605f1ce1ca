"""The stored model: plain arrays (no pickle), readable without scikit-learn, refused clearly when
it is anything else; the shipped starter on hard input; a site's own decisions taking over."""

import io
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from masthead.antispam import store
from masthead.antispam.decision import ACTIONS, SpamFilter, Thresholds
from masthead.antispam.signals import Submission
from masthead.antispam.text_model import TextSpamModel
from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS


@pytest.fixture(scope="module")
def small_filter():
    texts, labels = SPAM_TEXTS + HAM_TEXTS, [1] * len(SPAM_TEXTS) + [0] * len(HAM_TEXTS)
    return SpamFilter(TextSpamModel(epochs=30).fit(texts, labels), Thresholds(0.5, 0.9))


@pytest.fixture(scope="module")
def starter():
    return store.load_starter()


def test_the_stored_form_is_plain_arrays(small_filter):
    data = small_filter.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["coef.npy", "familiar.npy", "meta.npy",
                                              "site_coef.npy"]
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:  # would raise on a pickle
        assert arrays["coef"].dtype == np.float32


NO_SKLEARN = """
import sys
sys.modules["sklearn"] = None  # as if scikit-learn were missing, or a newer one had moved things
from pathlib import Path
from masthead.antispam.decision import SpamFilter
from masthead.antispam.signals import Submission
for path in sys.argv[1:]:
    f = SpamFilter.from_bytes(Path(path).read_bytes())
    print(f.decide(Submission("Check out my channel http://spam.example/win")).action)
"""


def test_a_stored_model_loads_without_scikit_learn(small_filter, tmp_path):
    saved = tmp_path / "model.npz"
    saved.write_bytes(small_filter.to_bytes())
    out = subprocess.run([sys.executable, "-c", NO_SKLEARN, str(saved), str(store.starter_path())],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["spam", "spam"] or set(out.stdout.split()) <= {"spam", "hold"}


def test_a_pickled_or_foreign_model_is_refused(small_filter):
    old_style = pickle.dumps({"format": 1, "model": b"x"})  # what Masthead stored before
    with pytest.raises(ValueError, match="not a spam filter"):
        SpamFilter.from_bytes(old_style)
    with pytest.raises(ValueError, match="not a spam filter"):
        SpamFilter.from_bytes(small_filter.to_bytes()[:200])  # truncated
    other = io.BytesIO()
    np.savez(other, coef=np.zeros(3), meta=np.frombuffer(b'{"format": "x"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="not a spam filter"):
        SpamFilter.from_bytes(other.getvalue())


WEB_PROCESS = """
import os, sys, traceback
blamed = []


class Watch:
    # Who imports scikit-learn? Note it when the spam defence or comment screening is on the
    # stack (other apps, such as related articles, are another issue's business).
    def find_spec(self, name, path=None, target=None):
        if name == "sklearn":
            blamed.extend(f.filename for f in traceback.extract_stack()
                          if "antispam" in f.filename or "screening" in f.filename)
        return None


sys.meta_path.insert(0, Watch())
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "masthead.settings"
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # what a web worker loads before its first request
import masthead.comments.screening, masthead.antispam.store, masthead.antispam.admin
from masthead.antispam.store import load_starter
from masthead.antispam.signals import Submission
load_starter().decide(Submission("A comment is screened"))
print(blamed)
"""


def test_the_spam_defence_never_imports_scikit_learn_in_a_web_process(tmp_path):
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", WEB_PROCESS], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("text", ["𝐌𝐄𝐆𝐀𝐁𝐄𝐓𝟗𝟗 𝐆𝐀𝐂𝐎𝐑 𝐌𝐀𝐗𝐖𝐈𝐍 𝐇𝐀𝐑𝐈 𝐈𝐍𝐈",
                                  "AЕR𝐎𝟴𝟴 bikin cuan terus, gas daftar sekarang",
                                  "main di ᴘʟᴜᴛᴏ𝟖𝟖 auto jp bang"])
def test_the_starter_holds_disguised_gambling_spam(starter, text):
    verdict = starter.decide(Submission(text))
    assert verdict.action in {"hold", "spam"}, verdict.reasons
    assert "disguised text" in {r["signal"] for r in verdict.reasons}


@pytest.mark.parametrize("text", [
    "Thanks for the clear explanation of the new ferry timetable, very helpful.",
    "I disagree with the council's decision, the old route served the village better.",
    "Η ανάλυση για το λιμάνι ήταν πολύ καλή, ευχαριστώ.",  # Greek: no Greek in the corpus
    "Ottimo articolo sul porto, grazie mille alla redazione.",  # Italian: none either
])
def test_the_starter_approves_ordinary_comments(starter, text):
    verdict = starter.decide(Submission(text, user_agent="Mozilla/5.0", seconds_to_submit=40))
    assert verdict.action == "approve", verdict.reasons


@pytest.mark.parametrize("text", [
    "АЕОРСХаеорсх" * 30,  # only look-alike letters
    "😀🎉🔥💯" * 50,  # only emoji
    "\x00\x01\x02\x1b[31m\x7f" * 20,  # control characters
    "A long comment about the harbour. " * 300,  # 10,000 characters
    "x" * 10_000,
    "\u202e\u200b\u2066" * 300,
])
def test_hard_input_gets_a_verdict_with_reasons(starter, text):
    verdict = starter.decide(Submission(text))
    assert verdict.action in ACTIONS and verdict.reasons and 0 <= verdict.score <= 1


def test_a_sites_decisions_soon_outweigh_the_starter(starter):
    spam_filter = SpamFilter.from_bytes(starter.to_bytes())
    new_spam = [f"Miracle zorblax crystals cure everything, order {n} boxes today"
                for n in range(8)]
    probe = "Miracle zorblax crystals cure everything, order 20 boxes today"
    before = spam_filter.model.score(probe).probability
    for text in new_spam:
        spam_filter.learn([text], [1])  # one moderator decision at a time
    assert spam_filter.model.score(probe).probability > max(0.9, before)
    assert spam_filter.model.site_examples == len(new_spam)
    assert spam_filter.decide(Submission("The harbour article was excellent.")).action == \
        "approve"
