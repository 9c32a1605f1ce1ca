"""masthead purge_comments: delete Spam and Trash older than the retention period.

The site also does this by itself at most once an hour when comments arrive; run this from cron
for a quiet site."""

from django.core.management.base import BaseCommand

from masthead.comments.models import DiscussionSettings
from masthead.comments.moderation import purge_expired


class Command(BaseCommand):
    help = "Delete comments that have been in Spam or Trash longer than the retention period."

    def handle(self, *args, **options):
        deleted = purge_expired()
        days = DiscussionSettings.current().retention_days
        self.stdout.write(f"Deleted {deleted} comment(s) held in Spam or Trash over {days} days.")
