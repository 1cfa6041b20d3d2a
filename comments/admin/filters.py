"""The moderation queue's filters beside Django's own: by article, editors' picks, the spam
filter's guess."""

from collections import Counter

from django.contrib import admin
from django.db.models import Q

from articles.models import Article
from newsportal.params import whole_number

from ..conf import setting
from ..models import Comment


class ArticleFilter(admin.SimpleListFilter):
    """The articles with the most of the latest waiting comments, and the one chosen (from the
    article list's "Pending" link, say).

    Django's RelatedOnlyFieldListFilter would list every article that has a comment: 100,000
    links at scale, found by a query over every comment (#8). Only the latest LOOKED_AT pending
    comments are looked at, so the filter costs the same however long the queue grows.
    """

    title = "article"
    parameter_name = "article__id__exact"
    SHOWN = 10
    LOOKED_AT = 500

    def lookups(self, request, model_admin):
        latest = Comment.objects.pending().order_by("-created_at", "-pk")
        # Busiest first; between equals, the one with the latest comment.
        waiting = dict(
            Counter(latest.values_list("article", flat=True)[: self.LOOKED_AT]).most_common(
                self.SHOWN
            )
        )
        chosen = whole_number(self.value())
        headlines = dict(
            Article.objects.filter(pk__in=[*waiting, chosen]).values_list("pk", "headline")
        )
        choices = [(pk, f"{headlines[pk]} ({waiting[pk]} pending)") for pk in waiting]
        if chosen in headlines and chosen not in waiting:
            choices.append((chosen, headlines[chosen]))
        return [(str(pk), label) for pk, label in choices]

    def queryset(self, request, queryset):
        chosen = whole_number(self.value())
        return queryset.filter(article_id=chosen) if chosen else queryset


class EditorsPickFilter(admin.SimpleListFilter):
    title = "editors' pick"
    parameter_name = "pick"

    def lookups(self, request, model_admin):
        return [("yes", "Editors' picks")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.featured()
        return queryset


class SpamLikelihoodFilter(admin.SimpleListFilter):
    """The spam filter's guesses in bands: the moderators' hold threshold is the upper one."""

    title = "spam filter's guess"
    parameter_name = "spam"
    FINE_BELOW = 0.3

    def lookups(self, request, model_admin):
        hold = setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
        return [
            ("likely", f"Likely spam ({hold:.0%} or more)"),
            ("unsure", f"Unsure ({self.FINE_BELOW:.0%} to {hold:.0%})"),
            ("fine", f"Likely fine (under {self.FINE_BELOW:.0%})"),
            ("none", "Not guessed"),
        ]

    def queryset(self, request, queryset):
        hold = setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
        bands = {
            "likely": Q(spam_likelihood__gte=hold),
            "unsure": Q(spam_likelihood__gte=self.FINE_BELOW, spam_likelihood__lt=hold),
            "fine": Q(spam_likelihood__lt=self.FINE_BELOW),
            "none": Q(spam_likelihood__isnull=True),
        }
        return queryset.filter(bands[self.value()]) if self.value() in bands else queryset
