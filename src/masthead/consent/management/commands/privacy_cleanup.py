"""masthead privacy-cleanup: apply the retention periods now (consent log, commenters' IP
addresses). Run it daily from cron; the site also runs it once a day on its own."""

from django.core.management.base import BaseCommand

from masthead.consent.housekeeping import run_cleanup
from masthead.consent.models import ConsentSettings


class Command(BaseCommand):
    help = "Delete consent records and commenters' IP addresses past their retention period."

    def handle(self, *args, **options):
        conf = ConsentSettings.current()
        result = run_cleanup()
        self.stdout.write(
            f"Consent records older than {conf.log_retention_days} days deleted: "
            f"{result['consent_records_deleted']}\n"
            f"Comment IP addresses older than {conf.comment_ip_retention_days} days removed: "
            f"{result['comment_ips_removed']}"
        )
