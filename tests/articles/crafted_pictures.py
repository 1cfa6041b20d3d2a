"""Pictures built to attack the upload path (#7): hidden metadata, lying sizes, long animations.

Pillow writes what it can; byte surgery adds what it cannot (JPEG APP13, PNG private chunks,
GIF application extensions, bytes after the end, headers declaring sizes the data is not).
"""

import io
import struct
import zlib

from PIL import ExifTags, ImageCms, ImageDraw
from PIL import Image as PILImage
from PIL.PngImagePlugin import PngInfo

MARKER = b"GPS 51.5074N SECRET-MARKER"
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def picture(width=800, height=450, frame=0) -> PILImage.Image:
    """A two-colour picture with a bar that moves with `frame`, so frames differ."""
    canvas = PILImage.new("RGB", (width, height), "#336699")
    left = (frame * 7) % max(1, width - 10)
    ImageDraw.Draw(canvas).rectangle((left, 0, left + 9, height - 1), fill="#ffcc00")
    return canvas


def picture_bytes(image_format="JPEG", width=800, height=450, frames=1, **options) -> bytes:
    """A picture in `image_format`; with `frames` > 1 an animation, 40 ms a frame, looping."""
    buffer = io.BytesIO()
    pictures = [picture(width, height, number) for number in range(frames)]
    if image_format == "GIF":
        pictures = [p.convert("P", palette=PILImage.Palette.ADAPTIVE) for p in pictures]
    if frames > 1:
        options = {"save_all": True, "append_images": pictures[1:], "duration": 40, "loop": 0,
                   **options}  # fmt: skip
    pictures[0].save(buffer, image_format, **options)
    return buffer.getvalue()


def carries_marker(content: bytes) -> bool:
    """Whether MARKER is in the file, as bytes or in anything Pillow decodes from it (zTXt...)."""
    if MARKER in content:
        return True
    with PILImage.open(io.BytesIO(content)) as opened:
        found = []
        for number in range(getattr(opened, "n_frames", 1)):
            opened.seek(number)
            opened.load()
            found.append(repr(opened.info) + repr(getattr(opened, "text", {})))
    return MARKER.decode() in "".join(found)


# Metadata carriers -----------------------------------------------------------------------------


def _gps_exif() -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "CameraMaker"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.64),
        ExifTags.GPS.GPSMapDatum: MARKER.decode(),
    }
    return exif


