"""A URLconf for tests: the site's own, plus pages that fail in each way an error page covers
(and uploaded files, for the browser).

Use with `@pytest.mark.urls("tests.error_triggers")`.
"""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from newsportal import errors
from newsportal.media import media_file
from newsportal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from newsportal.urls import urlpatterns as site_urlpatterns


def raising(exception):
    def view(request):
        raise exception

    return view


@csrf_protect
def protected_form(request):
    return HttpResponse("accepted")


def charset_refused(request):
    """The page Utf8TextMiddleware answers with (browsers cannot be made to trigger it)."""
    return errors.unreadable_text(request, errors.CHARSET_NOT_UTF8)


# The site's own media view at another address: the live server of browser tests serves
# MEDIA_URL itself, without the site's views or middleware.
urlpatterns = [
    path("trigger/media/<path:path>", require_safe(media_file)),
    path("trigger/bad-request/", raising(BadRequest("malformed"))),
    path("trigger/forbidden/", raising(PermissionDenied())),
    path("trigger/server-error/", raising(RuntimeError("something broke"))),
    path("trigger/csrf/", protected_form),
    path("trigger/charset/", charset_refused),
    *site_urlpatterns,
]
