"""masthead retrain_spam [--dataset DIR] [--no-progress]

Retrain the spam filter from every moderated comment: Spam (and anything taught as spam) against
Approved. With --dataset, the public YouTube Spam Collection joins the examples, so a young site
keeps the starter model's knowledge. Thresholds are tuned on out-of-fold scores. The new model is
saved as a new version, which every server process picks up at its next comment.
"""

from django.core.management.base import BaseCommand, CommandError

from masthead.antispam.dataset import DatasetError, load_youtube_spam
from masthead.antispam.models import SpamModelVersion
from masthead.antispam.progress import progress_bar
from masthead.antispam.store import save_filter
from masthead.antispam.training import TrainingError, fold_of, train_filter
from masthead.comments.models import Comment


def moderated_examples():
    """(text, label) for every comment a person has judged."""
    spam = Comment.objects.filter(status=Comment.Status.SPAM) | Comment.objects.filter(
        trained_as="spam")
    ham = Comment.objects.filter(status=Comment.Status.APPROVED).exclude(trained_as="spam")
    for text in spam.values_list("text", flat=True).iterator():
        yield text, 1
    for text in ham.values_list("text", flat=True).iterator():
        yield text, 0


class Command(BaseCommand):
    help = "Retrain the spam filter from all moderated comments (optionally with public data)."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", help="also learn from the YouTube Spam Collection here")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dataset=None, no_progress=False, **options):
        groups: dict[str, list] = {}
        for text, label in moderated_examples():
            groups.setdefault(fold_of(text), []).append((text, label))
        site_examples = sum(len(g) for g in groups.values())
        if dataset:
            try:
                videos = load_youtube_spam(dataset)
            except DatasetError as exc:
                raise CommandError(str(exc)) from None
            for video, comments in videos.items():
                groups[video] = [(c.text, int(c.is_spam)) for c in comments]
        try:
            with progress_bar(len(groups) + 1, "Retraining the spam filter",
                              enabled=not no_progress) as step:
                spam_filter = train_filter(groups, step)
        except TrainingError as exc:
            raise CommandError(
                f"{exc}; moderate more comments, or add --dataset DIR to include public data"
            ) from None
        row = save_filter(spam_filter, SpamModelVersion.Source.RETRAIN,
                          note=f"{site_examples} moderated comments"
                               + (" + public data" if dataset else ""))
        self.stdout.write(
            f"Saved spam model v{row.version}: learned from {site_examples} moderated comments"
            f"{' and the public data set' if dataset else ''}; hold at "
            f"{spam_filter.thresholds.hold:.3f}, spam at {spam_filter.thresholds.spam:.3f}."
        )
