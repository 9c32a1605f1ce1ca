"""`masthead bench spam`: the spam defence on comments it never trained on.

Two experiments, both screening through the site's own code path
(masthead.comments.screening.screen: history look-ups, discussion rules, the stored model, the
fail-safe) in a throwaway site, with a model trained by the same code that builds the starter:

- `--dataset DIR` (the YouTube Spam Collection): leave-one-video-out. For each video, train on the
  others (thresholds from those videos' own out-of-fold scores, never the test video's) and screen
  every comment of the held-out video. Keys: accuracy (the model's own spam/ham call), spam_caught,
  ham_false_positive_rate, ham_held_rate, p50_ms, p99_ms.
- `--cross-domain --dataset DIR [DIR ...]` (the starter corpus's sources, docs/antispam-data.md):
  leave-one-domain-out. For each domain, train on all the others (calibration and thresholds
  chosen without the left-out one) and screen all of its comments. The same keys but accuracy,
  overall and per domain (`domains`). With `--learning-curve`, also the left-out domain's ham
  held rate after 0, 20, 50 and 100 moderator decisions on it (taught as the admin's bulk
  actions do, through masthead.antispam.store.teach), measured on up to 600 of its other ham
  comments.

The data has text only, so behavioural signals stay silent. Times are per comment, by the wall
clock (default) or by this process's CPU time (`--clock cpu`, for a machine busy with other work).
"""

import argparse
import os
import sys
import time
import zlib

from masthead.antispam.dataset import DatasetError

from .harness import emit, fresh_site, median, percentile

CURVE_POINTS = (0, 20, 50, 100)
CURVE_EVALUATED = 600  # comments of the left-out domain the curve's held rate is measured on


def _parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="masthead bench spam")
    parser.add_argument("--dataset", required=True, nargs="+", metavar="DIR",
                        help="the YouTube Spam Collection directory; with --cross-domain, the "
                             "directory of every source to use (docs/antispam-data.md)")
    parser.add_argument("--cross-domain", action="store_true",
                        help="leave-one-domain-out over the given sources")
    parser.add_argument("--learning-curve", action="store_true",
                        help="with --cross-domain: held rate after 0/20/50/100 decisions")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall",
        help="time per comment by the wall clock (default), or by this process's CPU time, "
             "which leaves out waiting for other programs on a busy machine",
    )
    args = parser.parse_args(argv)
    if args.learning_curve and not args.cross_domain:
        parser.error("--learning-curve needs --cross-domain")
    if not args.cross_domain and len(args.dataset) != 1:
        parser.error("leave-one-video-out takes one --dataset directory (or use --cross-domain)")
    return args


def run(argv: list[str]) -> int:
    try:
        args = _parse(argv)
    except SystemExit as exit_:
        return 2 if exit_.code else 0
    try:
        if args.cross_domain:
            from masthead.antispam.corpus import load_corpus

            groups = load_corpus(args.dataset)
            unit = "domain"
        else:
            from masthead.antispam.dataset import load_youtube_spam

            groups = {video: [(c.text, int(c.is_spam)) for c in comments]
                      for video, comments in load_youtube_spam(args.dataset[0]).items()}
            unit = "video"
    except DatasetError as exc:
        print(f"masthead: bench spam: {exc}", file=sys.stderr)
        return 2
    if len(groups) < 2:
        print(f"masthead: bench spam: leave-one-{unit}-out needs at least two {unit}s",
              file=sys.stderr)
        return 2
    with fresh_site():
        return _evaluate(groups, unit, args)


