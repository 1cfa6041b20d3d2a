from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress.wxr import ExportError
from newsportal.wordpress_import import import_export

from .generate_content import ProgressBar


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.0-1.2): authors, categories as "
        "sections, tags and posts as articles. Run it again to bring in what changed: nothing "
        "is imported twice. Prints what was created, updated and skipped, and why."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The export file (.xml).")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="The site's wp-content/uploads folder: attached pictures are read from it "
            "(never fetched over the network).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything, report what would happen, store nothing.",
        )

    def handle(self, *args, export, uploads, dry_run, verbosity, **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: there is no such folder.")
        try:
            source = export.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot open {export}: {error.strerror}.") from error
        size = export.stat().st_size
        bar = ProgressBar(self.stdout, "import", enabled=verbosity > 0 and size > 1_000_000)
        with source:
            try:
                report = import_export(
                    source,
                    uploads=uploads,
                    dry_run=dry_run,
                    progress=lambda done: bar(done, size),
                )
            except ExportError as error:
                raise CommandError(str(error)) from error
        heading = "Dry run: nothing was stored. It would have done:" if dry_run else "Imported:"
        self.stdout.write(heading)
        for line in report.lines():
            self.stdout.write(f"  {line}")
