"""A generated archive: sections, tags, authors and years of articles, by bulk inserts.

`manage.py generate_content` calls `generate_articles` (and the comments app's generator).
Additive: every run adds `count` new articles. The newsroom they are filed under (a dozen
sections, a few hundred tags and authors) is the same on every run and created only when
missing. The same seed on the same database gives the same articles; a second run continues
from the last article id, so it writes new ones rather than repeating the first.

Rows are stored in bulk (`newsportal.bulk_load.store`: COPY on PostgreSQL), which skips
`Article.save()`, so the fields it would derive are filled here the same way: the body is
sanitised (`html.sanitise_body`) and its text extracted (`html.body_text`); slugs are the
headline's with the article's id appended (unique without a lookup); `edit_version` counts
the saves an editor's later changes would have made.
"""

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from newsportal.bulk_load import (
    Progress,
    lock_for_loading,
    next_id,
    no_progress,
    reset_sequences,
    store,
    times_as_given,
)

from .. import html
from ..models import Article, Author, Byline, Section, Tag
from . import words

AUTHORS = 300
SHARE_DRAFT = 0.02
SHARE_SCHEDULED = 0.002
SHARE_LEAD = 0.004
SHARE_UPDATED = 0.08
SHARE_CORRECTED = 0.01
SHARE_SYNDICATED = 0.05
DOCUMENTS = ("report", "survey", "audit", "estimate", "forecast", "study", "review", "decision")
AGENCIES = ["Coastal Press Agency", "Northern Wire", "Regional News Service", "Harbour Syndicate"]
# A sentence pool shared by all bodies keeps generation fast; each story still opens with
# sentences about its own subject, place and object.
SENTENCE_POOL = 20_000


@dataclass
class Newsroom:
    sections: list[Section]
    section_weights: list[int]
    # Per section (same order): the tags it mostly uses, and the authors on its desk.
    section_tags: list[list[Tag]]
    place_tags: list[Tag]
    general_tags: list[Tag]
    desks: list[list[Author]]
    authors: list[Author]


@dataclass
class ArticleRun:
    articles: int
    published: int
    scheduled: int
    drafts: int
    bylines: int
    taggings: int
    first_id: int
    last_id: int

    def __str__(self):
        return (
            f"{self.articles:,} articles ({self.published:,} published, {self.scheduled:,} "
            f"scheduled, {self.drafts:,} drafts), {self.bylines:,} bylines, "
            f"{self.taggings:,} tags on articles"
        )


def generate_articles(
    *,
    count: int,
    seed: int = 0,
    years: int = 5,
    now: datetime | None = None,
    batch_size: int = 1000,
    progress: Progress = no_progress,
) -> ArticleRun:
    """Add `count` articles published over the last `years` (a few scheduled, some drafts).

    One transaction: the run is stored whole or not at all.
    """
    now = now or timezone.now()
    with transaction.atomic(), times_as_given(Article):
        lock_for_loading(Article)
        newsroom = ensure_newsroom()
        first_id = next_id(Article)
        rng = random.Random(f"articles:{seed}:{first_id}")
        writer = _StoryWriter(rng, newsroom)
        plan = _publication_plan(rng, count, now=now, years=years)
        run = ArticleRun(0, 0, 0, 0, 0, 0, first_id, first_id + count - 1)
        progress(0, count)
        for start in range(0, count, batch_size):
            batch = []
            bylines = []
            taggings = []
            for offset, (status, published_at) in enumerate(plan[start : start + batch_size]):
                article_id = first_id + start + offset
                article, authors, tags = writer.article(article_id, status, published_at, now)
                batch.append(article)
                bylines += [
                    {"article_id": article_id, "author_id": author.pk, "position": position}
                    for position, author in enumerate(authors)
                ]
                taggings += [{"article_id": article_id, "tag_id": tag.pk} for tag in tags]
                run.drafts += status == Article.Status.DRAFT
                run.scheduled += status == Article.Status.PUBLISHED and published_at > now
            store(Article, batch)
            store(Byline, bylines)
            store(Article.tags.through, taggings)
            run.articles += len(batch)
            run.bylines += len(bylines)
            run.taggings += len(taggings)
            progress(run.articles, count)
        run.published = run.articles - run.drafts - run.scheduled
        reset_sequences(Article)
    return run


