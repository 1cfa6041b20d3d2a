"""Uploaded files, served by the site itself when no web server in front does it."""

from django.conf import settings
from django.http import Http404
from django.views.static import serve

from .served_files import with_file_headers

# No file system takes longer names (in bytes) for one file or folder.
NAME_MAX = 255


@with_file_headers
def media_file(request, path):
    """The file at `path` under MEDIA_ROOT; a path no stored file can have is simply not found
    (the file system would otherwise fail with "File name too long": a 500)."""
    if any(len(part.encode()) > NAME_MAX for part in path.split("/")):
        raise Http404("No such file.")
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # ENAMETOOLONG, ELOOP, EACCES...: nothing a reader can be given
        raise Http404("No such file.") from None
