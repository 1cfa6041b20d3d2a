from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsportal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded media while the site serves: a consistent "
        "snapshot, written to a new directory (default: backups/newsportal-<time>/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", type=Path, help="A new directory.")

    def handle(self, *args, destination, **options):
        destination = destination or (
            Path(settings.BASE_DIR) / "backups" / f"newsportal-{timezone.now():%Y%m%d-%H%M%S}"
        )
        try:
            manifest = backup_create(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"Backed up {manifest['database']}: {counts['articles.Article']:,} articles, "
            f"{counts['comments.Comment']:,} comments, {counts['articles.Image']:,} images, "
            f"{counts['reversion.Version']:,} revisions, {len(manifest['media']):,} media files"
        )
        self.stdout.write(self.style.SUCCESS(str(destination)))
