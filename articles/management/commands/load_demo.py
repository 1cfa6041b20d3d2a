from django.core.management.base import BaseCommand

from articles.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo content (the seed story and ~30 articles). Safe to run again."

    def handle(self, *args, **options):
        def progress(done, total):
            if options["verbosity"] > 1 or done == total:
                self.stdout.write(f"\r  articles {done}/{total}", ending="")

        report = load_demo(progress=progress)
        self.stdout.write("")
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {report}"))
        else:
            self.stdout.write("Demo content already up to date; nothing changed.")
