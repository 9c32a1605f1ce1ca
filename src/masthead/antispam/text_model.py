"""The learned half of the spam defence: a linear model over word and character n-grams.

Plain Python and scikit-learn, no Django. Features are hashed (FeatureHasher), so the model
has no vocabulary to rebuild and can keep learning one labelled comment at a time
(SGDClassifier.partial_fit): that is what makes the moderators' "spam" / "not spam" loop cheap.

Text in any script is scored on its own terms: words are runs of letters for scripts that put
spaces between words, and single characters plus character pairs for Chinese, Japanese and Thai,
which do not; character n-grams cover every script alike. A comment whose n-grams the model has
never seen (a language it was not trained on) gets little weight from the model: see `coverage`.
"""

import html
import io
import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import SGDClassifier

FORMAT_VERSION = 1
N_FEATURES = 2**19

# Links as spammers write them, including "example . com" spelled out to dodge filters.
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[\w-]+\s{0,3}\.\s{0,3}(?:com|net|org|info|ly|be|co|tv|me|ru|cn|us|uk|de)\b(?:/\S*)?",
    re.IGNORECASE,
)
TAG_RE = re.compile(r"<[^>]{0,500}>")
# Scripts written without spaces between words: Han, Hiragana, Katakana, Hangul is spaced but
# short, Thai, Lao, Khmer, Myanmar.
UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f"
)
TOKEN_RE = re.compile(rf"[{UNSPACED}]+|[^\W\d_{UNSPACED}]+|\d+", re.UNICODE)
UNSPACED_RE = re.compile(rf"[{UNSPACED}]")


def link_domain(url: str) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).replace(" ", "")
    return url.split("/", 1)[0].split("?", 1)[0]


def normalise(text: str) -> str:
    """Text as the model sees it: markup dropped, Unicode compatibility-folded, lower-cased, and
    every link replaced by a marker plus its domain (the domain matters, the path rarely does)."""
    text = html.unescape(TAG_RE.sub(" ", text or ""))
    text = unicodedata.normalize("NFKC", text).lower()
    return URL_RE.sub(lambda m: f" httplink {link_domain(m.group(0))} ", text)


def words(text: str) -> list[str]:
    """Word unigrams and bigrams; an unspaced run counts as its characters and character pairs."""
    tokens: list[str] = []
    spaced: list[str] = []
    for run in TOKEN_RE.findall(text):
        if UNSPACED_RE.match(run):
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            spaced.append(run)
    tokens.extend(spaced)
    tokens.extend(f"{a} {b}" for a, b in itertools.pairwise(spaced))
    return tokens


def char_ngrams(text: str) -> list[str]:
    """Character 2- to 5-grams inside word boundaries, as scikit-learn's "char_wb" makes them."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(2, 6):
            grams.extend(padded[i : i + n] for i in range(max(1, length - n + 1)))
            if length <= n:
                break  # a short word counts once
    return grams


def shape(text: str, normalised: str) -> list[tuple[str, float]]:
    """The look of a comment, which n-grams miss: has a link, length, shouting, a question."""
    letters = sum(ch.isalpha() for ch in text) or 1
    return [
        ("shape:link", float("httplink" in normalised)),
        ("shape:length", min(len(text), 500) / 500),
        ("shape:capitals", sum(ch.isupper() for ch in text) / letters),
        ("shape:question", float("?" in text)),
    ]


def _normalised_counts(prefix: str, tokens: list[str]) -> list[tuple[str, float]]:
    """Token counts scaled to unit length, so long and short comments weigh alike."""
    counts = Counter(tokens)
    norm = math.sqrt(sum(c * c for c in counts.values())) or 1.0
    return [(prefix + token, c / norm) for token, c in counts.items()]


def feature_pairs(text: str) -> list[tuple[str, float]]:
    normalised = normalise(text)
    return (
        _normalised_counts("w:", words(normalised))
        + _normalised_counts("c:", char_ngrams(normalised))
        + shape(text, normalised)
    )


# One hasher for every feature: no vocabulary, so the model can learn one example at a time.
_HASHER = FeatureHasher(n_features=N_FEATURES, input_type="pair", alternate_sign=False)
_SHAPE_COLUMNS = np.unique(_HASHER.transform([shape("", "")]).indices)


def features(texts: list[str]) -> sp.csr_matrix:
    return _HASHER.transform(feature_pairs(t) for t in texts)


@dataclass
class TextScore:
    probability: float  # the model's own estimate that the text is spam
    coverage: float  # share of the text's n-gram weight the model has learned anything about


class TextSpamModel:
    """Spam probability of a text, learned from labelled texts (1 = spam, 0 = ham)."""

    def __init__(self, alpha: float = 2e-5, epochs: int = 15, seed: int = 0):
        self.alpha, self.epochs, self.seed = alpha, epochs, seed
        self.classifier = self._new_classifier()
        self.examples_seen = 0

    def _new_classifier(self) -> SGDClassifier:
        return SGDClassifier(
            loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None,
            random_state=self.seed, class_weight=None, average=False,
        )

    @property
    def is_trained(self) -> bool:
        return hasattr(self.classifier, "coef_")

    def fit(self, texts: list[str], labels: list[int]) -> "TextSpamModel":
        """Learn from scratch."""
        if len(set(labels)) < 2:
            raise ValueError("training needs both spam and ham examples")
        self.classifier = self._new_classifier()
        self.classifier.fit(features(texts), np.asarray(labels))
        self.examples_seen = len(labels)
        return self

    def learn(self, texts: list[str], labels: list[int]) -> None:
        """One online step: what a moderator's "spam" / "not spam" teaches the model."""
        if not texts:
            return
        X = features(texts)
        y = np.asarray(labels)
        # A few passes so one correction moves the model noticeably, as Akismet's feedback does.
        for _ in range(3):
            self.classifier.partial_fit(X, y, classes=np.array([0, 1]))
        self.examples_seen += len(labels)

    def score(self, text: str) -> TextScore:
        # The linear model by hand: predict_proba's checks cost more than the sum itself.
        X = features([text])
        coef = self.classifier.coef_[0]
        z = float(X.data @ coef[X.indices]) + float(self.classifier.intercept_[0])
        probability = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
        ngrams = ~np.isin(X.indices, _SHAPE_COLUMNS)
        weights, indices = X.data[ngrams], X.indices[ngrams]
        total = float(weights.sum())
        if total <= 0:
            return TextScore(probability, 0.0)
        coverage = float(weights[coef[indices] != 0].sum()) / total
        return TextScore(probability, coverage)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(
            {"format": FORMAT_VERSION, "classifier": self.classifier, "alpha": self.alpha,
             "epochs": self.epochs, "seed": self.seed, "examples_seen": self.examples_seen},
            buffer, compress=3,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TextSpamModel":
        state = joblib.load(io.BytesIO(bytes(data)))
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError("not a spam model this version of Masthead can read")
        model = cls(alpha=state["alpha"], epochs=state["epochs"], seed=state["seed"])
        model.classifier = state["classifier"]
        model.examples_seen = state["examples_seen"]
        return model
