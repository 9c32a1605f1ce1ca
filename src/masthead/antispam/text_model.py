"""The learned half of the spam defence: a linear model over hashed word and character n-grams.

Scoring is plain Python and numpy, so a web process never imports scikit-learn (training does,
in `fit`, and only there). The model is stored as plain arrays (see `to_bytes`): no pickle, so a
stored model reads the same after any upgrade of scikit-learn or numpy.

Two layers add up: the **starter** weights learned from the public corpus, calibrated, and a
**site** layer that learns online from this site's moderators (every "spam" / "not spam"). The
site layer learns fast, so a site's own decisions soon outweigh the starter on its own kind of
comments, while the starter keeps its knowledge elsewhere.

Features are hashed (crc32 of the feature's name), so there is no vocabulary to rebuild and the
site layer can learn one comment at a time. Text in any script is scored on its own terms: words
are runs of letters for scripts that put spaces between words, and single characters plus pairs
for Chinese, Japanese and Thai; character n-grams cover every script alike. A comment whose words
the model has never seen (a language it was not trained on) gets little weight from the model:
see `coverage`.
"""

import io
import itertools
import json
import math
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .normalise import URL_RE, link_domain, normalise  # noqa: F401  (re-exported for signals)

FORMAT = "masthead-spam-model/2"
N_BITS = 19
N_FEATURES = 1 << N_BITS
FAMILIAR_BITS = 22  # a bit per hashed word: has the model seen it in training?
SITE_LEARNING_RATE = 0.6
SITE_PASSES = 3

# Scripts written without spaces between words: Han, Hiragana, Katakana, Thai, Lao, Khmer,
# Myanmar.
UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f"
)
TOKEN_RE = re.compile(rf"[{UNSPACED}]+|[^\W\d_{UNSPACED}]+|\d+", re.UNICODE)
UNSPACED_RE = re.compile(rf"[{UNSPACED}]")


class ModelFormatError(ValueError):
    """The bytes are not a spam model this version of Masthead can read."""


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


def _shape(raw: str) -> list[str]:
    """The look of a comment, which n-grams miss: length, shouting, exclamation, a question."""
    letters = sum(ch.isalpha() for ch in raw[:2000]) or 1
    capitals = sum(ch.isupper() for ch in raw[:2000]) / letters
    length = len(raw)
    return [
        f"shape:length:{min(int(math.log2(length + 1)), 12)}",
        f"shape:capitals:{min(int(capitals * 5), 4)}",
        f"shape:exclaim:{min(raw.count('!'), 3)}",
        f"shape:question:{int('?' in raw)}",
    ]


def _unit(prefix: str, tokens: list[str]) -> list[tuple[str, float]]:
    """Token counts scaled to unit length, so long and short comments weigh alike."""
    counts = Counter(tokens)
    norm = math.sqrt(sum(c * c for c in counts.values())) or 1.0
    return [(prefix + token, c / norm) for token, c in counts.items()]


@dataclass
class Features:
    names: list[str]
    indices: np.ndarray  # int64 bucket per feature
    values: np.ndarray  # float64
    word_hashes: np.ndarray  # for familiarity: one per distinct unigram
    markers: list[str] = field(default_factory=list)
    disguises: list[str] = field(default_factory=list)

    @property
    def independent(self) -> np.ndarray:
        """A mask of the language-independent markers (links, contacts, money, disguise)."""
        return np.fromiter((n.startswith("mark:") for n in self.names), dtype=bool,
                           count=len(self.names))

    @property
    def learned_by_site(self) -> np.ndarray:
        """A mask of what the site layer learns: words and markers. Not character n-grams or
        shape, which every text shares a little of: teaching "spam" on one kind of text must
        not lift every other text."""
        return np.fromiter((n.startswith(("w:", "mark:")) for n in self.names), dtype=bool,
                           count=len(self.names))


def _bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) & (N_FEATURES - 1)


