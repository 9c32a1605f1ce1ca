"""The plain-Python spam core: features, the model, signals, the decision, tuning, the data set."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from masthead.antispam.dataset import DatasetError, load_youtube_spam
from masthead.antispam.decision import SpamFilter, Thresholds
from masthead.antispam.signals import History, Rules, Submission
from masthead.antispam.text_model import TextSpamModel, char_ngrams, normalise, words
from masthead.antispam.training import TrainingError, choose_thresholds, train_filter
from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS


@pytest.fixture(scope="module")
def small_filter():
    texts, labels = SPAM_TEXTS + HAM_TEXTS, [1] * len(SPAM_TEXTS) + [0] * len(HAM_TEXTS)
    return SpamFilter(TextSpamModel(epochs=30).fit(texts, labels), Thresholds(0.5, 0.9))


def test_core_imports_no_django():
    import subprocess
    import sys

    code = ("import sys, masthead.antispam.decision, masthead.antispam.training, "
            "masthead.antispam.dataset; print(any(m.startswith('django') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_char_ngrams_match_scikit_learns_char_wb():
    analyse = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    for text in ["hello world a ab", "x", "東京は晴れです", "check   spaces\tand\nlines"]:
        assert sorted(char_ngrams(text)) == sorted(analyse(text))


def test_unspaced_scripts_are_not_split_on_spaces():
    tokens = words(normalise("東京は晴れです").text)
    assert "東京" in tokens and "晴" in tokens and "東京は晴れです" not in tokens
    assert "привет" in words(normalise("Привет мир").text)


def test_links_become_a_marker_and_their_domain():
    assert normalise("Visit WWW.Example.com/path?x=1 now").text.split() == \
        ["visit", "httplink", "example.com", "now"]
    assert "httplink" in normalise("kidsmediausa  . com").text
    assert "<b>" not in normalise("<b>bold</b> &amp; more").text


def test_model_learns_and_scores(small_filter):
    spam = small_filter.model.score("subscribe to my channel http://spam.example")
    ham = small_filter.model.score("the council meeting about the ferry was useful")
    assert spam.probability > 0.5 > ham.probability
    assert small_filter.model.score(SPAM_TEXTS[0]).coverage == 1.0
    assert small_filter.model.score("zorblax quintessential flumph").coverage == 0.0


def test_online_learning_moves_the_score(small_filter):
    model, _ = TextSpamModel.from_bytes(small_filter.model.to_bytes())
    text = "zorblax quantum vitamins shipped overnight"
    before = model.score(text).probability
    for _ in range(3):
        model.learn([text], [1])
    assert model.score(text).probability > before
    assert model.examples_seen == small_filter.model.examples_seen + 3


@pytest.mark.parametrize("text", [
    "这篇关于港口的报道写得很好，谢谢记者。",
    "港のフェリーの時刻表についての記事、とても参考になりました。",
    "Спасибо за статью о паромах, очень полезно.",
    "Danke für den ausführlichen Bericht über die Fähren.",
])
def test_unknown_language_is_not_held_or_spam_because_of_it(small_filter, text):
    verdict = small_filter.decide(Submission(text=text))
    assert verdict.action == "approve", verdict.reasons


def test_roundtrip_keeps_decisions(small_filter):
    copy = SpamFilter.from_bytes(small_filter.to_bytes())
    for text in SPAM_TEXTS[:3] + HAM_TEXTS[:3]:
        assert copy.decide(Submission(text)).score == pytest.approx(
            small_filter.decide(Submission(text)).score)
    with pytest.raises(ValueError, match="not a spam filter"):
        SpamFilter.from_bytes(b"not a model")


def signal_names(verdict):
    return {r["signal"] for r in verdict.reasons}


@pytest.mark.parametrize("submission, history, rules, action, signal", [
    (Submission("Lovely photos", honeypot="x"), History(), Rules(), "spam", "honeypot"),
    (Submission("Lovely photos", seconds_to_submit=1.0), History(), Rules(), None, "too fast"),
    (Submission("Lovely photos", user_agent="curl/8.0"), History(), Rules(), None, "user agent"),
    (Submission("Lovely photos", user_agent=""), History(), Rules(), None, "user agent"),
    (Submission("Lovely photos"), History(duplicate_of_recent=True), Rules(), None, "duplicate"),
    (Submission("Lovely photos"), History(recent_from_ip=12), Rules(), None, "posting rate"),
    (Submission("Lovely photos"), History(spam_before=2), Rules(), None, "author history"),
    (Submission("see bit.ly/x and tinyurl.com/y and a.example.com/z"), History(),
     Rules(max_links=2), "hold", "links"),
    (Submission("Lovely photos"), History(approved_before=0), Rules(hold_first_time=True),
     "hold", "first comment"),
    (Submission("Lovely photos"), History(), Rules(moderation_keys=["photos"]), "hold",
     "moderation key"),
    (Submission("Lovely photos", email="x@bad.example"), History(),
     Rules(disallowed_keys=["bad.example"]), "spam", "disallowed key"),
    (Submission("Lovely photos", timestamp_missing=True), History(), Rules(), "approve",
     "no form timestamp"),
    (Submission("Lovely photos"), History(akismet=True), Rules(), None, "akismet"),
])
def test_signals_fire_and_rules_force(small_filter, submission, history, rules, action, signal):
    verdict = small_filter.decide(submission, history, rules)
    assert signal in signal_names(verdict)
    if action == "hold":  # a rule holds at least; the score may still say spam
        assert verdict.action in {"hold", "spam"}
    elif action:
        assert verdict.action == action
    quiet = small_filter.decide(Submission(submission.text))
    if signal not in {"links", "moderation key", "disallowed key", "first comment"}:
        weight = next(r["weight"] for r in verdict.reasons if r["signal"] == signal)
        assert (verdict.score > quiet.score) == (weight > 0)


def test_trusted_authors_and_silent_signals(small_filter):
    text = "subscribe to my channel"
    base = small_filter.decide(Submission(text))
    trusted = small_filter.decide(Submission(text), History(approved_before=5))
    assert trusted.score < base.score
    assert signal_names(base) == {"text model"}  # unknowns keep every other signal silent


def test_tuning_respects_the_ham_budgets():
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.beta(2, 8, 1000), rng.beta(8, 2, 1000)])
    labels = np.array([0] * 1000 + [1] * 1000)
    groups = np.arange(2000) % 2  # two groups, each within the budgets
    evidence = np.ones(2000, dtype=bool)
    t = choose_thresholds(scores, evidence, labels, groups, max_ham_to_spam=0.01,
                          max_ham_held=0.1)
    for g in (0, 1):
        ham = scores[(labels == 0) & (groups == g)]
        assert (ham >= t.spam).mean() <= 0.01
        assert ((ham >= t.hold) & (ham < t.spam)).mean() <= 0.1 * 1.5
    assert 0 < t.hold <= t.spam < 1
    without_evidence = choose_thresholds(scores, ~evidence, labels, groups)
    assert without_evidence.hold <= t.hold  # nothing can be held without evidence
    with pytest.raises(ValueError):
        Thresholds(hold=0.9, spam=0.2)


def test_training_refuses_one_class():
    with pytest.raises(TrainingError, match="need at least 10 spam and 10 ham"):
        train_filter({"a": [(t, 0) for t in HAM_TEXTS]})


def write_csv(path, rows, header="COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS"):
    lines = [header] + [f'{i},a{i},,"{text}",{label}' for i, (text, label) in enumerate(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_dataset_loader(tmp_path):
    write_csv(tmp_path / "Youtube01-A.csv", [("buy now", 1), ("nice song", 0)])
    videos = load_youtube_spam(tmp_path)
    assert list(videos) == ["Youtube01-A"]
    assert [c.is_spam for c in videos["Youtube01-A"]] == [True, False]


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "no Youtube"),
    (lambda d: write_csv(d / "Youtube01.csv", [("x", 1)], header="A,B"), "lacks the column"),
    (lambda d: (d / "Youtube01.csv").write_bytes(b"CONTENT,CLASS\n\xff\xfe,1\n"), "not UTF-8"),
    (lambda d: write_csv(d / "Youtube01.csv", []), "holds no comments"),
])
def test_dataset_loader_bad_input(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(DatasetError, match=message):
        load_youtube_spam(tmp_path)
    with pytest.raises(DatasetError, match="not a directory"):
        load_youtube_spam(tmp_path / "missing")
