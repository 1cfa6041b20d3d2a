"""Image checks and responsive renditions, made once when an image is saved."""

import io
import warnings
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from . import conf

# Formats a browser shows; renditions keep this format beside a WebP.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def validate_image_file(upload) -> None:
    """Refuse, with a message an editor understands, anything that is not a safe web image."""
    size = getattr(upload, "size", None)
    if size is not None and size > conf.IMAGE_MAX_BYTES:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(limit)s.",
            code="too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(conf.IMAGE_MAX_BYTES),
            },
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        # Opening reads only the header; our own limit (lower than Pillow's) is checked before
        # anything is decoded, so Pillow's warning is redundant here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as picture:
                width, height = picture.size
                image_format = picture.format
                if width * height > conf.IMAGE_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                picture.verify()
    except PILImage.DecompressionBombError:
        raise ValidationError(
            "This image has too many pixels to process safely (a possible decompression bomb).",
            code="decompression_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            "This file is not an image. Upload a JPEG, PNG, WebP or GIF picture.",
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This image is damaged or truncated and cannot be read. Try exporting it again.",
            code="damaged",
        ) from None
    finally:
        if hasattr(upload, "seek"):
            upload.seek(position)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            "%(format)s images are not shown by browsers. Upload a JPEG, PNG, WebP or GIF.",
            code="format",
            params={"format": image_format},
        )


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        "This image is %(width)s×%(height)s pixels (%(mp).0f megapixels); "
        "the limit is %(limit).0f megapixels.",
        code="too_many_pixels",
        params={
            "width": width,
            "height": height,
            "mp": width * height / 1e6,
            "limit": conf.IMAGE_MAX_PIXELS / 1e6,
        },
    )


def make_renditions(file_name: str, key: str) -> tuple[int, int, list[dict]]:
    """Write the renditions of one stored image; return its size and the rendition records.

    Each record is {"width", "height", "format", "name"} with `name` a storage path. The
    original's EXIF (camera, GPS) is not copied into any rendition.
    """
    with default_storage.open(file_name, "rb") as stored, PILImage.open(stored) as picture:
        picture = ImageOps.exif_transpose(picture)
        width, height = picture.size
        source_format = ACCEPTED_FORMATS.get(stored_format(file_name), "jpg")
        if source_format in ("gif", "webp"):
            source_format = "png" if picture.mode in ("RGBA", "LA", "P") else "jpg"
        widths = sorted({w for w in conf.IMAGE_RENDITION_WIDTHS if w < width} | {min(width, 1600)})
        renditions = []
        for target_width in widths:
            target_height = max(1, round(height * target_width / width))
            resized = picture.resize((target_width, target_height), PILImage.Resampling.LANCZOS)
            for extension in ("webp", source_format):
                name = str(PurePosixPath("renditions") / key / f"{target_width}.{extension}")
                content = _encode(resized, extension)
                if default_storage.exists(name):
                    default_storage.delete(name)
                default_storage.save(name, ContentFile(content))
                renditions.append(
                    {
                        "width": target_width,
                        "height": target_height,
                        "format": extension,
                        "name": name,
                    }
                )
    return width, height, renditions


def stored_format(file_name: str) -> str:
    suffix = PurePosixPath(file_name).suffix.lower().lstrip(".")
    return {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}.get(
        suffix, "JPEG"
    )


def _encode(picture: PILImage.Image, extension: str) -> bytes:
    buffer = io.BytesIO()
    if extension == "jpg":
        picture.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif extension == "png":
        picture.save(buffer, "PNG", optimize=True)
    else:
        picture.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()


def without_metadata(upload) -> ContentFile:
    """The uploaded picture re-encoded without EXIF (camera, GPS) or other metadata.

    The orientation EXIF would have applied is applied to the pixels first.
    """
    upload.seek(0)
    with PILImage.open(upload) as picture:
        image_format = picture.format
        if image_format == "GIF":  # GIF carries no EXIF; re-encoding would lose animation
            upload.seek(0)
            return ContentFile(upload.read(), name=upload.name)
        upright = ImageOps.exif_transpose(picture)
        buffer = io.BytesIO()
        if image_format == "JPEG":
            upright.convert("RGB").save(buffer, "JPEG", quality=92, optimize=True)
        elif image_format == "PNG":
            upright.save(buffer, "PNG", optimize=True)
        else:
            upright.save(buffer, "WEBP", quality=90)
    return ContentFile(buffer.getvalue(), name=PurePosixPath(upload.name).name)
