from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsportal.backup import BackupError, backup_restore, read_manifest


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database as it was (everything "
        "written since is gone) and the media files; then the caches are emptied."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The backup's directory.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, source, interactive, **options):
        try:
            manifest = read_manifest(source)
            if interactive:
                answer = input(
                    f"This replaces the whole database with the backup taken at "
                    f"{manifest['taken_at']}; everything written since is lost. "
                    f"Type 'yes' to continue: "
                )
                if answer != "yes":
                    raise CommandError("Restore cancelled: nothing was changed.")
            restored = backup_restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = restored.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['taken_at']}: "
                f"{counts['articles.Article']:,} articles, {counts['comments.Comment']:,} "
                f"comments, {counts['articles.Image']:,} images, "
                f"{counts['reversion.Version']:,} revisions and {restored.media_files:,} media "
                f"files, each checked against the backup's manifest."
            )
        )
