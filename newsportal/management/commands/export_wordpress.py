from django.core.management.base import BaseCommand

from newsportal.wordpress_export import export_site


class Command(BaseCommand):
    help = (
        "Write the whole site as a WordPress export (WXR 1.2) to standard output: bylines, "
        "sections, tags, articles and their comments, for WordPress's importer or another "
        "newsportal's import_wordpress. Usage: manage.py export_wordpress > site.xml"
    )

    def handle(self, *args, **options):
        for piece in export_site():
            self.stdout.write(piece, ending="")
