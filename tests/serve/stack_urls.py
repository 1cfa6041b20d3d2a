"""The site's URLs plus test pages with each kind of caching answer the front cache must handle
(until every real page says its own), each rendering a fresh token so a test can tell a cached
copy from a new rendering."""

import json
import tempfile
import uuid
from pathlib import Path

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.spam import client_ip
from newsportal.urls import (  # noqa: F401  (the error handlers of the site)
    handler400,
    handler403,
    handler404,
    handler500,
)
from newsportal.urls import urlpatterns as site_urlpatterns

CACHING = {
    # What the site's public pages send (issue #8).
    "shared": {"Cache-Control": "public, max-age=5, s-maxage=300, stale-while-revalidate=30"},
    # Rendered 100 s ago (as an upstream cache would say): 40 s stale when it arrives, past
    # its stale-while-revalidate or within it.
    "stale": {"Cache-Control": "public, s-maxage=60, stale-while-revalidate=30", "Age": "100"},
    "stale-revalidating": {
        "Cache-Control": "public, s-maxage=60, stale-while-revalidate=300",
        "Age": "100",
    },
    # Shared, but only until the next request.
    "zero-lifetime": {"Cache-Control": "public, s-maxage=0"},
    "private": {"Cache-Control": "private, max-age=0"},
    "no-store": {"Cache-Control": "no-store"},
    "public-with-cookie": {"Cache-Control": "public, s-maxage=300", "Set-Cookie": "seen=1"},
    "unmarked": {},
}


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def test_page(request, caching, key):
    rendering = {
        "render": uuid.uuid4().hex,
        "method": request.method,
        "cookies": sorted(request.COOKIES),
        "secure": request.is_secure(),
        "client_ip": client_ip(request),
        "query": request.GET.urlencode(),
        "body": request.body.decode() if request.method == "POST" else "",
    }
    response = HttpResponse(json.dumps(rendering), content_type="application/json")
    for header, value in CACHING[caching].items():
        response[header] = value
    response["xkey"] = f"{key} test-pages"
    return response


# A test makes the page of `key` fail (as a page whose database is down does) by creating
# FAILING / key: the stack's workers are other processes, so the switch is a file.
FAILING = Path(tempfile.gettempdir()) / "newsportal-stack-failing"


@require_http_methods(["GET", "HEAD"])
def failing_page(request, key):
    """A shared page already past its stale-while-revalidate (as "stale"), or a 503 once its
    switch is on."""
    if (FAILING / key).exists():
        response = HttpResponse("database down", status=503, content_type="text/plain")
        response["Retry-After"] = "10"
        response["Cache-Control"] = "no-store"
        return response
    return test_page(request, "stale", key)


urlpatterns = [
    path("_test/failing/<str:key>/", failing_page),
    path("_test/<str:caching>/<str:key>/", test_page),
    *site_urlpatterns,
]
