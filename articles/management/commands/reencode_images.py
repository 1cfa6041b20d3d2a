from django.core.management.base import BaseCommand

from articles.services import images_reencode


class Command(BaseCommand):
    help = (
        "Store every image again as uploads are stored now: pixels only (no EXIF, GPS, "
        "comments or XMP), under the extension of its real format. Run once after upgrading."
    )

    def handle(self, *args, **options):
        done, refused = images_reencode()
        self.stdout.write(self.style.SUCCESS(f"Re-encoded {done} image(s)."))
        for image, error in refused:
            self.stdout.write(
                self.style.WARNING(f"Left image {image.pk} ({image}): {' '.join(error.messages)}")
            )
