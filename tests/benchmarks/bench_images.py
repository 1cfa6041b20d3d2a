"""Image benchmark: time and peak memory to save the largest picture the limits allow (#7).

Run with `.venv/bin/python -m tests.benchmarks.bench_images`. For each case (the largest still
picture each accepted format may be, the widest JPEG still decoded in full, the longest
animation, a 1000-frame GIF and the 6300×6300 one-colour PNG of issue #7) it writes the file,
then starts a fresh Python process that sets up Django and a throw-away test database and does
only what the admin does with an upload: `full_clean()` then `save()`. That child reports the
seconds this took and its peak resident memory meanwhile (the kernel's high-water mark, reset
just before; where it cannot be reset, the process's lifetime peak, Django's start-up included).
"""

import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD_FLAG = "--child"


def _peak_reset() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux 4.0+); False where we cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        return float("nan")


def child(path: str, upload_name: str) -> None:
    """In a fresh process: set up Django and a test database, then save one upload, measured."""
    import shutil

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import Image
    from tests.benchmarks.harness import throwaway_database

    with throwaway_database():
        content = Path(path).read_bytes()
        upload = SimpleUploadedFile(upload_name, content, content_type="application/octet-stream")
        image = Image(file=upload, alt_text="Benchmark", caption="", credit="")
        resettable = _peak_reset()
        before = _current_rss_mb()
        cpu_start = time.process_time()
        start = time.perf_counter()
        try:
            image.full_clean()
            image.save()
            outcome = f"saved {image.width}×{image.height}, {len(image.renditions)} renditions"
        except ValidationError as error:
            outcome = "refused: " + " ".join(error.messages)
        seconds = time.perf_counter() - start
        report = {
            "seconds": seconds,
            "cpu_seconds": time.process_time() - cpu_start,
            "peak_mb": _peak_rss_mb(),
            "before_mb": before,
            "peak_is_lifetime": not resettable,
            "outcome": outcome,
        }
        print(json.dumps(report))
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _photo(width: int, height: int, grain: int = 0):
    """Two crossing gradients, with `grain` (noise sigma) for the texture of a photo."""
    from PIL import Image as PILImage

    down = PILImage.linear_gradient("L").resize((width, height))
    across = down.transpose(PILImage.Transpose.ROTATE_90).resize((width, height))
    picture = PILImage.merge("RGB", (down, across, PILImage.new("L", (width, height), 96)))
    if not grain:
        return picture
    return PILImage.blend(
        picture, PILImage.effect_noise((width, height), grain).convert("RGB"), 0.25
    )


def _still(image_format: str, width: int, height: int, **options) -> bytes:
    buffer = io.BytesIO()
    # Photographs in the lossy formats; graphics (no grain) in the lossless ones, or the largest
    # picture would be far over the upload's byte limit.
    picture = _photo(width, height, grain=30 if image_format in ("JPEG", "WEBP") else 0)
    options = {"JPEG": {"quality": 85}, "WEBP": {"quality": 85}}.get(image_format, {}) | options
    if image_format == "GIF":
        picture = picture.convert("P", palette=1, colors=256)  # 1 = Palette.ADAPTIVE
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def _flat_png(side: int) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (side, side), "#3366cc").save(buffer, "PNG")
    return buffer.getvalue()


def _animation(image_format: str, width: int, height: int, frames: int) -> bytes:
    """Frames of a moving gradient, 80 ms each, looping."""
    from PIL import ImageChops

    base = _photo(width, height)
    pictures = []
    for number in range(frames):
        frame = ImageChops.offset(base, (number * 7) % width, 0)
        if image_format == "GIF":
            frame = frame.convert("P", palette=1, colors=64)
        pictures.append(frame)
    buffer = io.BytesIO()
    options = {"WEBP": {"quality": 70, "method": 0}}.get(image_format, {})
    pictures[0].save(
        buffer,
        image_format,
        save_all=True,
        append_images=pictures[1:],
        duration=80,
        loop=0,
        **options,
    )
    return buffer.getvalue()


