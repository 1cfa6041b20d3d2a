from django.core.management.base import BaseCommand, CommandError

from comments.conf import setting
from comments.services import comments_erase_ips


class Command(BaseCommand):
    help = "Erase the IP addresses stored with comments older than N days (default: 90)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Age in days (default: COMMENTS_IP_RETENTION_DAYS, now "
            f"{setting('COMMENTS_IP_RETENTION_DAYS')}).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        erased = comments_erase_ips(older_than_days=days)
        self.stdout.write(f"Erased the IP address of {erased} comment{'s' if erased != 1 else ''}.")
