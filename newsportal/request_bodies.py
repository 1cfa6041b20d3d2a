"""What a request body may be outside the admin: a small URL-encoded form, nothing else.

Readers send the site one kind of body, the comment form, and it is URL-encoded. Django would
otherwise parse whatever arrives as soon as anything reads `request.POST` (the CSRF check does,
before any view runs), streaming multipart file parts of any size to disk. This middleware runs
before that and refuses, without reading a byte, what no page of ours sends.
"""

import logging

from django.conf import settings
from django.urls import reverse

from . import errors

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


logger = logging.getLogger("django.security.request_bodies")


class PublicRequestBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = not request.path.startswith(reverse("admin:index"))
        if public and self._has_body(request) and (problem := self._problem(request)):
            logger.warning("%s %s: %s", request.method, request.path, problem)
            return errors.bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _has_body(request) -> bool:
        return (
            request.META.get("CONTENT_LENGTH", "") not in ("", "0")
            or "HTTP_TRANSFER_ENCODING" in request.META
        )

    @staticmethod
    def _problem(request) -> str:
        """Why this body is refused, or "" if it is a form of ours."""
        if request.content_type != FORM_CONTENT_TYPE:
            return f"a {request.content_type or 'untyped'} body; only forms are accepted here"
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "a body with a malformed length"
        if length > settings.PUBLIC_FORM_MAX_BYTES:
            return f"a {length}-byte form; at most {settings.PUBLIC_FORM_MAX_BYTES} are read"
        return ""
