"""The starter corpus: public labelled spam / not-spam texts from several domains and languages.

Plain Python. Each source is a directory the user fetched as docs/antispam-data.md describes; a
source is recognised by the files in its directory, read as published, and becomes one *domain*
(the unit the cross-domain benchmark leaves out). Nothing is copied into Masthead: only the model
trained from it ships.

Large sources are sampled down (deterministically, by a hash of the text) to `MAX_PER_DOMAIN`, so
no single domain dominates and a rebuild takes a minute, not an hour.
"""

import csv
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .dataset import DatasetError, load_youtube_spam

MAX_PER_DOMAIN = 4000
Example = tuple[str, int]


@dataclass(frozen=True)
class Source:
    name: str  # the directory name the data card uses
    domain: str  # what the benchmark calls it
    marker: str  # a file (glob) whose presence identifies the source's directory
    read: Callable[[Path], list[Example]]


def _csv_rows(path: Path, **kwargs) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh, **kwargs))
    except UnicodeDecodeError:
        raise DatasetError(f"{path.name} is not UTF-8") from None
    except csv.Error as exc:
        raise DatasetError(f"{path.name} is not a readable CSV file: {exc}") from None


def _youtube(directory: Path) -> list[Example]:
    return [(c.text, int(c.is_spam)) for comments in load_youtube_spam(directory).values()
            for c in comments]


def _sms_collection(directory: Path) -> list[Example]:
    examples = []
    text = (directory / "SMSSpamCollection").read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        label, _, message = line.partition("\t")
        if label in {"ham", "spam"} and message.strip():
            examples.append((message, int(label == "spam")))
    return examples


def _indonesian_sms(directory: Path) -> list[Example]:
    # Labels: 0 normal, 1 fraud (penipuan), 2 promotion: both of the latter are unsolicited.
    rows = _csv_rows(directory / "dataset_sms_spam_v1.csv")
    return [(r["Teks"], int(r["label"].strip() != "0")) for r in rows
            if r.get("Teks") and (r.get("label") or "").strip() in {"0", "1", "2"}]


def _telegram_samples(directory: Path) -> list[Example]:
    def lines(name: str) -> list[str]:
        path = directory / name
        return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]

    return ([(t, 1) for t in lines("spam-samples.txt")]
            + [(t, 0) for t in lines("ham-samples.txt")])


def _chinese_chat(directory: Path) -> list[Example]:
    rows = []
    for name in ("train.csv", "eval.csv"):
        rows += _csv_rows(directory / name)
    return [(r["input"], int(r["target"].strip() == "1")) for r in rows
            if r.get("input") and (r.get("target") or "").strip() in {"0", "1"}]


def _vietnamese_reviews(directory: Path) -> list[Example]:
    # SpamLabel 0 = a genuine review, 3 = irrelevant or advertising; 1 (fake praise) and 2
    # (about the brand only) are opinion spam, which a news site's comments do not have and
    # which reads like ordinary praise: left out rather than taught as spam.
    examples = []
    for name in ("train.csv", "dev.csv", "test.csv"):
        for r in _csv_rows(directory / name):
            label = (r.get("SpamLabel") or "").strip()
            if r.get("Comment") and label in {"0", "3"}:
                examples.append((r["Comment"], int(label == "3")))
    return examples


def _instagram(directory: Path) -> list[Example]:
    rows = _csv_rows(directory / "comments-rated.csv")
    return [(r["msg"], int(r["scam"].strip() == "1")) for r in rows
            if r.get("msg") and (r.get("scam") or "").strip() in {"0", "1"}]


SOURCES = [
    Source("comment-spam", "youtube-comments-en", "Youtube*.csv", _youtube),
    Source("sms-spam-collection", "sms-en", "SMSSpamCollection", _sms_collection),
    Source("indonesian-sms", "sms-id", "dataset_sms_spam_v1.csv", _indonesian_sms),
    Source("tg-spam-samples", "telegram-groups-ru-en", "spam-samples.txt", _telegram_samples),
    Source("chinese-chat-spam", "chat-zh", "train.csv", _chinese_chat),
    Source("vispam-reviews", "reviews-vi", "dev.csv", _vietnamese_reviews),
    Source("instagram-comments", "instagram-comments-en", "comments-rated.csv", _instagram),
]


def identify(directory: Path) -> Source:
    # The most specific marker first: several sources have a train.csv.
    for source in sorted(SOURCES, key=lambda s: s.name != directory.name):
        if any(directory.glob(source.marker)):
            if source.marker == "train.csv" and not (directory / "eval.csv").exists():
                continue
            return source
    raise DatasetError(f"{directory} holds none of the documented sources "
                       "(see docs/antispam-data.md)")


def _sample(examples: list[Example], limit: int) -> list[Example]:
    """Up to `limit` examples, the same ones every time, keeping the spam share."""
    if len(examples) <= limit:
        return examples
    keyed = sorted(examples, key=lambda e: zlib.crc32(e[0].encode("utf-8", "replace")))
    spam = [e for e in keyed if e[1]]
    ham = [e for e in keyed if not e[1]]
    spam_share = len(spam) / len(examples)
    n_spam = max(1, round(limit * spam_share))
    return spam[:n_spam] + ham[: limit - n_spam]


def load_corpus(directories: list[str | Path],
                max_per_domain: int = MAX_PER_DOMAIN) -> dict[str, list[Example]]:
    """{domain: examples} from the given source directories (each one a documented source)."""
    domains: dict[str, list[Example]] = {}
    for entry in directories:
        directory = Path(entry)
        if not directory.is_dir():
            raise DatasetError(f"{directory} is not a directory (fetch it as "
                               "docs/antispam-data.md describes)")
        source = identify(directory)
        if source.domain in domains:
            raise DatasetError(f"{directory}: the source {source.name} was given twice")
        try:
            examples = source.read(directory)
        except FileNotFoundError as exc:
            raise DatasetError(f"{directory}: {source.name} lacks {Path(exc.filename).name}") \
                from None
        except (KeyError, AttributeError) as exc:
            raise DatasetError(f"{directory}: {source.name} is not in the documented shape "
                               f"(missing {exc})") from None
        examples = list(dict.fromkeys(e for e in examples if e[0].strip()))  # drop exact repeats
        if not examples or len({label for _, label in examples}) < 2:
            raise DatasetError(f"{directory}: {source.name} needs both spam and ham examples")
        domains[source.domain] = _sample(examples, max_per_domain)
    return domains


def missing_sources(directories: list[str | Path]) -> list[str]:
    """The documented sources none of `directories` provides (the shipped model used them)."""
    given = set()
    for entry in directories:
        try:
            given.add(identify(Path(entry)).name)
        except DatasetError:
            pass
    return [s.name for s in SOURCES if s.name not in given]
