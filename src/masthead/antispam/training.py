"""Training a spam filter from labelled texts, calibrating it, and choosing thresholds honestly.

Plain Python, numpy and scikit-learn (imported by the callers of this module only: training and
benchmarks, never a web request). Examples come in *groups*: a domain of the starter corpus, a
video of the YouTube set, or a random fifth of a site's moderated comments. Every group is scored
by a model that never saw it ("out of fold"); the calibration and both thresholds are chosen on
those scores, so they describe text unlike the training data, which is what a new site sends.

Each group weighs the same in training, spam and ham equally within it, so a large SMS corpus
does not drown a small forum one.
"""

import zlib
from collections.abc import Callable

import numpy as np

from .decision import EVIDENCE, FAMILIAR, NEUTRAL, SpamFilter, Thresholds, trust
from .text_model import N_FEATURES, Features, TextSpamModel, extract

Example = tuple[str, int]  # (text, 1 for spam / 0 for ham)

# Targets with a margin below what the issue allows (1 % of ham to Spam, 10 % of ham held), for
# every group alike.
MAX_HAM_TO_SPAM = 0.005
MAX_HAM_HELD = 0.08
MIN_PER_CLASS = 10
GRID = np.round(np.arange(0.05, 0.995, 0.005), 3)


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


class Prepared:
    """Every example's features, extracted once and shared by all the folds."""

    def __init__(self, groups: dict[str, list[Example]]):
        import scipy.sparse as sp

        self.names = list(groups)
        self.texts = [t for g in self.names for t, _ in groups[g]]
        self.labels = np.array([y for g in self.names for _, y in groups[g]], dtype=np.int64)
        self.group = np.array([i for i, g in enumerate(self.names) for _ in groups[g]])
        self.features: list[Features] = [extract(t) for t in self.texts]
        indptr = np.cumsum([0] + [f.indices.size for f in self.features])
        self.matrix = sp.csr_matrix(
            (np.concatenate([f.values for f in self.features]),
             np.concatenate([f.indices for f in self.features]), indptr),
            shape=(len(self.texts), N_FEATURES))
        self.matrix.sum_duplicates()
        self.weights = self._weights()

    def _weights(self) -> np.ndarray:
        weights = np.zeros(self.labels.size)
        n_groups = len(self.names)
        for g in range(n_groups):
            for label in (0, 1):
                rows = (self.group == g) & (self.labels == label)
                if rows.any():
                    weights[rows] = 0.5 / rows.sum()
        return weights * self.labels.size / max(1, n_groups)

    def fit(self, rows: np.ndarray) -> TextSpamModel:
        model = TextSpamModel()
        texts = [self.texts[i] for i in np.flatnonzero(rows)]
        labels = self.labels[rows].tolist()
        if len(set(labels)) < 2:
            raise TrainingError("a training fold has only one class")
        model.fit(texts, labels, sample_weight=self.weights[rows], matrix=self.matrix[rows],
                  word_hashes=[self.features[i].word_hashes for i in np.flatnonzero(rows)])
        return model


def out_of_fold(prepared: Prepared, step: Callable[[str], None] | None = None) -> dict:
    """Per example: the starter logit and coverage from a model that never saw its group, and
    whether it carries concrete evidence or a disguise."""
    n = prepared.labels.size
    text, independent, coverage = np.zeros(n), np.zeros(n), np.zeros(n)
    for g, name in enumerate(prepared.names):
        held_out = prepared.group == g
        model = prepared.fit(~held_out)
        for i in np.flatnonzero(held_out):
            f = prepared.features[i]
            text[i], independent[i] = model.starter_parts(f)
            coverage[i] = model.coverage(f)
        if step:
            step(f"scored {name}")
    evidence = np.array([any(m in EVIDENCE for m in f.markers) for f in prepared.features])
    disguised = np.array([bool(f.disguises) for f in prepared.features])
    return {"text": text, "independent": independent, "coverage": coverage,
            "evidence": evidence, "disguised": disguised}


