"""Training a spam filter from labelled comments, and tuning its thresholds honestly.

Plain Python. Thresholds are chosen from out-of-fold scores: each group of examples (a video of
the public data set, or a random fifth of a site's moderated comments) is scored by a model that
never saw it. The groups being scored are always part of the training data given here, so a
benchmark's test video never influences its own thresholds.
"""

import zlib
from collections.abc import Callable

import numpy as np

from .decision import SpamFilter, Thresholds
from .signals import Submission
from .text_model import TextSpamModel

Example = tuple[str, int]  # (text, 1 for spam / 0 for ham)

# Targets with a margin below what the issue allows (1 % of ham to Spam, 10 % of ham held).
MAX_HAM_TO_SPAM = 0.004
MAX_HAM_FLAGGED = 0.07
MIN_PER_CLASS = 10


class TrainingError(Exception):
    """The examples cannot train a filter (too few, or only one class)."""


def fold_of(text: str, folds: int = 5) -> str:
    """A stable fold for examples with no natural group (a site's moderated comments)."""
    return f"fold-{zlib.crc32(text.encode('utf-8', 'replace')) % folds}"


def check_examples(groups: dict[str, list[Example]]) -> None:
    labels = [label for examples in groups.values() for _, label in examples]
    spam, ham = sum(labels), len(labels) - sum(labels)
    if spam < MIN_PER_CLASS or ham < MIN_PER_CLASS:
        raise TrainingError(
            f"need at least {MIN_PER_CLASS} spam and {MIN_PER_CLASS} ham examples "
            f"(have {spam} spam, {ham} ham)"
        )


def fit_model(examples: list[Example]) -> TextSpamModel:
    texts, labels = zip(*examples, strict=True)
    return TextSpamModel().fit(list(texts), list(labels))


def out_of_fold_scores(groups: dict[str, list[Example]],
                       step: Callable[[str], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    scores, labels = [], []
    for held_out, held_out_examples in groups.items():
        training = [e for g, examples in groups.items() if g != held_out for e in examples]
        spam_filter = SpamFilter(fit_model(training))
        for text, label in held_out_examples:
            scores.append(spam_filter.decide(Submission(text=text)).score)
            labels.append(label)
        if step:
            step(f"scored {held_out}")
    return np.asarray(scores), np.asarray(labels)


def tune_thresholds(scores: np.ndarray, labels: np.ndarray,
                    max_ham_to_spam: float = MAX_HAM_TO_SPAM,
                    max_ham_flagged: float = MAX_HAM_FLAGGED) -> Thresholds:
    """The lowest thresholds that keep ham out of Spam and mostly out of Pending."""
    ham = np.sort(scores[labels == 0])
    if ham.size == 0:
        return Thresholds()

    def lowest_threshold(max_share: float) -> float:
        # Allow floor(max_share * n) ham at or above the threshold: sit just above the next one.
        allowed = int(np.floor(max_share * ham.size))
        bound = ham[ham.size - allowed - 1] if allowed < ham.size else 0.0
        return float(min(0.99, np.nextafter(bound, 1.0) + 1e-4))

    spam = max(0.5, lowest_threshold(max_ham_to_spam))
    hold = min(spam, max(0.05, lowest_threshold(max_ham_flagged)))
    return Thresholds(hold=hold, spam=spam)


def train_filter(groups: dict[str, list[Example]],
                 step: Callable[[str], None] | None = None) -> SpamFilter:
    """A filter trained on every example, with thresholds from out-of-fold scores.

    `step` is called once per group scored and once at the end (len(groups) + 1 calls), for a
    progress bar."""
    check_examples(groups)
    if len(groups) < 2:
        groups = _regroup(groups)
    scores, labels = out_of_fold_scores(groups, step)
    thresholds = tune_thresholds(scores, labels)
    model = fit_model([e for examples in groups.values() for e in examples])
    if step:
        step("trained the final model")
    return SpamFilter(model, thresholds)


def _regroup(groups: dict[str, list[Example]]) -> dict[str, list[Example]]:
    regrouped: dict[str, list[Example]] = {}
    for examples in groups.values():
        for text, label in examples:
            regrouped.setdefault(fold_of(text), []).append((text, label))
    return regrouped
