"""Headers for files we serve as they are: static assets (whitenoise) and uploaded media.

A file opened directly in a tab is a document of its own: an SVG can carry script, and a file
whose type a browser guesses may be run as HTML. So each gets `nosniff` and a policy under which
it can show itself (styles, its own images) but run nothing, in a sandbox with no origin. Embedded
in our pages (<img>, <link>, <script src>) the files work as before: a subresource's own policy
does not apply to the page that loads it.

No Django imports: settings import this module for whitenoise.
"""

from functools import wraps

FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"


def add_file_headers(headers, path="", url=""):
    """Set the file headers on `headers` (whitenoise's add-headers hook has this signature)."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = FILE_POLICY


def with_file_headers(view):
    """A file-serving view (django.views.static.serve) whose responses carry the file headers."""

    @wraps(view)
    def serve_file(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_file_headers(response.headers)
        return response

    return serve_file