def calibrate(oof: dict, labels: np.ndarray, weights: np.ndarray) -> tuple[float, ...]:
    """How much to trust each part of the starter's score on unseen kinds of text: a logistic
    regression on the out-of-fold words' logit, markers' logit and disguise flag (stacking, a
    generalisation of Platt scaling). Returns (words' scale, markers' scale, offset, disguise
    weight); the scales cannot go negative."""
    from sklearn.linear_model import LogisticRegression

    inputs = np.column_stack([oof["text"], oof["independent"], oof["disguised"]])
    fit = LogisticRegression(C=10.0).fit(inputs, labels, sample_weight=weights)
    a_text, a_independent, disguise = (max(0.05, float(w)) for w in fit.coef_[0])
    return a_text, a_independent, float(fit.intercept_[0]), disguise


def decision_scores(oof: dict, calibration: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """(combined score, has evidence, forced to hold) per example, exactly as
    SpamFilter.decide computes them when no behavioural signal fires."""
    a_text, a_independent, b, disguise = calibration
    text_logit = a_text * oof["text"] + b
    independent = a_independent * oof["independent"]
    text_p = 1 / (1 + np.exp(-np.clip(text_logit, -30, 30)))
    kept = trust(oof["coverage"])
    used = np.clip(kept * text_p + (1 - kept) * NEUTRAL, 1e-6, 1 - 1e-6)
    z = np.log(used / (1 - used)) + independent + disguise * oof["disguised"]
    p = 1 / (1 + np.exp(-np.clip(text_logit + independent, -30, 30)))
    evidence = oof["evidence"] | oof["disguised"] | ((p >= 0.5) & (oof["coverage"] >= FAMILIAR))
    return 1 / (1 + np.exp(-z)), evidence, oof["evidence"] & oof["disguised"]


def choose_thresholds(scores: np.ndarray, evidence: np.ndarray, labels: np.ndarray,
                      groups: np.ndarray, max_ham_to_spam: float = MAX_HAM_TO_SPAM,
                      max_ham_held: float = MAX_HAM_HELD,
                      forced: np.ndarray | None = None) -> Thresholds:
    """The lowest thresholds that keep every group's ham within the budgets."""
    forced = np.zeros_like(evidence) if forced is None else forced
    ham = labels == 0
    members = [(groups == g) & ham for g in np.unique(groups)]
    members = [m for m in members if m.any()]

    def worst(share_of) -> float:
        """The share to hold to the budget: the mean over groups, unless one group exceeds
        the budget by half again, which counts as that group's share."""
        if not members:
            return 0.0
        shares = [share_of(m) for m in members]
        return max(float(np.mean(shares)), max(shares) / 1.5)

    spam = next((t for t in GRID if t >= 0.5 and worst(
        lambda m, t=t: float((scores[m] >= t).mean())) <= max_ham_to_spam), 0.99)
    hold = next((t for t in GRID if t <= spam and worst(
        lambda m, t=t: float((((scores[m] >= t) & evidence[m]) | forced[m])[
            scores[m] < spam].sum() / m.sum()))
        <= max_ham_held), spam)
    return Thresholds(hold=float(hold), spam=float(spam))


def train_filter(groups: dict[str, list[Example]],
                 step: Callable[[str], None] | None = None) -> SpamFilter:
    """A filter trained on every example, calibrated and with thresholds from out-of-fold scores.

    `step` is called once per group scored and once at the end (len(groups) + 1 calls), for a
    progress bar."""
    check_examples(groups)
    if len(groups) < 2:
        groups = _regroup(groups)
    prepared = Prepared(groups)
    oof = out_of_fold(prepared, step)
    calibration = calibrate(oof, prepared.labels, prepared.weights)
    scores, evidence, forced = decision_scores(oof, calibration)
    thresholds = choose_thresholds(scores, evidence, prepared.labels, prepared.group,
                                   forced=forced)
    model = prepared.fit(np.ones(prepared.labels.size, dtype=bool))
    model.calibration = calibration
    if step:
        step("trained the final model")
    return SpamFilter(model, thresholds)


def _regroup(groups: dict[str, list[Example]]) -> dict[str, list[Example]]:
    regrouped: dict[str, list[Example]] = {}
    for examples in groups.values():
        for text, label in examples:
            regrouped.setdefault(fold_of(text), []).append((text, label))
    return regrouped

