"""A whole WordPress export imported (#10): the articles app's part (authors, terms, posts),
then each post's comments by the comments app's, which depends on it and not the reverse."""

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from articles.wordpress.importer import ArticleImport, Report
from articles.wordpress.wxr import Site, WPAuthor, WPTerm, read_export
from comments.wordpress import CommentImport

from .front_cache import purges_together


def import_export(
    source: BinaryIO,
    *,
    uploads: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import the export read from `source`; its report. `uploads`: the site's
    wp-content/uploads folder, where attached pictures are read from. `dry_run`: the same work,
    rolled back at the end, so the report says what a real run would do. `progress(bytes_read)`
    is called after each record."""
    report = Report()
    articles = comments = None
    with purges_together(), transaction.atomic() if dry_run else nullcontext():
        for record in read_export(source):
            if isinstance(record, Site):
                articles = ArticleImport(record, report, uploads)
                comments = CommentImport(articles.site, report)
            elif isinstance(record, WPAuthor):
                articles.author(record)
            elif isinstance(record, WPTerm):
                articles.term(record)
            elif record.post_type == "page":
                articles.page(record)
            elif record.post_type == "attachment":
                articles.attachment(record)
            elif record.post_type == "post":
                article = articles.post(record)
                if article is not None and record.comments:
                    comments.comments(record, article)
            else:
                report.skipped.append(
                    (record.post_type, f"#{record.id} “{record.title}”", "not imported yet")
                )
            if progress:
                progress(source.tell())
        if articles:
            articles.finish()
        if dry_run:
            transaction.set_rollback(True)
    return report