def _xmp() -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSAreaInformation="'
        + MARKER
        + b'"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def _icc_profile() -> bytes:
    """An sRGB profile with MARKER appended (inside the profile's declared size)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + MARKER
    return struct.pack(">I", len(profile)) + profile[4:]


def _jpeg_segment(content: bytes, marker: int, payload: bytes) -> bytes:
    """`content` (a JPEG) with an APPn/COM segment inserted right after its SOI."""
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return content[:2] + segment + content[2:]


def _iptc() -> bytes:
    """A Photoshop APP13 block with an IPTC City record: where news photos carry captions."""
    record = b"\x1c\x02\x5a" + struct.pack(">H", len(MARKER)) + MARKER
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    return b"Photoshop 3.0\x00" + resource


def _png_chunk(content: bytes, chunk_type: bytes, payload: bytes) -> bytes:
    """`content` (a PNG) with a chunk inserted before IEND."""
    chunk = (
        struct.pack(">I", len(payload))
        + chunk_type
        + payload
        + struct.pack(">I", zlib.crc32(chunk_type + payload))
    )
    end = content.rindex(b"IEND") - 4
    return content[:end] + chunk + content[end:]


def _gif_blocks(payload: bytes) -> bytes:
    """GIF data sub-blocks (at most 255 bytes each) and their terminator."""
    return (
        b"".join(
            bytes([len(payload[i : i + 255])]) + payload[i : i + 255]
            for i in range(0, len(payload), 255)
        )
        + b"\x00"
    )


def _gif_xmp_extension() -> bytes:
    """XMP as Adobe writes it into a GIF: raw, then a 258-byte "magic trailer" of sub-blocks."""
    return b"\x21\xff\x0bXMP DataXMP" + _xmp() + b"\x01" + bytes(range(255, -1, -1)) + b"\x00"


def _gif_extension(content: bytes, block: bytes) -> bytes:
    """`content` (a GIF) with an extension block inserted after its global colour table."""
    flags = content[10]
    start = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    return content[:start] + block + content[start:]


def _jpeg(**options):
    return picture_bytes("JPEG", **options)


def _png(**options):
    return picture_bytes("PNG", **options)


def _webp(**options):
    return picture_bytes("WEBP", **options)


def _gif(**options):
    return picture_bytes("GIF", **options)


def _png_text(kind: str) -> bytes:
    info = PngInfo()
    if kind == "iTXt":
        info.add_itxt("XML:com.adobe.xmp", _xmp().decode())
    else:
        info.add_text("Location", MARKER.decode(), zip=kind == "zTXt")
    return _png(pnginfo=info)


# (format, carrier) -> the upload's bytes. Each carries MARKER where a reader of it would look.
CARRIERS = {
    ("JPEG", "COM comment"): lambda: _jpeg(comment=MARKER),
    ("JPEG", "EXIF with GPS"): lambda: _jpeg(exif=_gps_exif()),
    ("JPEG", "XMP (APP1)"): lambda: _jpeg(xmp=_xmp()),
    ("JPEG", "ICC profile"): lambda: _jpeg(icc_profile=_icc_profile()),
    ("JPEG", "IPTC (APP13)"): lambda: _jpeg_segment(_jpeg(), 0xED, _iptc()),
    ("JPEG", "bytes after the end"): lambda: _jpeg() + MARKER,
    ("JPEG", "MPO with a second picture"): lambda: picture_bytes(
        "MPO", save_all=True, append_images=[picture(800, 450, 3)], comment=MARKER
    ),
    ("PNG", "tEXt"): lambda: _png_text("tEXt"),
    ("PNG", "zTXt"): lambda: _png_text("zTXt"),
    ("PNG", "iTXt (XMP)"): lambda: _png_text("iTXt"),
    ("PNG", "eXIf with GPS"): lambda: _png(exif=_gps_exif()),
    ("PNG", "ICC profile (iCCP)"): lambda: _png(icc_profile=_icc_profile()),
    ("PNG", "private chunk"): lambda: _png_chunk(_png(), b"prVt", MARKER),
    ("PNG", "bytes after the end"): lambda: _png() + MARKER,
    ("PNG", "tEXt, animated (APNG)"): lambda: picture_bytes("PNG", frames=3, pnginfo=_text_info()),
    ("WEBP", "EXIF with GPS"): lambda: _webp(exif=_gps_exif()),
    ("WEBP", "XMP"): lambda: _webp(xmp=_xmp()),
    ("WEBP", "ICC profile"): lambda: _webp(icc_profile=_icc_profile()),
    ("WEBP", "bytes after the end"): lambda: _webp() + MARKER,
    ("WEBP", "XMP, animated"): lambda: picture_bytes("WEBP", frames=3, xmp=_xmp()),
    ("GIF", "comment extension"): lambda: _gif(comment=MARKER),
    ("GIF", "XMP application extension"): lambda: _gif_extension(_gif(), _gif_xmp_extension()),
    ("GIF", "bytes after the trailer"): lambda: _gif() + MARKER,
    ("GIF", "comment extension, animated"): lambda: picture_bytes("GIF", frames=3, comment=MARKER),
}


def _text_info() -> PngInfo:
    info = PngInfo()
    info.add_text("Location", MARKER.decode())
    return info


# Declared sizes ---------------------------------------------------------------------------------


def declaring(image_format: str, width: int, height: int) -> bytes:
    """A small file of `image_format` whose header declares width × height pixels.

    The pixel data is that of a 16×16 picture: whoever trusts the header and decodes allocates
    the declared size (a decompression bomb) or fails on the data.
    """
    small = picture_bytes(image_format, 16, 16)
    if image_format == "JPEG":
        start = small.index(b"\xff\xc0") + 5  # SOF0: length (2), precision (1), height, width
        return small[:start] + struct.pack(">HH", height, width) + small[start + 4 :]
    if image_format == "PNG":
        start = small.index(b"IHDR")
        header = b"IHDR" + struct.pack(">II", width, height) + small[start + 12 : start + 17]
        return small[:start] + header + struct.pack(">I", zlib.crc32(header)) + small[start + 21 :]
    if image_format == "WEBP":
        small = picture_bytes("WEBP", 16, 16, lossless=True)
        start = small.index(b"VP8L") + 9  # chunk header (8), signature byte 0x2f
        bits = int.from_bytes(small[start : start + 4], "little")
        bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
        return small[:start] + bits.to_bytes(4, "little") + small[start + 4 :]
    # GIF: the logical screen and the one frame's descriptor both.
    patched = small[:6] + struct.pack("<HH", width, height) + small[10:]
    return _gif_frame_size(patched, _gif_descriptors(patched)[0], width, height)


def gif_with_a_frame_larger_than_its_screen(side: int) -> bytes:
    """A 16×16 GIF whose second frame's descriptor is side × side: Pillow grows the picture."""
    small = picture_bytes("GIF", 16, 16, frames=2)
    return _gif_frame_size(small, _gif_descriptors(small)[1], side, side)


def _gif_frame_size(content: bytes, descriptor: int, width: int, height: int) -> bytes:
    start = descriptor + 5  # separator (1), left (2), top (2)
    return content[:start] + struct.pack("<HH", width, height) + content[start + 4 :]


def _gif_descriptors(content: bytes) -> list[int]:
    """Where each image descriptor of a GIF starts, walking its blocks."""

    def after_sub_blocks(position):
        while content[position]:
            position += content[position] + 1
        return position + 1

    def colour_table(flags):
        return 3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0

    position, descriptors = 13 + colour_table(content[10]), []
    while content[position] != 0x3B:
        if content[position] == 0x21:  # extension: introducer, label, sub-blocks
            position = after_sub_blocks(position + 2)
        else:  # image descriptor (10), local colour table, LZW code size (1), sub-blocks
            descriptors.append(position)
            position += 10 + colour_table(content[position + 9])
            position = after_sub_blocks(position + 1)
    return descriptors