class Tally:
    def __init__(self):
        self.correct = self.spam = self.caught = self.ham = self.to_spam = self.held = 0
        self.timings: list[float] = []

    def add(self, verdict, is_spam: bool, seconds: float) -> None:
        self.timings.append(seconds)
        self.correct += verdict.model_says_spam == is_spam
        if is_spam:
            self.spam += 1
            self.caught += verdict.action in {"spam", "hold"}
        else:
            self.ham += 1
            self.to_spam += verdict.action == "spam"
            self.held += verdict.action == "hold"

    def merge(self, other: "Tally") -> None:
        for key in ("correct", "spam", "caught", "ham", "to_spam", "held"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.timings += other.timings

    def result(self, accuracy: bool) -> dict:
        out = {"accuracy": self.correct / max(1, self.spam + self.ham)} if accuracy else {}
        out.update({
            "spam_caught": self.caught / self.spam if self.spam else 0.0,
            "ham_false_positive_rate": self.to_spam / self.ham if self.ham else 0.0,
            "ham_held_rate": self.held / self.ham if self.ham else 0.0,
            "p50_ms": median(self.timings) * 1000,
            "p99_ms": percentile(self.timings, 99) * 1000,
        })
        return out


def _evaluate(groups, unit, args) -> int:
    from django.utils import timezone

    from masthead.antispam import store
    from masthead.antispam.models import SpamModelVersion
    from masthead.antispam.progress import progress_bar
    from masthead.antispam.training import TrainingError, train_filter
    from masthead.comments.models import Comment, DiscussionSettings
    from masthead.comments.screening import screen
    from masthead.newsroom.models import Article

    # bulk_create: the comments need an article to belong to, not the indexing other apps do
    # when an article is saved.
    [article] = Article.objects.bulk_create([Article(
        title="Benchmark", slug="benchmark", status=Article.Status.PUBLISHED,
        published_at=timezone.now())])
    discussion = DiscussionSettings.current()
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    load = os.getloadavg()[0]

    def screen_one(text: str):
        comment = Comment(article=article, author="", text=text)
        started = clock()
        verdict = screen(comment, discussion, honeypot=None, seconds_to_submit=None,
                         timestamp_missing=False, user_agent=None)
        return verdict, clock() - started

    overall, per_group, curves = Tally(), {}, {}
    steps = len(groups) * (len(groups) + 1)
    with progress_bar(steps, f"Leave-one-{unit}-out", enabled=not args.no_progress) as step:
        for left_out, examples in groups.items():
            training = {g: e for g, e in groups.items() if g != left_out}
            try:
                spam_filter = train_filter(training, step)
            except TrainingError as exc:
                print(f"masthead: bench spam: {left_out}: {exc}", file=sys.stderr)
                return 2
            store.save_filter(spam_filter, SpamModelVersion.Source.RETRAIN,
                              note=f"without {left_out}")
            tally = Tally()
            for text, label in examples:
                verdict, seconds = screen_one(text)
                tally.add(verdict, bool(label), seconds)
            per_group[left_out] = tally
            overall.merge(tally)
            if args.learning_curve:
                curves[left_out] = _learning_curve(spam_filter, examples, screen_one, store)
    accuracy = not args.cross_domain
    result = overall.result(accuracy)
    if args.cross_domain:
        result["domains"] = {g: t.result(accuracy) for g, t in per_group.items()}
    if args.learning_curve:
        result["learning_curve"] = curves
    total_spam, total_ham = overall.spam, overall.ham
    title = (f"Spam defence, leave-one-{unit}-out over {len(groups)} {unit}s ({total_spam} spam, "
             f"{total_ham} ham); times by the {args.clock} clock, load average {load:.1f} at "
             "the start")
    if args.json:
        emit(result, True, title)
    else:
        _print_table(result, title, args)
    return 0


def _learning_curve(spam_filter, examples, screen_one, store) -> dict[str, float]:
    """Ham held rate on the domain's other comments after N moderator decisions on it."""
    from masthead.antispam.models import SpamModelVersion

    ordered = sorted(examples, key=lambda e: zlib.crc32(e[0].encode("utf-8", "replace")))
    taught, evaluated = ordered[: CURVE_POINTS[-1]], ordered[CURVE_POINTS[-1]:]
    evaluated = [e for e in evaluated if not e[1]][:CURVE_EVALUATED]
    store.save_filter(spam_filter, SpamModelVersion.Source.RETRAIN, note="learning curve")
    curve, done = {}, 0
    for point in CURVE_POINTS:
        # The decisions since the last point, taught as one bulk action in the admin is.
        batch = taught[done:point]
        if batch:
            store.teach([t for t, _ in batch], [label for _, label in batch],
                        note=f"{len(batch)} moderator decisions (benchmark)")
        done = point
        held = sum(screen_one(text)[0].action == "hold" for text, _ in evaluated)
        curve[str(point)] = held / len(evaluated) if evaluated else 0.0
    return curve


def _print_table(result: dict, title: str, args) -> None:
    print(title)
    keys = [k for k in result if k not in {"domains", "learning_curve"}]
    rows = [("overall", result)] + list(result.get("domains", {}).items())
    width = max(len(name) for name, _ in rows)
    print(" ".join([f"{'':{width}}"] + [f"{k:>23}" for k in keys]))
    for name, values in rows:
        print(" ".join([f"{name:{width}}"] + [f"{values[k]:>23.4f}" for k in keys]))
    for domain, curve in result.get("learning_curve", {}).items():
        points = ", ".join(f"after {n}: {held:.3f}" for n, held in curve.items())
        print(f"held rate, {domain}: {points}")
