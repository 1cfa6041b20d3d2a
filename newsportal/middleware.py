"""Site-wide request hygiene, before sessions, CSRF or any view: which methods the site answers,
and that the text it is sent is UTF-8."""

import codecs
import inspect
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, UnreadablePostError
from django.urls import Resolver404, resolve

from . import errors

# What any view of ours takes; each may narrow it (reader pages are `require_safe`, the comment
# endpoint `require_POST`). The admin takes all three.
SERVED_METHODS = ("GET", "HEAD", "POST")


def methods_served(path: str) -> list[str]:
    """The methods the view at `path` answers, for an Allow header."""
    try:
        view = resolve(path).func
    except Resolver404:
        return list(SERVED_METHODS)
    # Django's require_http_methods (require_safe, require_POST…) keeps its list in the closure
    # of the function it returns; look through any decorators wrapped around it.
    layer = view
    while layer is not None:
        if inspect.isfunction(layer):
            declared = inspect.getclosurevars(layer).nonlocals.get("request_method_list")
            if declared:
                return [method for method in SERVED_METHODS if method in declared]
        layer = getattr(layer, "__wrapped__", None)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        named = {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
        return [method for method in SERVED_METHODS if method in named]
    return list(SERVED_METHODS)


class HttpMethodsMiddleware:
    """Answer only the methods the site serves, without rendering any page for the others.

    GET, HEAD and POST go on to the view. OPTIONS gets an empty answer whose Allow header names
    the methods of the addressed page. Anything else (TRACE, CONNECT, PUT, PATCH, DELETE,
    WebDAV's PROPFIND, made-up methods) gets an empty 405 with the same Allow header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SERVED_METHODS:
            return self.get_response(request)
        allowed = [*methods_served(request.path_info), "OPTIONS"]
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(allowed)
            return response
        return HttpResponseNotAllowed(allowed)


URLENCODED = "application/x-www-form-urlencoded"
# Python's names for the character sets we read as UTF-8 (ASCII is a subset of it).
UTF8_CODECS = ("utf-8", "ascii")


def declared_charsets(content_type: str) -> list[str]:
    """Every charset parameter of a Content-Type header, duplicates and RFC 2231 forms included."""
    charsets = []
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        name = name.strip().lower()
        if name == "charset":
            charsets.append(value.strip().strip('"'))
        elif name.startswith("charset*"):
            # charset*=utf-8''iso-2022-jp: the value follows the second quote.
            charsets.append(value.strip().rsplit("'", 1)[-1])
    return charsets


def is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in UTF8_CODECS
    except (LookupError, ValueError, TypeError):
        return False


def declares_other_charset(content_type: str) -> bool:
    return not all(is_utf8(charset) for charset in declared_charsets(content_type))


def without_charset(content_type: str) -> str:
    kind, *parameters = content_type.split(";")
    return ";".join([kind, *(p for p in parameters if not p.strip().lower().startswith("charset"))])


# Where utf8_only_wsgi keeps a Content-Type it took a charset out of (a WSGI environ key: no
# header can set it).
DECLARED_CONTENT_TYPE = "newsportal.declared_content_type"


def utf8_only_wsgi(application):
    """WSGI wrapper for what Utf8TextMiddleware cannot reach.

    Django decodes the query string in the declared charset while it builds the request, before
    any middleware runs, and fails outright on some (rot13, base64, `undefined`, idna): the WSGI
    server answers with its own 500. A request declaring any charset but UTF-8 goes to Django
    without it, the declaration kept aside for the middleware to refuse with our 400 page.
    """

    def guarded(environ, start_response):
        content_type = environ.get("CONTENT_TYPE", "")
        if declares_other_charset(content_type):
            environ = {
                **environ,
                "CONTENT_TYPE": without_charset(content_type),
                DECLARED_CONTENT_TYPE: content_type,
            }
        return application(environ, start_response)

    return guarded


def urlencoded_is_utf8(body: bytes) -> bool:
    """Are the raw bytes, and every percent-decoded name and value, valid UTF-8?"""
    try:
        text = body.decode("utf-8")
        parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:
        return False
    except ValueError:
        # Too many fields: Django refuses the form itself when it is read.
        return True
    return True


class Utf8TextMiddleware:
    """Refuse, with a clear 400 page, text the site could only misread.

    Browsers send our forms as UTF-8 (every page is UTF-8), so this answers scripts and
    misconfigured clients only. Django would otherwise decode a body in the charset its
    Content-Type names (or fail on one that is not a text codec, such as rot13), and decodes
    a urlencoded body that is not UTF-8 as ISO-8859-1: the text would be stored as mojibake.

    - A Content-Type whose charset is anything but UTF-8 (or ASCII, a subset of it) is refused,
      on any request: Django decodes even the query string with it (see utf8_only_wsgi for the
      charsets it cannot even build a request with). A UTF-8 alias (utf8, us-ascii) is read as
      UTF-8.
    - A urlencoded POST body must be valid UTF-8, raw and after percent-decoding. Bodies over
      DATA_UPLOAD_MAX_MEMORY_SIZE are left to Django, which refuses them unread; multipart
      bodies are never read here (file uploads stream to disk).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get(DECLARED_CONTENT_TYPE) or request.META.get(
            "CONTENT_TYPE", ""
        )
        if declares_other_charset(content_type):
            return errors.unreadable_text(request, errors.CHARSET_NOT_UTF8)
        if declared_charsets(content_type):
            request.encoding = "utf-8"
        if self._urlencoded_body_to_check(request):
            try:
                body = request.body
            except UnreadablePostError:
                # The client went away mid-body (or its body was cut short).
                return errors.bad_request(request)
            if not urlencoded_is_utf8(body):
                return errors.unreadable_text(request, errors.BYTES_NOT_UTF8)
        return self.get_response(request)

    @staticmethod
    def _urlencoded_body_to_check(request) -> bool:
        if request.method != "POST" or request.content_type != URLENCODED:
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return limit is None or length <= limit
