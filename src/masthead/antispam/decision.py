"""The spam defence's decision: approve, hold or spam, with a score and the reasons.

Plain Python. The learned text model gives a probability; behavioural signals add or subtract
log-odds; two thresholds cut the combined score into approve / hold / spam. Rules (block lists,
too many links, first-time commenters) can force a comment at least to Hold or to Spam.
"""

import io
import math
from dataclasses import dataclass, field

import joblib

from .signals import HOLD, SPAM, History, Rules, Submission, fired_signals
from .text_model import TextSpamModel

APPROVE = "approve"
ACTIONS = (APPROVE, HOLD, SPAM)
FORMAT_VERSION = 1


@dataclass
class Thresholds:
    hold: float = 0.3  # score at or above: Pending
    spam: float = 0.9  # score at or above: Spam

    def __post_init__(self):
        if not 0 < self.hold <= self.spam < 1:
            raise ValueError("thresholds must satisfy 0 < hold <= spam < 1")


@dataclass
class Verdict:
    action: str  # approve, hold or spam
    score: float | None  # 0..1: the combined spam score (None when the filter could not run)
    reasons: list[dict] = field(default_factory=list)
    text_probability: float | None = None  # the text model's own estimate, before signals

    @property
    def model_says_spam(self) -> bool:
        """The learned model's own spam/ham call, which the benchmark's accuracy measures."""
        return self.text_probability is not None and self.text_probability >= 0.5


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


class SpamFilter:
    """A trained text model plus thresholds: everything needed to decide on one comment."""

    def __init__(self, model: TextSpamModel, thresholds: Thresholds | None = None):
        self.model = model
        self.thresholds = thresholds or Thresholds()

    def text_score(self, text: str) -> tuple[float, float, float]:
        """(model probability, coverage, probability the decision uses).

        Where the model knows little of a text's n-grams (a language it never saw), its opinion
        is pulled towards a neutral value below the hold threshold, so a comment is never held
        or marked spam just because of the language it is written in."""
        scored = self.model.score(text)
        neutral = self.thresholds.hold / 2
        used = scored.coverage * scored.probability + (1 - scored.coverage) * neutral
        return scored.probability, scored.coverage, used

    def decide(self, submission: Submission, history: History | None = None,
               rules: Rules | None = None) -> Verdict:
        history, rules = history or History(), rules or Rules()
        probability, coverage, used = self.text_score(submission.text)
        reasons = [{
            "signal": "text model",
            "detail": f"spam probability {probability:.2f}"
            + (f" (knows {coverage:.0%} of this text's n-grams)" if coverage < 0.9 else ""),
            "weight": round(_logit(used), 2),
        }]
        z = _logit(used)
        forced = set()
        for signal in fired_signals(submission, history, rules):
            z += signal.weight
            if signal.forces:
                forced.add(signal.forces)
            reasons.append(signal.as_dict())
        score = _sigmoid(z)
        if SPAM in forced or score >= self.thresholds.spam:
            action = SPAM
        elif HOLD in forced or score >= self.thresholds.hold:
            action = HOLD
        else:
            action = APPROVE
        return Verdict(action, score, reasons, probability)

    def learn(self, texts: list[str], labels: list[int]) -> None:
        self.model.learn(texts, labels)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump({
            "format": FORMAT_VERSION, "model": self.model.to_bytes(),
            "hold": self.thresholds.hold, "spam": self.thresholds.spam,
        }, buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "SpamFilter":
        try:
            state = joblib.load(io.BytesIO(bytes(data)))
        except Exception as exc:  # pickle raises many kinds: name them all one way
            raise ValueError(f"not a spam filter ({type(exc).__name__}: {exc})") from exc
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ValueError("not a spam filter this version of Masthead can read")
        return cls(TextSpamModel.from_bytes(state["model"]),
                   Thresholds(hold=state["hold"], spam=state["spam"]))
