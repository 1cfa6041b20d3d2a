import time

from django.core.management.base import BaseCommand, CommandError

from articles.generate import generate_articles
from articles.models import Article, Author, Byline, Section, Tag
from comments.generate import NothingToCommentOn, generate_comments
from comments.models import Comment
from newsportal.bulk_load import analyse


def analyse_generated() -> None:
    """Planner statistics (and, outside a transaction, the visibility map) for every table the
    generators fill: the newsroom's small tables too, which autovacuum may never analyse."""
    analyse(Section, Tag, Author, Article, Byline, Article.tags.through, Comment)


class ProgressBar:
    """One line, redrawn in place ("\\r"), at most once a percent."""

    WIDTH = 30

    def __init__(self, stdout, label: str, *, enabled: bool = True):
        self.stdout = stdout
        self.label = label
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = None

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if not self.enabled or percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.monotonic() - self.started
        self.stdout.write(
            f"\r  {self.label:<9}[{bar}] {percent:3d}%  {done:,}/{total:,}  {elapsed:.0f} s",
            ending="\n" if done >= total else "",
        )
        self.stdout.flush()


class Command(BaseCommand):
    help = (
        "Add generated articles (in a dozen sections, with a few hundred tags and authors) and "
        "threaded comments, by bulk inserts: for scale tests and benchmarks. Additive: every "
        "run adds more; the same --seed on the same database adds the same content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles.")
        parser.add_argument("--comments", type=int, default=10000, help="How many comments.")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same content.")
        parser.add_argument(
            "--years", type=int, default=5, help="Publication times spread over this many years."
        )

    def handle(self, *args, articles, comments, seed, years, verbosity, **options):
        if articles < 0 or comments < 0 or years < 1:
            raise CommandError("--articles and --comments must be 0 or more, --years 1 or more.")
        started = time.monotonic()
        show = verbosity > 0
        if articles:
            run = generate_articles(
                count=articles,
                seed=seed,
                years=years,
                progress=ProgressBar(self.stdout, "articles", enabled=show),
            )
            if show:
                self.stdout.write(f"  {run}")
        if comments:
            try:
                run = generate_comments(
                    count=comments,
                    seed=seed,
                    progress=ProgressBar(self.stdout, "comments", enabled=show),
                )
            except NothingToCommentOn as error:
                raise CommandError(f"{error} Add some with --articles.") from error
            if show:
                self.stdout.write(f"  {run}")
        if show:
            self.stdout.write(f"  stored in {time.monotonic() - started:.1f} s")
        analyse_generated()
        if show:
            self.stdout.write(
                self.style.SUCCESS(f"Generated in {time.monotonic() - started:.1f} s.")
            )
