from django.contrib import admin
from django.utils.html import format_html

from .models import Article, Author, Byline, Image, RelatedLink, Section, Tag


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["thumbnail", "width", "height"]

    @admin.display(description="Preview")
    def thumbnail(self, image):
        if not image.pk or not image.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="120" loading="lazy">',
            image.url_for_width(320),
            image.alt_text,
        )


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = "author in the byline"
    verbose_name_plural = "byline (in order)"


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["position", "target", "url", "title"]
    verbose_name_plural = "related links (editors' picks, in order)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "published_at", "is_lead"]
    list_filter = ["status", "section", "is_lead"]
    search_fields = ["headline", "standfirst", "body_text"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "featured_image"]
    inlines = [BylineInline, RelatedLinkInline]
    list_select_related = ["section"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "section", "tags"]}),
        ("Image", {"fields": ["featured_image"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "is_lead", "updated_at", "correction"]},
        ),
        (
            "Source (syndicated copy)",
            {
                "fields": ["source_name", "source_url", "source_author", "source_is_canonical"],
                "classes": ["collapse"],
            },
        ),
    ]
