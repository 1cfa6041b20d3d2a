from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView, TemplateView

from articles.sitemaps import SITEMAPS, news_sitemap
from articles.views import static_page

from .front_cache import shown_as
from .media import media_file

# Resolved at request time: the static manifest may not exist yet when URLs are imported.
lazy_static = lazy(static, str)

# Error pages that cannot fail again (no host, no database): see newsportal/errors.py.
handler400 = "newsportal.errors.bad_request"
handler403 = "newsportal.errors.permission_denied"
handler404 = "newsportal.errors.page_not_found"
handler500 = "newsportal.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # An index of the sitemaps (articles in pages: an archive outgrows one file).
    path(
        "sitemap.xml",
        require_safe(shown_as("latest", "sitemap")(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        require_safe(shown_as("latest", "sitemap")(news_sitemap)),
        name="news_sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        require_safe(shown_as("latest", "sitemap")(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        require_safe(
            shown_as("robots")(
                TemplateView.as_view(
                    template_name="robots.txt", content_type="text/plain; charset=utf-8"
                )
            )
        ),
        name="robots_txt",
    ),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's).
    path(
        "favicon.ico",
        require_safe(RedirectView.as_view(url=lazy_static("img/favicon.png"), permanent=True)),
    ),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            require_safe(media_file),
        )
    ]

# Last: an address no other page has may be an editor's page, "About us" at /about/ (#10).
urlpatterns += [path("<path:path>", require_safe(static_page), name="page")]
