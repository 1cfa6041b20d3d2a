"""Reading uploads: their headers checked, then decoded within bounded time and memory (#7).

Every picture, an upload or a stored master, is read by `read_picture()`.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, ImageCms, UnidentifiedImageError
from PIL import Image as PILImage

from ..conf import setting

# The formats a browser shows, with the extension a file of that format is stored under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
# Pillow reports a JPEG with a Multi-Picture segment (phones' depth and HDR gain maps) as MPO;
# its first picture is an ordinary JPEG, the only part we read.
_JPEG_FORMATS = {"JPEG", "MPO"}

# What each EXIF orientation needs to be upright (as ImageOps.exif_transpose does it).
_UPRIGHT = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}
_SRGB = ImageCms.createProfile("sRGB")


@dataclass
class Picture:
    """A decoded picture: upright RGB or RGBA frames (one for a still) and their timing."""

    image_format: str  # as detected: JPEG, PNG, WEBP or GIF
    frames: list[PILImage.Image]
    durations: list[int]  # milliseconds per frame
    loop: int | None = None  # an animation's loop count (0: forever; None: play once)

    @property
    def size(self) -> tuple[int, int]:
        return self.frames[0].size

    @property
    def animated(self) -> bool:
        return len(self.frames) > 1

    @property
    def has_alpha(self) -> bool:
        return self.frames[0].mode == "RGBA"

    def resized(self, size: tuple[int, int]) -> "Picture":
        if size == self.size:
            return self
        frames = [_shrink(frame, size) for frame in self.frames]
        return Picture(self.image_format, frames, self.durations, self.loop)


def validate_image_file(upload) -> None:
    """Refuse, from its header and with a message an editor understands, what we will not decode.

    Cheap: nothing is decoded here. `read_picture` decodes, and refuses what only decoding finds
    (damaged data, animations over the limits).
    """
    size, limit = getattr(upload, "size", None), setting("ARTICLES_IMAGE_MAX_BYTES")
    if size is not None and size > limit:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with _opened(upload) as picture:
            _check_header(picture)
    finally:
        if hasattr(upload, "seek"):
            upload.seek(position)


def read_picture(source, max_width: int | None = None) -> Picture:
    """Decode `source` (a file) upright, in sRGB, no wider than `max_width`, within the limits.

    Raises ValidationError with an editor's message for anything not a JPEG, PNG, WebP or GIF,
    too large, damaged, or an animation with too many frames or pixels in all. The cost is
    bounded by the limits in articles/conf.py: a JPEG is decoded at a reduced scale where that
    still covers the size we keep, and every frame is shrunk as soon as it is decoded.
    """
    max_width = max_width or setting("ARTICLES_IMAGE_MASTER_MAX_WIDTH")
    source.seek(0)
    picture = _opened(source)
    width, height, image_format = _check_header(picture)
    try:
        if getattr(picture, "is_animated", False) and image_format != "JPEG":
            frames, durations, loop = _animation_frames(picture, max_width)
        else:
            frames, durations, loop = [_still_frame(picture, image_format, max_width)], [0], None
        to_srgb = _ToSRGB(picture.info.get("icc_profile"))
        frames = [to_srgb(frame) for frame in frames]
    except PILImage.DecompressionBombError:
        raise _decompression_bomb() from None
    except (OSError, SyntaxError, ValueError, EOFError, ImageCms.PyCMSError):
        raise _damaged() from None
    # One mode for every frame: a GIF's first frame may have no transparency and a later one may.
    mode = "RGBA" if any(frame.mode == "RGBA" for frame in frames) else "RGB"
    frames = [frame if frame.mode == mode else frame.convert(mode) for frame in frames]
    return Picture(image_format, frames, durations, loop)


def _opened(source):
    """Pillow's reader for `source`, restricted to the accepted formats (no other parser runs)."""
    try:
        # Our own limits, lower than Pillow's, are checked before anything is decoded, so its
        # warning is redundant here; its error (far above our limits) still becomes a message.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            return PILImage.open(source, formats=list(ACCEPTED_FORMATS))
    except PILImage.DecompressionBombError:
        raise _decompression_bomb() from None
    except UnidentifiedImageError:
        raise ValidationError(
            "This file is not an image a browser can show. Upload a JPEG, PNG, WebP or GIF "
            "picture.",
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _damaged() from None


def _check_header(picture: PILImage.Image) -> tuple[int, int, str]:
    """The picture's size and format, once its header is within the limits."""
    width, height = picture.size
    image_format = "JPEG" if picture.format in _JPEG_FORMATS else picture.format
    if image_format not in ACCEPTED_FORMATS:  # not reachable with `formats=`; kept as a guard
        raise ValidationError(
            "%(format)s images are not shown by browsers. Upload a JPEG, PNG, WebP or GIF.",
            code="format",
            params={"format": image_format},
        )
    limit = {
        "JPEG": setting("ARTICLES_IMAGE_MAX_JPEG_PIXELS"),
        "WEBP": setting("ARTICLES_IMAGE_MAX_WEBP_PIXELS"),
    }.get(image_format, setting("ARTICLES_IMAGE_MAX_PIXELS"))
    if width * height > limit:
        raise _too_many_pixels(width, height, image_format, limit)
    return width, height, image_format


def _still_frame(picture: PILImage.Image, image_format: str, max_width: int) -> PILImage.Image:
    """The one frame of a still, decoded as small as it can be and shrunk to what we keep."""
    if image_format == "JPEG":
        orientation = _orientation(picture)  # in the JPEG's header, known before decoding
        _draft(picture, _target(picture.size, orientation, max_width))
        frame = _resizable(picture)
    else:
        frame = _resizable(picture)
        orientation = _orientation(picture)  # a PNG's eXIf chunk may follow its pixels
    return _upright(_shrink(frame, _target(picture.size, orientation, max_width)), orientation)


def _target(size: tuple[int, int], orientation: int, max_width: int) -> tuple[int, int]:
    """`size` scaled down so the picture, once upright, is no wider than `max_width`."""
    width, height = size
    upright_width = height if orientation in (5, 6, 7, 8) else width
    scale = min(1.0, max_width / upright_width)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft(picture: PILImage.Image, target: tuple[int, int]) -> None:
    """Have libjpeg decode at 1/2, 1/4 or 1/8 scale, the smallest still as large as `target`.

    Never more than ARTICLES_IMAGE_MAX_PIXELS decoded, though: a tall photo may then be kept
    narrower.
    """
    width, height = picture.size
    max_pixels = setting("ARTICLES_IMAGE_MAX_PIXELS")
    reduction = next(
        (r for r in (1, 2, 4, 8) if -(-width // r) * -(-height // r) <= max_pixels),
        8,
    )
    # Pillow picks the largest reduction that still gives at least the size asked for.
    picture.draft("RGB", (min(target[0], width // reduction), min(target[1], height // reduction)))


def _animation_frames(picture: PILImage.Image, max_width: int):
    """Every frame of an animated GIF, WebP or PNG, each shrunk as soon as it is decoded.

    The frames are counted and their pixels added up as they are decoded, against the limits:
    a header may not say how many frames follow, and a GIF frame may be larger than the
    picture it is in. Each frame's size is known before its pixels are decoded.
    """
    width, height = picture.size
    frames, durations = [], []
    decoded_pixels = 0
    max_frames, max_pixels = (
        setting("ARTICLES_IMAGE_MAX_FRAMES"),
        setting("ARTICLES_IMAGE_MAX_ANIMATION_PIXELS"),
    )
    orientation = _orientation(picture)
    target = _target((width, height), orientation, max_width)
    index = 0
    while True:
        if index:
            try:
                picture.seek(index)
            except EOFError:
                break
        if index >= max_frames:
            raise ValidationError(
                "This animation has more than %(limit)s frames. Shorten it and upload it again.",
                code="too_many_frames",
                params={"limit": max_frames},
            )
        frame_width, frame_height = picture.size
        decoded_pixels += frame_width * frame_height
        if decoded_pixels > max_pixels:
            raise _too_many_pixels_in_all(width, height, index + 1)
        frame = _resizable(picture)
        if frame.size != (width, height):  # a GIF frame outside the picture: cut to it
            frame = frame.crop((0, 0, width, height))
        frame = _upright(_shrink(frame, target), orientation)
        # The next seek reuses the file's own image; keep a copy if this frame is still it.
        frames.append(frame.copy() if frame is picture else frame)
        durations.append(round(picture.info.get("duration") or 100))
        index += 1
    return frames, durations, picture.info.get("loop")


def _resizable(frame: PILImage.Image) -> PILImage.Image:
    """The frame decoded, in a mode Pillow can resample: palettes and odd modes expanded."""
    if frame.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        frame.load()
        return frame
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit greyscale PNG
        return frame.convert("I").point(lambda value: value / 256).convert("L")
    return frame.convert("RGBA" if frame.has_transparency_data else "RGB")


def _shrink(frame: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    if frame.size == size:
        return frame
    # reducing_gap: an integer box reduction first, then Lanczos on a picture only ~3x larger.
    return frame.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


class _ToSRGB:
    """Converts frames from the picture's embedded colour profile to sRGB, one transform a mode."""

    def __init__(self, icc_profile: bytes | None):
        self.embedded = None
        # A broken profile is ignored: the numbers are shown as they are, as browsers do.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            if icc_profile:
                self.embedded = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        self.transforms = {}

    def __call__(self, frame: PILImage.Image) -> PILImage.Image:
        """The frame's colours in sRGB, as RGB or RGBA, so no colour profile need be stored."""
        output_mode = "RGBA" if "A" in frame.mode else "RGB"
        if self.embedded is not None and frame.mode in ("RGB", "RGBA", "CMYK", "L"):
            try:
                if frame.mode not in self.transforms:
                    self.transforms[frame.mode] = ImageCms.buildTransform(
                        self.embedded, _SRGB, frame.mode, output_mode
                    )
                return ImageCms.applyTransform(frame, self.transforms[frame.mode])
            except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
                pass  # a profile for another colour space than the pixels': ignored, likewise
        return frame if frame.mode == output_mode else frame.convert(output_mode)


def _upright(frame: PILImage.Image, orientation: int) -> PILImage.Image:
    method = _UPRIGHT.get(orientation)
    return frame.transpose(method) if method is not None else frame


def _orientation(picture: PILImage.Image) -> int:
    """The EXIF orientation (1 when absent or unreadable: a broken EXIF block is dropped anyway)."""
    if "exif" not in picture.info:
        return 1
    try:
        return int(picture.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # any malformed EXIF means "no orientation"
        return 1


def _too_many_pixels(width: int, height: int, image_format: str, limit: int) -> ValidationError:
    return ValidationError(
        "This image is %(width)s×%(height)s pixels (%(mp).0f megapixels); the limit for "
        "%(format)s images is %(limit).0f megapixels. Save it smaller (%(keep)s pixels wide is "
        "the most the site uses) and upload it again.",
        code="too_many_pixels",
        params={
            "width": width,
            "height": height,
            "mp": width * height / 1e6,
            "format": _FORMAT_NAMES[image_format],
            "limit": limit / 1e6,
            "keep": setting("ARTICLES_IMAGE_MASTER_MAX_WIDTH"),
        },
    )


def _too_many_pixels_in_all(width: int, height: int, frames: int) -> ValidationError:
    return ValidationError(
        "This animation's frames are %(width)s×%(height)s pixels, and its first %(frames)s "
        "frames already make more than %(limit).0f megapixels, the limit for a whole "
        "animation. Make it smaller or shorter and upload it again.",
        code="too_many_pixels",
        params={
            "width": width,
            "height": height,
            "frames": frames,
            "limit": setting("ARTICLES_IMAGE_MAX_ANIMATION_PIXELS") / 1e6,
        },
    )


def _decompression_bomb() -> ValidationError:
    return ValidationError(
        "This image has too many pixels to process safely (a possible decompression bomb).",
        code="decompression_bomb",
    )


def _damaged() -> ValidationError:
    return ValidationError(
        "This image is damaged or truncated and cannot be read. Try exporting it again.",
        code="damaged",
    )
