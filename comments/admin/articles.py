"""The comments app's part of the article admin: its policy inline and comment counts."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import ArticleAdmin as BaseArticleAdmin
from articles.models import Article

from ..models import ArticleCommentPolicy, Comment


class CommentPolicyInline(admin.StackedInline):
    model = ArticleCommentPolicy
    can_delete = False
    max_num = 1
    verbose_name = "comments on this article"
    verbose_name_plural = "comments on this article (empty: the site default)"


# The comments app adds its policy to the article form; articles itself knows nothing of it.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(BaseArticleAdmin):
    inlines = [*BaseArticleAdmin.inlines, CommentPolicyInline]
    list_display = [*BaseArticleAdmin.list_display, "pending_comments", "approved_comments"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_comment_count=Comment.objects.count_per_article(Comment.Status.PENDING),
                approved_comment_count=Comment.objects.count_per_article(Comment.Status.APPROVED),
            )
        )

    @admin.display(description="Pending", ordering="pending_comment_count")
    def pending_comments(self, article):
        if not article.pending_comment_count:
            return 0
        return format_html(
            '<a href="{}?status__exact=pending&article__id__exact={}">{}</a>',
            reverse("admin:comments_comment_changelist"),
            article.pk,
            article.pending_comment_count,
        )

    @admin.display(description="Comments", ordering="approved_comment_count")
    def approved_comments(self, article):
        return article.approved_comment_count
