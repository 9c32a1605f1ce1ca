"""masthead build-spam-starter --dataset DIR [DIR ...] [--output FILE]

Train the starter spam filter from the public sources docs/antispam-data.md lists (one directory
per source, fetched as the data card says) and write it where the package ships it
(src/masthead/antispam/starter/spam-filter.npz), so a new site is protected on day one without
the data. The data itself is never copied. The same directories give the same file: training is
seeded and every sample is chosen by a hash of the text.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.antispam.corpus import load_corpus, missing_sources
from masthead.antispam.dataset import DatasetError
from masthead.antispam.progress import progress_bar
from masthead.antispam.store import starter_path
from masthead.antispam.training import TrainingError, train_filter


class Command(BaseCommand):
    help = ("Train the starter spam model from the public sources in docs/antispam-data.md "
            "(one directory per source).")

    def add_arguments(self, parser):
        parser.add_argument("--dataset", required=True, nargs="+", metavar="DIR",
                            help="a source directory (several: one per source)")
        parser.add_argument("--output", help="where to write the model (default: the package)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dataset, output=None, no_progress=False, **options):
        try:
            groups = load_corpus(dataset)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        missing = missing_sources(dataset)
        if missing:
            print(f"masthead: build-spam-starter: not given, so left out (the shipped model "
                  f"used them): {', '.join(missing)}", file=sys.stderr)
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
            f"Wrote {path} ({path.stat().st_size // 1024} KiB): trained on {total} texts from "
            f"{len(groups)} domains ({', '.join(groups)}); hold at "
            f"{spam_filter.thresholds.hold:.3f}, spam at {spam_filter.thresholds.spam:.3f}"
        )
