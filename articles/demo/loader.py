"""Demo content: the seed story plus the stories in stories.json, loaded idempotently.

Running the loader twice changes nothing: rows are created when missing, fields are written only
when they differ, and publication times are set once, when an article is first created.
"""

import hashlib
import io
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from articles.html import paragraphs_to_html, sanitise_body
from articles.models import Article, Author, Byline, Image, RelatedLink, Section, Tag

DEMO_DIR = Path(__file__).resolve().parent
SEED_SLUG = "putin-greeted-russia-china-relations-during-the-xi-virtual-summit"
# The original site's boilerplate lines, not part of the story.
SEED_BOILERPLATE = ("Read all the latest news", "Source by", "Related Articles", "Please enter")


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)

    def note(self, model: str, outcome: str) -> None:
        self.counts[f"{model} {outcome}"] += 1

    @property
    def changed(self) -> int:
        return sum(n for key, n in self.counts.items() if not key.endswith("unchanged"))

    def __str__(self):
        return ", ".join(f"{n} {key}" for key, n in sorted(self.counts.items()))


@dataclass(frozen=True)
class SeedStory:
    published_at: datetime
    headline: str
    paragraphs: list[str]


def parse_seed(text: str) -> SeedStory:
    """The scraped page: a date line, the headline, paragraphs, then the site's boilerplate."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    published = datetime.strptime(lines[0], "%A, %B %d, %Y").replace(hour=9, tzinfo=UTC)
    paragraphs = []
    for line in lines[2:]:
        if line.startswith(SEED_BOILERPLATE):
            break
        paragraphs.append(line)
    return SeedStory(published, lines[1], paragraphs)


def _sync(model, lookup: dict, values: dict, report: LoadReport):
    """get_or_create that updates only differing fields and says what it did."""
    instance = model.objects.filter(**lookup).first()
    name = model._meta.verbose_name_plural
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.note(name, "created")
        return instance
    changed = [key for key, value in values.items() if getattr(instance, key) != value]
    if changed:
        for key in changed:
            setattr(instance, key, values[key])
        instance.save()
        report.note(name, "updated")
    else:
        report.note(name, "unchanged")
    return instance


def demo_picture(seed: str, colours: list[str], label: str) -> bytes:
    """A 1600×900 illustration: a gradient in two colours with shapes, made the same every time."""
    width, height = 1600, 900
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())  # noqa: S311 - not security
    start, end = (PILImage.new("RGB", (1, 1), colour).getpixel((0, 0)) for colour in colours)
    gradient = PILImage.linear_gradient("L").resize((width, height)).rotate(rng.choice([0, 90]))
    picture = PILImage.composite(
        PILImage.new("RGB", (width, height), end),
        PILImage.new("RGB", (width, height), start),
        gradient,
    )
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(7):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(60, 320)
        shade = (255, 255, 255, rng.randrange(20, 60))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shade)
    font = ImageFont.load_default(size=64)
    draw.rectangle((0, height - 130, width, height), fill=(0, 0, 0, 110))
    draw.text((60, height - 65), label, fill="white", font=font, anchor="lm")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _featured_image(article: Article | None, spec: dict, slug: str, label: str, report):
    if article is not None and article.featured_image_id:
        image = article.featured_image
        words = {key: spec[key] for key in ("alt_text", "caption", "credit")}
        if any(getattr(image, key) != value for key, value in words.items()):
            Image.objects.filter(pk=image.pk).update(**words)
            report.note("images", "updated")
        else:
            report.note("images", "unchanged")
        return image
    content = demo_picture(slug, spec["colors"], label)
    image = Image.objects.create(
        file=ContentFile(content, name=f"{slug[:60]}.jpg"),
        alt_text=spec["alt_text"],
        caption=spec["caption"],
        credit=spec["credit"],
    )
    report.note("images", "created")
    return image


def _load_article(story: dict, sections: dict, authors: dict, anchor: datetime, report):
    existing = Article.objects.filter(slug=story["slug"]).select_related("featured_image").first()
    section = sections[story["section"]]
    image = _featured_image(existing, story["image"], story["slug"], section.name, report)
    published_at = existing.published_at if existing else story["published_at"](anchor)
    values = {
        "headline": story["headline"],
        "standfirst": story["standfirst"],
        "body": sanitise_body(paragraphs_to_html(story["paragraphs"])),
        "section": section,
        "featured_image": image,
        "status": Article.Status.PUBLISHED,
        "published_at": published_at,
        "updated_at": existing.updated_at if existing else story["updated_at"](published_at),
        "correction": story.get("correction") or "",
        "is_lead": story.get("is_lead", False),
        "source_name": story["source"].get("name", ""),
        "source_url": story["source"].get("url", ""),
        "source_author": story["source"].get("author", ""),
    }
    article = _sync(Article, {"slug": story["slug"]}, values, report)

    tags = [_sync(Tag, {"name": name}, {"slug": slugify(name)}, report) for name in story["tags"]]
    if {tag.pk for tag in article.tags.all()} != {tag.pk for tag in tags}:
        article.tags.set(tags)
    for position, author_slug in enumerate(story["authors"]):
        _sync(
            Byline,
            {"article": article, "author": authors[author_slug]},
            {"position": position},
            report,
        )
    return article


def _seed_story() -> dict:
    seed = parse_seed((DEMO_DIR / "seed.txt").read_text(encoding="utf-8"))
    return {
        "slug": SEED_SLUG,
        "headline": seed.headline,
        "standfirst": seed.paragraphs[0],
        "paragraphs": seed.paragraphs[1:],
        "section": "world",
        "tags": ["Russia", "China", "Diplomacy"],
        "authors": [],
        # The original page printed "Source by [author_name]": the author is unknown, so the
        # record names the outlet only and the page says "Source: Wire service".
        "source": {"name": "Wire service", "url": "", "author": ""},
        "published_at": lambda anchor: seed.published_at,
        "updated_at": lambda published: None,
        "is_lead": True,
        "image": {
            "alt_text": "Illustration: a gradient in red and gold with the word World",
            "caption": "Russia and China described their relations as a model for the century.",
            "credit": "Newsportal illustration",
            "colors": ["#7a1f1f", "#d4a017"],
        },
    }


def _demo_stories() -> tuple[list, list, list]:
    data = json.loads((DEMO_DIR / "stories.json").read_text(encoding="utf-8"))
    stories = []
    for raw in data["stories"]:
        hours_ago = raw["hours_ago"]
        updated_after = raw.get("updated_hours_after")
        stories.append(
            {
                **raw,
                "source": raw.get("source") or {},
                "published_at": lambda anchor, h=hours_ago: anchor - timedelta(hours=h),
                "updated_at": (
                    lambda published, u=updated_after: published + timedelta(hours=u) if u else None
                ),
                "image": {
                    "alt_text": raw["image"]["alt"],
                    "caption": raw["image"]["caption"],
                    "credit": raw["image"]["credit"],
                    "colors": raw["image"]["colors"],
                },
            }
        )
    return data["sections"], data["authors"], stories


@transaction.atomic
def load_demo(*, now: datetime | None = None, progress=None) -> LoadReport:
    """Create or bring up to date the demo sections, authors, tags, images and articles."""
    report = LoadReport()
    anchor = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    section_rows, author_rows, stories = _demo_stories()
    sections = {
        row["slug"]: _sync(
            Section,
            {"slug": row["slug"]},
            {"name": row["name"], "description": row["description"], "position": position},
            report,
        )
        for position, row in enumerate(section_rows)
    }
    authors = {
        row["slug"]: _sync(
            Author, {"slug": row["slug"]}, {"name": row["name"], "bio": row["bio"]}, report
        )
        for row in author_rows
    }
    all_stories = [_seed_story(), *stories]
    articles = []
    for story in all_stories:
        articles.append(_load_article(story, sections, authors, anchor, report))
        if progress:
            progress(len(articles), len(all_stories))

    # An editor's pick on the seed story, so that Related Articles shows both kinds of links.
    seed_article = articles[0]
    pick = next((a for a in articles[1:] if re.search(r"summit|diplomat", a.headline, re.I)), None)
    pick = pick or next(a for a in articles[1:] if a.section_id == seed_article.section_id)
    _sync(
        RelatedLink,
        {"article": seed_article, "position": 0},
        {"target": pick, "url": "", "title": ""},
        report,
    )
    return report
