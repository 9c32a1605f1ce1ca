"""The spam defence's decision: approve, hold or spam, with a score and the reasons.

Plain Python and numpy. The learned text model gives a calibrated probability; behavioural
signals add or subtract log-odds; two thresholds cut the combined score into approve / hold /
spam. Rules (block lists, too many links, first-time commenters) can force a comment at least to
Hold or to Spam.

Moderators' time is the scarce resource, so a hold needs evidence: a link, a phone number, an
e-mail address, a messenger handle, a disguised word, a behavioural signal, or words the model
knows well and finds more likely spam than not. A comment that scores in the uncertain band only because the model has not seen text
like it is approved, and its reasons say so. A disguise around a link, contact or brand always
holds: nobody spells their own name in look-alike letters by accident.
"""

import math
from dataclasses import dataclass, field

from .signals import HOLD, SPAM, History, Rules, Submission, fired_signals
from .text_model import ModelFormatError, TextScore, TextSpamModel

APPROVE = "approve"
ACTIONS = (APPROVE, HOLD, SPAM)
# Where the model does not know a text, its opinion is replaced by this: well below any hold
# threshold, so unfamiliar text is approved unless something concrete says otherwise.
NEUTRAL = 0.1
# A text whose words the model mostly knows, and finds more likely spam than not, is evidence
# itself; otherwise only concrete evidence can hold a comment.
FAMILIAR = 0.5


def trust(coverage):
    """How much of the words' opinion to keep (0..1) for the share of words the model knows:
    all of it from 60 % known, none below 15 % (names and numbers are known in any language).
    Works on numbers and on numpy arrays alike."""
    return ((coverage - 0.15) / 0.45).clip(0.0, 1.0) if hasattr(coverage, "clip") else \
        min(1.0, max(0.0, (coverage - 0.15) / 0.45))
MARKER_WORDS = {
    "mark:link": "a link", "mark:email": "an e-mail address", "mark:phone": "a phone number",
    "mark:handle": "a messenger handle", "mark:money": "a money amount",
    "mark:brand-number": "a name with a number welded on",
}
# What counts as concrete evidence for a hold. A money amount does not: readers talk prices.
EVIDENCE = {m for m in MARKER_WORDS if m != "mark:money"}


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

    def text_score(self, text: str) -> tuple[TextScore, float]:
        """(the model's score, the probability its words give, as the decision uses it).

        Where the model knows few of a text's words (a language or a register it never saw),
        the words' opinion is pulled towards a neutral value below the hold threshold, so a
        comment is never held or marked spam just because it is unfamiliar. The
        language-independent markers (links, phone numbers, money) keep their full weight."""
        scored = self.model.score(text)
        text_probability = _sigmoid(scored.text_logit)
        kept = trust(scored.coverage)
        used = kept * text_probability + (1 - kept) * NEUTRAL
        return scored, used

    def decide(self, submission: Submission, history: History | None = None,
               rules: Rules | None = None) -> Verdict:
        history, rules = history or History(), rules or Rules()
        scored, used = self.text_score(submission.text)
        found = [MARKER_WORDS[m] for m in dict.fromkeys(scored.markers) if m in MARKER_WORDS]
        concrete = [MARKER_WORDS[m] for m in dict.fromkeys(scored.markers) if m in EVIDENCE]
        detail = f"spam probability {scored.probability:.2f}"
        if scored.coverage < 0.9:
            detail += f" (knows {scored.coverage:.0%} of this text's words)"
        if found:
            detail += "; found " + ", ".join(found)
        if scored.terms:
            detail += "; spam-like: " + ", ".join(scored.terms)
        z = _logit(used) + scored.independent_logit
        reasons = [{"signal": "text model", "detail": detail, "weight": round(z, 2)}]
        forced = set()
        evidence = bool(concrete)
        if scored.disguises:
            weight = self.model.disguise_weight
            z += weight
            reason = {"signal": "disguised text", "detail": "; ".join(scored.disguises),
                      "weight": round(weight, 2)}
            if concrete:  # a contact, link or brand spelled so filters miss it: a person looks
                forced.add(HOLD)
                reason["forces"] = HOLD
                reason["detail"] += " around " + ", ".join(concrete)
            evidence = True
            reasons.append(reason)
        for signal in fired_signals(submission, history, rules):
            z += signal.weight
            if signal.forces:
                forced.add(signal.forces)
            evidence = evidence or signal.weight > 0
            reasons.append(signal.as_dict())
        evidence = evidence or (scored.probability >= 0.5 and scored.coverage >= FAMILIAR)
        score = _sigmoid(z)
        if SPAM in forced or score >= self.thresholds.spam:
            action = SPAM
        elif HOLD in forced or (score >= self.thresholds.hold and evidence):
            action = HOLD
        else:
            action = APPROVE
            if score >= self.thresholds.hold:
                reasons.append({"signal": "no concrete evidence", "weight": 0.0, "detail":
                                "the score is uncertain but nothing concrete points to spam "
                                "(no link, contact detail, disguise or suspicious behaviour); "
                                "approved"})
        return Verdict(action, score, reasons, scored.probability)

    def learn(self, texts: list[str], labels: list[int]) -> None:
        self.model.learn(texts, labels)

    def to_bytes(self) -> bytes:
        return self.model.to_bytes({"hold": self.thresholds.hold, "spam": self.thresholds.spam})

    @classmethod
    def from_bytes(cls, data: bytes) -> "SpamFilter":
        try:
            model, meta = TextSpamModel.from_bytes(data)
            thresholds = Thresholds(hold=float(meta["hold"]), spam=float(meta["spam"]))
        except (ModelFormatError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a spam filter this version of Masthead can read: {exc}") \
                from exc
        return cls(model, thresholds)
