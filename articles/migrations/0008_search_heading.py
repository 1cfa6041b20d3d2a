# A second, small search vector for ranking: the headline (weight A) and standfirst (B) only,
# stored beside search_document on PostgreSQL (#8).
#
# Matches are still found in the whole article (search_document and its GIN index); only their
# order comes from this one. Ranking every match by the whole vector read and scored each
# article's every word: 15 ms for a search matching 2,400 of 100,000 articles, against 6 ms
# with this vector of a few dozen words. A reader searching a news site wants the articles
# about their words first, then the newest, which is what the headline and standfirst say.
# Like search_document, the model does not declare it; articles/search.py reads it, and a
# migration that alters headline or standfirst must drop it first and add it again.

from django.db import migrations

ADD = """
ALTER TABLE articles_article ADD COLUMN search_heading tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(headline, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(standfirst, '')), 'B')
) STORED"""
REMOVE = "ALTER TABLE articles_article DROP COLUMN search_heading"


def add_search_heading(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def remove_search_heading(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_search_document"),
    ]

    operations = [
        migrations.RunPython(add_search_heading, remove_search_heading, elidable=False),
    ]