def _limits() -> dict[str, int]:
    """The limits of the code under test (before #7 there was one pixel limit, and no others)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
    import django

    django.setup()
    from articles import conf

    def limit(name: str, missing: int) -> int:
        # Read at use through setting() since #12; module constants before.
        if hasattr(conf, "setting"):
            name = f"ARTICLES_{name}"
            return conf.setting(name) if name in conf.DEFAULTS else missing
        return getattr(conf, name, missing)

    pixels = limit("IMAGE_MAX_PIXELS", 0)
    return {
        "pixels": pixels,
        "jpeg": limit("IMAGE_MAX_JPEG_PIXELS", pixels),
        "webp": limit("IMAGE_MAX_WEBP_PIXELS", pixels),
        "frames": limit("IMAGE_MAX_FRAMES", 10_000),
        "animation": limit("IMAGE_MAX_ANIMATION_PIXELS", pixels),
        "master": limit("IMAGE_MASTER_MAX_WIDTH", 0),
    }


def _three_two(pixels: int) -> tuple[int, int]:
    """The largest 3:2 picture (a camera's shape) of at most `pixels`."""
    height = math.isqrt(pixels * 2 // 3)
    return height * 3 // 2, height


def _cases() -> list[tuple[str, str, callable]]:
    limits = _limits()
    cases = []
    width, height = _three_two(limits["jpeg"])
    cases.append((f"JPEG {width}×{height}", "largest.jpg", lambda: _still("JPEG", width, height)))
    cases.append(
        (
            f"JPEG {width}×{height} progressive",
            "progressive.jpg",
            lambda: _still("JPEG", width, height, progressive=True),
        )
    )
    if limits["master"]:
        # Too narrow to decode at half size and still be as wide as the master: decoded in full.
        full_width = 2 * limits["master"] - 1
        full_height = limits["pixels"] // full_width
        cases.append(
            (
                f"JPEG {full_width}×{full_height} (in full)",
                "full.jpg",
                lambda: _still("JPEG", full_width, full_height),
            )
        )
    for image_format, extension in (("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")):
        w, h = _three_two(limits["webp" if image_format == "WEBP" else "pixels"])
        cases.append(
            (
                f"{image_format} {w}×{h}",
                f"largest.{extension}",
                lambda f=image_format, w=w, h=h: _still(f, w, h),
            )
        )
    frame_width, frame_height = 480, 270
    frames = min(limits["animation"] // (frame_width * frame_height), limits["frames"])
    for image_format, extension in (("GIF", "gif"), ("WEBP", "webp")):
        cases.append(
            (
                f"{image_format} {frame_width}×{frame_height}×{frames} frames",
                f"longest.{extension}",
                lambda f=image_format, n=frames: _animation(f, frame_width, frame_height, n),
            )
        )
    # A wide animation (a screen recording): renditions at every width, every frame.
    wide_frames = min(limits["animation"] // (1600 * 900), limits["frames"])
    cases.append(
        (
            f"GIF 1600×900×{wide_frames} frames",
            "wide.gif",
            lambda: _animation("GIF", 1600, 900, wide_frames),
        )
    )
    cases.append(
        (
            f"GIF {frame_width}×{frame_height}×1000 frames",
            "thousand.gif",
            lambda: _animation("GIF", frame_width, frame_height, 1000),
        )
    )
    cases.append(("PNG 6300×6300 one colour (#7)", "flat.png", lambda: _flat_png(6300)))
    return cases


def main() -> None:
    print(f"{'case':<36}{'KiB':>8}{'save s':>8}{'cpu s':>7}{'peak MB':>9}{'+MB':>7}  outcome")
    with tempfile.TemporaryDirectory(prefix="bench-images-") as folder:
        for label, name, make in _cases():
            content = make()
            path = Path(folder) / name
            path.write_bytes(content)
            started = time.perf_counter()
            finished = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.benchmarks.bench_images",
                    CHILD_FLAG,
                    str(path),
                    name,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if finished.returncode != 0:
                tail = finished.stderr.strip().splitlines()[-1:] or ["no output"]
                print(
                    f"{label:<36}{len(content) / 1024:>8.0f}  child failed after "
                    f"{time.perf_counter() - started:.1f} s: {tail[0]}"
                )
                continue
            report = json.loads(finished.stdout.strip().splitlines()[-1])
            marker = "*" if report["peak_is_lifetime"] else ""
            print(
                f"{label:<36}{len(content) / 1024:>8.0f}{report['seconds']:>8.2f}"
                f"{report['cpu_seconds']:>7.2f}"
                f"{report['peak_mb']:>8.0f}{marker:1}"
                f"{report['peak_mb'] - report['before_mb']:>7.0f}"
                f"  {report['outcome'][:90]}"
            )
    print(
        "(save s: wall-clock; cpu s: the process's own CPU time, steadier on a busy machine."
        " peak MB: the save process's resident memory at its highest during the save; +MB: above"
        " what it held just before. * = lifetime peak, the high-water mark could not be reset."
        f" Python {sys.version.split()[0]})"
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == CHILD_FLAG:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