def ensure_newsroom() -> Newsroom:
    """The sections, tags and authors of generated content, created where missing.

    Always the same newsroom, whatever the seed, so that runs add to one archive.
    """
    sections = _ensure(
        Section,
        [
            {"name": name, "slug": slug, "description": description, "position": position}
            for position, (name, slug, _share, description) in enumerate(words.SECTIONS)
        ],
    )
    topic_groups = [topics.split() for topics in words.TOPICS]
    topic_tags = _ensure(
        Tag, [{"name": _tag_name(slug), "slug": slug} for slug in itertools.chain(*topic_groups)]
    )
    general_tags = _ensure(
        Tag, [{"name": _tag_name(slug), "slug": slug} for slug in words.GENERAL_TAGS]
    )
    place_tags = _ensure(Tag, [{"name": place, "slug": slugify(place)} for place in words.PLACES])
    section_tags = []
    for group in topic_groups:
        section_tags.append(topic_tags[: len(group)])
        topic_tags = topic_tags[len(group) :]

    rng = random.Random("newsroom")
    names = rng.sample(
        [f"{first} {last}" for first in words.FIRST_NAMES for last in words.LAST_NAMES], AUTHORS
    )
    weights = [share for _name, _slug, share, _description in words.SECTIONS]
    desk_of = rng.choices(range(len(sections)), weights=weights, k=AUTHORS)
    desk_of[: len(sections)] = range(len(sections))  # every desk has someone
    authors = _ensure(
        Author,
        [
            {
                "name": name,
                "slug": slugify(name),
                "bio": f"{name} reports for the {words.SECTIONS[desk][0]} desk from "
                f"{rng.choice(words.PLACES)}.",
            }
            for name, desk in zip(names, desk_of, strict=True)
        ],
    )
    desks = [[] for _ in sections]
    for author, desk in zip(authors, desk_of, strict=True):
        desks[desk].append(author)
    return Newsroom(
        sections=sections,
        section_weights=weights,
        section_tags=section_tags,
        place_tags=place_tags,
        general_tags=general_tags,
        desks=desks,
        authors=authors,
    )


def _ensure(model, rows: list[dict]) -> list:
    """The rows of `model` with these slugs, in order; created when missing.

    Where names are unique, a row of that name under another slug (an editor's) is reused.
    """
    unique_names = model._meta.get_field("name").unique
    lookup = Q(slug__in=[row["slug"] for row in rows])
    if unique_names:
        lookup |= Q(name__in=[row["name"] for row in rows])

    def stored():
        found = list(model.objects.filter(lookup))
        by_name = {row.name: row for row in found} if unique_names else {}
        return {row.slug: row for row in found}, by_name

    by_slug, by_name = stored()
    missing = [
        model(**row) for row in rows if row["slug"] not in by_slug and row["name"] not in by_name
    ]
    if missing:
        model.objects.bulk_create(missing)
        by_slug, by_name = stored()
    return [by_slug.get(row["slug"]) or by_name[row["name"]] for row in rows]