def extract(raw: str) -> Features:
    norm = normalise(raw)
    word_tokens = words(norm.text)
    pairs = (_unit("w:", word_tokens) + _unit("c:", char_ngrams(norm.text))
             + [(m, 1.0) for m in dict.fromkeys(norm.markers)] + [(s, 1.0) for s in _shape(raw)])
    names = [name for name, _ in pairs]
    indices = np.fromiter((_bucket(n) for n in names), dtype=np.int64, count=len(names))
    values = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs))
    unigrams = {t for t in word_tokens if " " not in t and not t.isdigit()}
    mask = (1 << FAMILIAR_BITS) - 1
    word_hashes = np.fromiter(
        (zlib.crc32(t.encode("utf-8", "surrogatepass"), 0x5bd1e995) & mask for t in unigrams),
        dtype=np.int64, count=len(unigrams))
    return Features(names, indices, values, word_hashes, norm.markers, norm.disguises)


def feature_matrix(texts: list[str]):
    """A scipy CSR matrix of the hashed features (training only)."""
    import scipy.sparse as sp

    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        f = extract(text)
        rows.append(np.full(f.indices.size, i, dtype=np.int64))
        cols.append(f.indices)
        vals.append(f.values)
    matrix = sp.csr_matrix(
        (np.concatenate(vals) if vals else np.zeros(0),
         (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
          np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64))),
        shape=(len(texts), N_FEATURES))
    matrix.sum_duplicates()
    return matrix


def _sigmoid(z: float) -> float:
    if z < -700:
        return 0.0
    return 1 / (1 + math.exp(-z))


@dataclass
class TextScore:
    probability: float  # the model's calibrated estimate that the text is spam
    coverage: float  # share of the text's words the model has learned anything about
    terms: list[str] = field(default_factory=list)  # words and markers that pushed towards spam
    markers: list[str] = field(default_factory=list)
    disguises: list[str] = field(default_factory=list)
    text_logit: float = 0.0  # the words' and characters' part of the logit
    independent_logit: float = 0.0  # the language-independent markers' and shape's part


