"""`masthead bench spam --dataset DIR [--json]`: the spam defence, leave-one-video-out.

For each of the YouTube Spam Collection's videos: train on the others (thresholds tuned on those
videos' own out-of-fold scores, never on the test video), store the model in a throwaway site's
database as the site does, and screen every comment of the held-out video through the site's own
code path (masthead.comments.screening.screen: history look-ups, discussion rules, the stored
model, the fail-safe). The data set has text and author only, so behavioural signals stay silent.

Reported over all folds: accuracy of the model's own spam/ham call; spam caught (decided spam or
hold); ham false-positive rate (ham decided spam); ham held rate (ham decided hold); median and
p99 time to screen one comment, in milliseconds: wall-clock by default; `--clock cpu` counts
this process's CPU time instead, for a machine busy with other work (the table says which, and
the load average when the run started).
"""

import argparse
import os
import sys
import time

from masthead.antispam.dataset import DatasetError, load_youtube_spam

from .harness import emit, fresh_site, median, percentile


def _parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="masthead bench spam")
    parser.add_argument("--dataset", required=True, help="directory with the Youtube0*.csv files")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall",
        help="time per comment by the wall clock (default), or by this process's CPU time, "
             "which leaves out waiting for other programs on a busy machine",
    )
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    try:
        args = _parse(argv)
    except SystemExit as exit_:
        return 2 if exit_.code else 0
    try:
        videos = load_youtube_spam(args.dataset)
    except DatasetError as exc:
        print(f"masthead: bench spam: {exc}", file=sys.stderr)
        return 2
    if len(videos) < 2:
        print("masthead: bench spam: leave-one-video-out needs at least two videos",
              file=sys.stderr)
        return 2
    with fresh_site():
        return _evaluate(videos, args)


def _evaluate(videos, args) -> int:
    from django.utils import timezone

    from masthead.antispam.models import SpamModelVersion
    from masthead.antispam.progress import progress_bar
    from masthead.antispam.store import save_filter
    from masthead.antispam.training import TrainingError, train_filter
    from masthead.comments.models import Comment, DiscussionSettings
    from masthead.comments.screening import screen
    from masthead.newsroom.models import Article

    # bulk_create: the comments need an article to belong to, not the indexing other apps do
    # when an article is saved.
    [article] = Article.objects.bulk_create([Article(
        title="Benchmark video", slug="benchmark-video", status=Article.Status.PUBLISHED,
        published_at=timezone.now())])
    discussion = DiscussionSettings.current()
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    load = os.getloadavg()[0]
    correct = spam_total = spam_caught = ham_total = ham_to_spam = ham_held = 0
    timings: list[float] = []
    steps = len(videos) * (len(videos) + 1)
    with progress_bar(steps, "Leave-one-video-out", enabled=not args.no_progress) as step:
        for test_video, test_comments in videos.items():
            training = {v: [(c.text, int(c.is_spam)) for c in cs]
                        for v, cs in videos.items() if v != test_video}
            try:
                spam_filter = train_filter(training, step)
            except TrainingError as exc:
                print(f"masthead: bench spam: {test_video}: {exc}", file=sys.stderr)
                return 2
            save_filter(spam_filter, SpamModelVersion.Source.RETRAIN, note=f"without {test_video}")
            for labelled in test_comments:
                comment = Comment(article=article, author=labelled.author, text=labelled.text)
                started = clock()
                verdict = screen(comment, discussion, honeypot=None, seconds_to_submit=None,
                                 timestamp_missing=False, user_agent=None)
                timings.append(clock() - started)
                correct += verdict.model_says_spam == labelled.is_spam
                if labelled.is_spam:
                    spam_total += 1
                    spam_caught += verdict.action in {"spam", "hold"}
                else:
                    ham_total += 1
                    ham_to_spam += verdict.action == "spam"
                    ham_held += verdict.action == "hold"
    result = {
        "accuracy": correct / (spam_total + ham_total),
        "spam_caught": spam_caught / spam_total if spam_total else 0.0,
        "ham_false_positive_rate": ham_to_spam / ham_total if ham_total else 0.0,
        "ham_held_rate": ham_held / ham_total if ham_total else 0.0,
        "p50_ms": median(timings) * 1000,
        "p99_ms": percentile(timings, 99) * 1000,
    }
    emit(result, args.json, f"Spam defence, leave-one-video-out over {len(videos)} videos "
                            f"({spam_total} spam, {ham_total} ham); times by the {args.clock} "
                            f"clock, load average {load:.1f} at the start")
    return 0
