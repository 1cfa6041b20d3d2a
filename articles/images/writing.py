"""Writing pictures: the stored master and its renditions, holding nothing but pixels (#7).

Every stored byte is written by `encode()`: no EXIF or GPS, XMP, JPEG comment, PNG text chunk,
GIF extension, colour profile or byte after the end that an upload carried reaches a file.
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from PIL import Image as PILImage

from .. import conf
from .reading import ACCEPTED_FORMATS, Picture, read_picture, validate_image_file

# Rendition and master qualities: renditions are what readers download.
_RENDITION_QUALITY = {"jpg": 82, "webp": 80}
_MASTER_QUALITY = {"jpg": 90, "webp": 90}


class MasterFile(ContentFile):
    """The stored original: an upload re-encoded by `master_file`, named for its real format."""

    def __init__(self, content: bytes, name: str, picture: Picture):
        super().__init__(content, name=name)
        # Kept for the renditions: cut from these pixels, not from the master's re-encoding.
        self.picture = picture


def master_file(upload) -> MasterFile:
    """The upload as we store it: re-encoded from its pixels, under its detected format's name.

    The name's extension comes from what the file is, never from what it was called: a GIF
    uploaded as `x.pdf` is stored as `x.gif` and served as image/gif.
    """
    validate_image_file(upload)  # already done on a form; not by a script saving directly
    picture = read_picture(upload)
    extension = ACCEPTED_FORMATS[picture.image_format]
    stem = slugify(PurePosixPath(upload.name or "").stem)[:80] or "image"
    content = encode(picture, extension, quality=_MASTER_QUALITY.get(extension))
    return MasterFile(content, name=f"{stem}.{extension}", picture=picture)


def make_renditions(
    file_name: str, key: str, picture: Picture | None = None
) -> tuple[int, int, list[dict]]:
    """Write the renditions of one stored master; return its size and the rendition records.

    Each record is {"width", "height", "format", "name"} with `name` a storage path. Each width
    is made in WebP and, for a still, in a fallback format: the master's own for JPEG and PNG,
    PNG or JPEG (with or without transparency) for a GIF or WebP. An animation's fallback is
    its master (a GIF or PNG): every frame of every width again would cost seconds (#7), for
    browsers that have all shown animated WebP since 2020. `picture` is the master's, when
    it has just been decoded (see MasterFile); otherwise the stored master is read.
    """
    if picture is None:
        with default_storage.open(file_name, "rb") as stored:
            picture = read_picture(stored)
    width, height = picture.size
    fallback = _fallback_extension(picture)
    widths = sorted({w for w in conf.IMAGE_RENDITION_WIDTHS if w < width} | {min(width, 1600)})
    renditions = []
    for target_width in widths:
        target_height = max(1, round(height * target_width / width))
        resized = picture.resized((target_width, target_height))
        for extension in ("webp", fallback) if fallback else ("webp",):
            name = str(PurePosixPath("renditions") / key / f"{target_width}.{extension}")
            content = encode(resized, extension, quality=_RENDITION_QUALITY.get(extension))
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(content))
            renditions.append(
                {"width": target_width, "height": target_height, "format": extension, "name": name}
            )
    master_extension = ACCEPTED_FORMATS[picture.image_format]
    if picture.animated and master_extension != "webp":
        renditions.append(
            {"width": width, "height": height, "format": master_extension, "name": file_name}
        )
    return width, height, renditions


def encode(picture: Picture, extension: str, quality: int | None = None) -> bytes:
    """The picture as a file of `extension` holding its pixels only (and an animation's timing).

    The one place every stored byte is written (#7). Each frame is first copied into a fresh
    image with no `info`: Pillow carries a file's EXIF, XMP, comment, ICC profile and text
    chunks along in `info` through copies, conversions and resizes, and writes some of them
    back on save. No colour profile is written either: `read_picture` has already converted the
    pixels to sRGB, which is what browsers assume of an untagged picture.
    """
    if extension == "gif" and picture.animated:  # one frame at a time into 256 colours
        frames = [_gif_palette(_pixels_only(frame)) for frame in picture.frames]
    else:
        frames = [_pixels_only(frame) for frame in picture.frames]
    options = {}
    if len(frames) > 1:
        options = {"save_all": True, "append_images": frames[1:], "duration": picture.durations}
        # A GIF without a loop count plays once; WebP and PNG say so with a count of 1.
        if picture.loop is not None or extension != "gif":
            options["loop"] = 1 if picture.loop is None else picture.loop
    buffer = io.BytesIO()
    first = frames[0]
    if extension == "jpg":
        # libjpeg-turbo's progressive coding is compact already: no optimize=True pass.
        first.convert("RGB").save(buffer, "JPEG", quality=quality or 90, progressive=True)
    elif extension == "png":
        # No optimize=True: it tries every compression level, seconds on a big picture (#7).
        first.save(buffer, "PNG", compress_level=6, **options)
    elif extension == "gif" and len(frames) > 1:
        # Frames are whole pictures; disposal 2 keeps transparent parts from showing the last.
        if "transparency" in first.info:
            options["disposal"] = 2
        first.save(buffer, "GIF", **options)
    elif extension == "gif":
        first.save(buffer, "GIF")
    else:
        # Every frame of an animation is encoded at every width: the fastest method there
        # (a third of the time of method 4, files ~15% larger).
        method = 4 if len(frames) == 1 else 0
        first.save(buffer, "WEBP", quality=quality or 90, method=method, **options)
    return buffer.getvalue()


def _gif_palette(frame: PILImage.Image) -> PILImage.Image:
    """An animation's frame in 255 colours (an octree), and a 256th where it is transparent.

    Pillow's own conversion (median cut) takes ~10 ms a 480×270 frame, seconds for an
    animation; the octree a fifth of that, looking as good at GIF sizes. Stills keep Pillow's,
    which is exact for a picture of 256 colours or fewer (logos, charts).
    """
    opaque = frame.convert("RGB") if frame.mode == "RGBA" else frame
    indexed = opaque.quantize(255, method=PILImage.Quantize.FASTOCTREE)
    entries = indexed.getpalette() or []
    indexed.putpalette(entries + [0] * (768 - len(entries)))
    if frame.mode == "RGBA":
        transparent = frame.getchannel("A").point(lambda alpha: 255 if alpha < 128 else 0)
        indexed.paste(255, mask=transparent)
        indexed.info["transparency"] = 255
    return indexed


def _pixels_only(frame: PILImage.Image) -> PILImage.Image:
    clean = PILImage.new(frame.mode, frame.size)
    clean.paste(frame)
    return clean


def _fallback_extension(picture: Picture) -> str | None:
    if picture.animated:
        return None  # the master is the fallback (see make_renditions)
    if picture.image_format in ("JPEG", "PNG"):
        return ACCEPTED_FORMATS[picture.image_format]
    return "png" if picture.has_alpha or picture.image_format == "GIF" else "jpg"