class TextSpamModel:
    """Spam probability of a text, learned from labelled texts (1 = spam, 0 = ham)."""

    def __init__(self, alpha: float = 2e-5, epochs: int = 15, seed: int = 0):
        self.alpha, self.epochs, self.seed = alpha, epochs, seed
        self.coef = np.zeros(N_FEATURES, dtype=np.float32)
        self.intercept = 0.0
        # How far to trust the starter's two parts on text unlike its training data, learned on
        # out-of-fold scores (training.calibrate): (words' scale, markers' scale, offset,
        # weight of a disguise).
        self.calibration = (1.0, 1.0, 0.0, 2.0)
        self.site_coef = np.zeros(N_FEATURES, dtype=np.float32)
        self.familiar = np.zeros((1 << FAMILIAR_BITS) // 8, dtype=np.uint8)
        self.examples_seen = 0
        self.site_examples = 0

    def fit(self, texts: list[str], labels: list[int], sample_weight=None, matrix=None,
            word_hashes: list[np.ndarray] | None = None) -> "TextSpamModel":
        """Learn the starter layer from scratch (scikit-learn, imported here only)."""
        from sklearn.linear_model import SGDClassifier

        if len(set(labels)) < 2:
            raise ValueError("training needs both spam and ham examples")
        X = feature_matrix(texts) if matrix is None else matrix
        classifier = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs,
                                   tol=None, random_state=self.seed)
        classifier.fit(X, np.asarray(labels), sample_weight=sample_weight)
        self.coef = classifier.coef_[0].astype(np.float32)
        self.intercept = float(classifier.intercept_[0])
        self.calibration = (1.0, 1.0, 0.0, 2.0)
        self.site_coef[:] = 0
        self.familiar[:] = 0
        for hashes in word_hashes if word_hashes is not None else (
                extract(t).word_hashes for t in texts):
            self._remember(hashes)
        self.examples_seen = len(labels)
        self.site_examples = 0
        return self

    def _remember(self, word_hashes: np.ndarray) -> None:
        np.bitwise_or.at(self.familiar, word_hashes >> 3,
                         np.left_shift(1, word_hashes & 7).astype(np.uint8))

    def starter_parts(self, f: Features) -> tuple[float, float]:
        """The uncalibrated starter logit in two parts: (words and characters + intercept,
        language-independent markers and shape)."""
        contributions = f.values * self.coef[f.indices]
        independent = float(contributions[f.independent].sum())
        return float(contributions.sum()) - independent + self.intercept, independent

    def parts(self, f: Features) -> tuple[float, float]:
        """The calibrated logit in the same two parts, the site layer included."""
        a_text, a_independent, b, _ = self.calibration
        text, independent = self.starter_parts(f)
        site = f.values * self.site_coef[f.indices]
        site_independent = float(site[f.independent].sum())
        return (a_text * text + b + float(site.sum()) - site_independent,
                a_independent * independent + site_independent)

    @property
    def disguise_weight(self) -> float:
        return self.calibration[3]

    def logit(self, f: Features) -> float:
        return sum(self.parts(f))

    def coverage(self, f: Features) -> float:
        if not f.word_hashes.size:
            return 0.0
        known = (self.familiar[f.word_hashes >> 3] >> (f.word_hashes & 7).astype(np.uint8)) & 1
        return float(known.mean())

    def score(self, text: str) -> TextScore:
        f = extract(text)
        text_logit, independent_logit = self.parts(f)
        probability = _sigmoid(text_logit + independent_logit)
        scale = np.where(f.independent, self.calibration[1], self.calibration[0])
        contributions = f.values * (scale * self.coef[f.indices] + self.site_coef[f.indices])
        terms = [f.names[i] for i in np.argsort(-contributions)[:12]
                 if contributions[i] > 0.15 and not f.names[i].startswith(("c:", "shape:"))]
        return TextScore(probability, self.coverage(f), [t.removeprefix("w:") for t in terms[:4]],
                         f.markers, f.disguises, text_logit, independent_logit)

    def learn(self, texts: list[str], labels: list[int]) -> None:
        """One online step of the site layer: what a moderator's "spam" / "not spam" teaches.

        Logistic-regression gradient steps on the site's own word and marker weights only, a
        few passes so one correction moves the model noticeably; the words become familiar."""
        if not texts:
            return
        extracted = [extract(t) for t in texts]
        masks = [f.learned_by_site for f in extracted]
        for _ in range(SITE_PASSES):
            for f, mask, label in zip(extracted, masks, labels, strict=True):
                error = _sigmoid(self.logit(f)) - label
                np.add.at(self.site_coef, f.indices[mask],
                          (-SITE_LEARNING_RATE * error * f.values[mask]).astype(np.float32))
        for f in extracted:
            self._remember(f.word_hashes)
        self.examples_seen += len(labels)
        self.site_examples += len(labels)

    def to_bytes(self, extra: dict | None = None) -> bytes:
        """Plain arrays and a JSON header in one numpy .npz file: no pickle anywhere."""
        meta = {
            "format": FORMAT, "n_bits": N_BITS, "familiar_bits": FAMILIAR_BITS,
            "intercept": self.intercept, "calibration": list(self.calibration),
            "examples_seen": self.examples_seen,
            "site_examples": self.site_examples, "alpha": self.alpha, "epochs": self.epochs,
            "seed": self.seed, **(extra or {}),
        }
        arrays = {"coef": self.coef, "site_coef": self.site_coef, "familiar": self.familiar,
                  "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
        buffer = io.BytesIO()
        # numpy.savez_compressed's layout, with fixed dates so the same model gives the same
        # bytes (a reproducible starter file).
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple["TextSpamModel", dict]:
        """(model, header). Raises ModelFormatError for anything else, pickles included."""
        try:
            with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
                meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    raise ModelFormatError("not a spam model this version of Masthead can read")
                if (meta["n_bits"] != N_BITS or meta["familiar_bits"] != FAMILIAR_BITS
                or len(meta["calibration"]) != 4):
                    raise ModelFormatError("a spam model with another feature layout")
                model = cls(alpha=meta["alpha"], epochs=meta["epochs"], seed=meta["seed"])
                model.coef = arrays["coef"].astype(np.float32)
                model.site_coef = arrays["site_coef"].astype(np.float32)
                model.familiar = arrays["familiar"].astype(np.uint8)
        except ModelFormatError:
            raise
        except Exception as exc:  # not an npz, truncated, a pickle, wrong keys: one message
            raise ModelFormatError(
                f"not a spam model this version of Masthead can read ({type(exc).__name__})"
            ) from exc
        if model.coef.shape != (N_FEATURES,) or model.site_coef.shape != (N_FEATURES,):
            raise ModelFormatError("a spam model with arrays of the wrong size")
        model.intercept = float(meta["intercept"])
        model.calibration = tuple(float(x) for x in meta["calibration"])
        model.examples_seen = int(meta["examples_seen"])
        model.site_examples = int(meta["site_examples"])
        return model, meta
