"""masthead build_spam_starter --dataset DIR [--output FILE]

Train the starter spam filter from the YouTube Spam Collection and write it where the package
ships it (src/masthead/antispam/starter/spam-filter.joblib), so a new site is protected on day one
without the data set. The data set itself is never copied.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.antispam.dataset import DatasetError, load_youtube_spam
from masthead.antispam.progress import progress_bar
from masthead.antispam.store import starter_path
from masthead.antispam.training import TrainingError, train_filter


class Command(BaseCommand):
    help = "Train the starter spam model from the YouTube Spam Collection (a directory of CSVs)."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", required=True, help="directory with Youtube0*.csv")
        parser.add_argument("--output", help="where to write the model (default: the package)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dataset, output=None, no_progress=False, **options):
        try:
            videos = load_youtube_spam(dataset)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        groups = {video: [(c.text, int(c.is_spam)) for c in comments]
                  for video, comments in videos.items()}
        try:
            with progress_bar(len(groups) + 1, "Training the starter model",
                              enabled=not no_progress) as step:
                spam_filter = train_filter(groups, step)
        except TrainingError as exc:
            raise CommandError(str(exc)) from None
        path = Path(output) if output else starter_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(spam_filter.to_bytes())
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        total = sum(len(g) for g in groups.values())
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size // 1024} KiB): trained on {total} comments; "
            f"hold at {spam_filter.thresholds.hold:.3f}, spam at {spam_filter.thresholds.spam:.3f}"
        )