def _tag_name(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def _publication_plan(rng, count: int, *, now: datetime, years: int) -> list[tuple[str, datetime]]:
    """(status, publication time) of each new article, in id order: the published oldest
    first over `years`, then the scheduled (the next month), then drafts (no time yet)."""
    drafts = max(1, round(count * SHARE_DRAFT)) if count >= 20 else 0
    scheduled = max(1, round(count * SHARE_SCHEDULED)) if count >= 20 else 0
    published = count - drafts - scheduled
    span = timedelta(days=365 * years).total_seconds()
    past = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(published))
    future = sorted(
        now + timedelta(seconds=rng.uniform(3600, 30 * 86400)) for _ in range(scheduled)
    )
    return [(Article.Status.PUBLISHED, when) for when in past + future] + [
        (Article.Status.DRAFT, None)
    ] * drafts


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class _StoryWriter:
    """Headlines, standfirsts, bodies, tags and bylines, from the word lists."""

    def __init__(self, rng: random.Random, newsroom: Newsroom):
        self.rng = rng
        self.newsroom = newsroom
        self.section_totals = list(itertools.accumulate(newsroom.section_weights))
        self.sentences = [self._pool_sentence() for _ in range(SENTENCE_POOL)]

    def popular(self, items: list):
        """One of `items`, the first ones far more often: some tags and places are in the news
        every day, most now and then."""
        return items[int(len(items) * self.rng.random() ** 2.5)]

    def person(self) -> str:
        return f"{self.rng.choice(words.FIRST_NAMES)} {self.rng.choice(words.LAST_NAMES)}"

    def article(self, article_id, status, published_at, now):
        rng = self.rng
        newsroom = self.newsroom
        section_index = bisect.bisect(self.section_totals, rng.random() * self.section_totals[-1])
        place_index = int(len(words.PLACES) * rng.random() ** 1.5)
        story = {
            "place": words.PLACES[place_index],
            "subject": rng.choice(words.SUBJECTS),
            "action": rng.choice(words.ACTIONS),
            "object": rng.choice(words.OBJECTS),
            "event": rng.choice(words.EVENTS),
            "concern": rng.choice(words.CONCERNS),
        }
        headline = self.headline(**story)
        body = html.sanitise_body(html.paragraphs_to_html(self.paragraphs(**story)))

        tags = {newsroom.place_tags[place_index]}
        own_topics = newsroom.section_tags[section_index]
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            tags.add(self.popular(own_topics if rng.random() < 0.75 else newsroom.general_tags))
        desk = newsroom.desks[section_index]
        authors = [rng.choice(desk)]
        for _ in range(rng.choices((0, 1, 2), weights=(70, 22, 8))[0]):
            colleague = rng.choice(newsroom.authors)
            if colleague not in authors:
                authors.append(colleague)

        written = (published_at or now - timedelta(days=rng.uniform(0, 60))) - timedelta(
            hours=rng.uniform(1, 72)
        )
        updated_at = correction = None
        if status == Article.Status.PUBLISHED and rng.random() < SHARE_UPDATED:
            updated_at = published_at + timedelta(hours=rng.uniform(0.5, 48))
            if updated_at > now:
                updated_at = None
            elif rng.random() < SHARE_CORRECTED / SHARE_UPDATED:
                correction = (
                    f"An earlier version of this article gave the wrong date for the "
                    f"{story['object']} vote in {story['place']}."
                )
        source = {}
        if rng.random() < SHARE_SYNDICATED:
            source = {
                "source_name": rng.choice(AGENCIES),
                "source_url": f"https://wire.example.org/story/{article_id}",
                "source_author": self.person(),
            }
        article = {
            "id": article_id,
            "headline": headline,
            "slug": f"{slugify(headline)[:180]}-{article_id}",
            "standfirst": self.standfirst(**story),
            "body": body,
            "body_text": html.body_text(body),
            "section_id": newsroom.sections[section_index].pk,
            "is_lead": status == Article.Status.PUBLISHED and rng.random() < SHARE_LEAD,
            "status": status,
            "published_at": published_at,
            "updated_at": updated_at,
            "correction": correction or "",
            "created_at": written,
            "modified_at": updated_at or written,
            "edit_version": rng.choice((0, 1, 1, 2, 3)) + (2 if updated_at else 0),
            "source_name": "",
            "source_url": "",
            "source_author": "",
            **source,
        }
        return article, authors, sorted(tags, key=lambda tag: tag.pk)

    def headline(self, *, place, subject, action, object, event, concern) -> str:
        base, past = action
        template = self.rng.randrange(8)
        if template == 0:
            text = f"{place} {subject} to {base} {object}"
        elif template == 1:
            text = f"{subject} in {place} {past} {object}"
        elif template == 2:
            text = f"{object} {past} after {event}"
        elif template == 3:
            text = f"{place}: {object} {past} after {event}"
        elif template == 4:
            text = f"What the {object} means for {place}"
        elif template == 5:
            text = f"{subject} {past} {object} amid fears of {concern}"
        elif template == 6:
            text = f"Inside the {object} dividing {place}"
        else:
            text = f"Why {place} {subject} want to {base} the {object}"
        return _capitalised(text)

    def standfirst(self, *, place, subject, action, object, event, concern) -> str:
        rng = self.rng
        text = (
            f"{_capitalised(subject)} in {place} say the {object} could "
            f"{rng.choice(words.EFFECTS)} {rng.choice(words.TIMEFRAMES)}, "
            f"but critics warn of {concern}."
        )
        if rng.random() < 0.4:
            text += f" The decision follows {event}."
        return text

    def paragraphs(self, *, place, subject, action, object, event, concern) -> list[str]:
        rng = self.rng
        weekday = rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
        opening = [
            f"The {subject} in {place} {action[1]} the {object} on {weekday} after {event}.",
            f"Supporters say it will {rng.choice(words.EFFECTS)} "
            f"{rng.choice(words.TIMEFRAMES)}; opponents point to {concern}.",
            f"“{rng.choice(words.QUOTES)},” said {self.person()}, "
            f"{rng.choice(words.ROLES)} for the {subject}.",
        ]
        paragraphs = [" ".join(opening[:2]), opening[2]]
        for _ in range(rng.randint(3, 7)):
            paragraphs.append(" ".join(rng.choices(self.sentences, k=rng.randint(2, 5))))
        return paragraphs

    def _pool_sentence(self) -> str:
        rng = self.rng
        nouns, adjectives = words.NOUNS, words.ADJECTIVES
        template = rng.randrange(6)
        if template == 0:
            return (
                f"The {rng.choice(adjectives)} {self.popular(nouns)} "
                f"{rng.choice(words.VERBS_PAST)} {rng.choice(words.PREPOSITIONS)} the "
                f"{rng.choice(adjectives)} {self.popular(nouns)} {rng.choice(words.TIMEFRAMES)}."
            )
        if template == 1:
            return (
                f"{_capitalised(rng.choice(words.SUBJECTS))} in {self.popular(words.PLACES)} "
                f"{rng.choice(words.VERBS_PAST)} that the {self.popular(nouns)} "
                f"{rng.choice(words.PREPOSITIONS)} the {self.popular(nouns)} was "
                f"{rng.choice(adjectives)}."
            )
        if template == 2:
            opinion = rng.choice(
                ("support the plan", "oppose the change", "had not heard of it", "want a vote")
            )
            return (
                f"According to the {rng.choice(adjectives)} {rng.choice(DOCUMENTS)}, "
                f"{rng.randint(5, 95)} per cent of residents in {self.popular(words.PLACES)} "
                f"{opinion}."
            )
        if template == 3:
            return (
                f"“{rng.choice(words.QUOTES)},” {rng.choice(('said', 'added', 'argued'))} "
                f"{self.person()}, {rng.choice(words.ROLES)}."
            )
        if template == 4:
            return (
                f"A {rng.choice(DOCUMENTS)} on the "
                f"{rng.choice(words.OBJECTS)} is expected {rng.choice(words.TIMEFRAMES)}."
            )
        return (
            f"The {self.popular(nouns)} has cost {rng.randint(2, 90)} million so far, "
            f"{rng.choice(('officials', 'auditors', 'the council', 'campaigners'))} "
            f"{rng.choice(words.VERBS_PAST)}."
        )
