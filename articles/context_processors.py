from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsportal.fragments import cached_by_keys
from newsportal.params import whole_number

from .meta import absolute_url
from .models import Section
from .search import clean_query


def site(request):
    """What every page's frame needs: site name, section navigation, canonical URL, search box."""
    canonical = absolute_url(request, request.path)
    page = whole_number(request.GET.get("page"))
    if page and page > 1:
        canonical += f"?page={page}"
    match = request.resolver_match
    return {
        "site_name": settings.SITE_NAME,
        "nav_sections": SimpleLazyObject(
            lambda: cached_by_keys(
                "nav-sections", ["sections"], lambda: list(Section.objects.all()), 60 * 60
            )
        ),
        "canonical_url": canonical,
        "search_query": clean_query(request.GET.get("q", ""))
        if match and match.url_name == "search"
        else "",
        "current_section_slug": "",
    }
