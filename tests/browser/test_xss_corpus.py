"""An XSS corpus in Chromium (#7): every classic payload in every field a guest or an editor
controls, on every page that shows that field, to readers, to the commenter and in the admin.

Each placement gets a number of its own, which its payload passes to alert() or console.log()
("xss-<number>"), so a failure names the field and the payload. Pages are opened with the
site's Content Security Policy in force, as in production; a page fails if a dialog opens, the
console mentions a number, a CSP violation is reported (our pages cause none of their own, so
any is an injected script or handler the policy stopped), or the page holds markup only an
injection could have written (an event-handler attribute, an inline script without the page's
nonce, a script URL, an iframe/object/embed/base/math element, a client-side template evaluated).

The corpus is rotated over the objects: batch b puts payload (b + i) into field i, so with as
many batches as payloads every payload lands in every field once, and each page load checks a
whole batch at a time.
"""

import json
import re
from dataclasses import dataclass, field
from html import unescape
from importlib import import_module
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Article, RelatedLink
from articles.search import clean_query
from comments import services
from comments.models import Comment
from comments.session import OWN_COMMENTS_KEY
from tests import hostile_tally
from tests.browser.conftest import log_in, open_tab
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    jpeg_bytes,
    superuser,
)
from tests.hostile_html import XML_ELEMENTS

pytestmark = pytest.mark.browser

# {n} is the placement's number. Each runs alert(n) or logs "xss-n" if it ever executes.
PAYLOADS = [
    "<script>alert({n})</script>",
    "<img src=x onerror=alert({n})>",
    '"><svg onload=alert({n})>',
    "'><svg onload=alert({n})>",
    "</script><script>alert({n})</script>",
    "</title><script>alert({n})</script>",
    "</textarea><img src=x onerror=alert({n})>",
    '<iframe srcdoc="<script>parent.alert({n})</script>">',
    "<details open ontoggle=alert({n})>",
    "<input autofocus onfocus=alert({n})>",
    '<a href="javascript:alert({n})">x</a>',
    "javascript:alert({n})",
    "<svg><script>alert({n})</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})>",
    '<noscript><p title="</noscript><img src=x onerror=alert({n})>">',
    "<IMG SRC=x OnErRoR=console.log('xss-{n}')>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;{n}&#41;>",
    '" autofocus onfocus="alert({n})',
    "' autofocus onfocus='alert({n})",
    "--><script>alert({n})</script><!--",
    "]]><script>alert({n})</script>",
    '<meta http-equiv=refresh content="0;url=javascript:alert({n})">',
    '<base href="javascript:alert({n})//">',
    "\\u003cimg src=x onerror=alert({n})\\u003e",
    "&lt;img src=x onerror=alert({n})&gt;",
    "{{{{{n}*7}}}}${{{n}*7}}#{{{n}*7}}",
    "{{{{constructor.constructor('alert({n})')()}}}}",
    "\u202e<img src=x onerror=alert({n})>\u200b",
]
# For URL fields, which the form (guests) or the admin (editors) validates: these pass as web
# addresses but would break out of an unescaped attribute; the script ones are refused.
URL_PAYLOADS = [
    'https://example.org/?q="><svg/onload=alert({n})>',
    "https://example.org/'onmouseover='alert({n})'",
    "https://example.org/#</script><script>alert({n})</script>",
    "https://example.org/?{{{{{n}*7}}}}",
    "javascript:alert({n})",
    "JaVaScRiPt:console.log('xss-{n}')",
    "data:text/html,<script>alert({n})</script>",
    "https://example.org/\u202e<img/src=x/onerror=alert({n})>",
]
TEMPLATE_PAYLOADS = {PAYLOADS[25], URL_PAYLOADS[3]}
FIRST_NUMBER = 700_001  # times seven is seven digits: no date or count on a page looks like it

GUEST_FIELDS = ["comment name", "comment body", "comment website", "comment email", "user agent"]
EDITOR_FIELDS = [
    "headline", "standfirst", "body", "correction", "source name", "source url", "source author",
    "section name", "section description", "tag name", "author name", "author bio",
    "image alt text", "image caption", "image credit", "related link title", "related link url",
]  # fmt: skip
URL_FIELDS = {"comment website", "comment website (posted)", "source url", "related link url"}
BATCHES = len(PAYLOADS)


@dataclass
class Placement:
    number: int
    field: str
    payload: str
    stored: bool = True


@dataclass
class Corpus:
    """Which number went into which field with which payload."""

    placements: dict[int, Placement] = field(default_factory=dict)

    def value(self, field_name: str, batch: int, offset: int = 0) -> str:
        payloads = URL_PAYLOADS if field_name in URL_FIELDS else PAYLOADS
        number = FIRST_NUMBER + len(self.placements)
        payload = payloads[(batch + offset) % len(payloads)]
        self.placements[number] = Placement(number, field_name, payload)
        return payload.format(n=number)

    def refuse(self, field_name: str, value: str) -> None:
        """The field's validation refused the value: it never reached a page."""
        for placement in self.placements.values():
            if placement.field == field_name and str(placement.number) in value:
                placement.stored = False

    def explain(self, problem: str) -> str:
        numbers = {int(found) for found in re.findall(r"\d{6,7}", problem)}
        numbers |= {n for n in self.placements if str(n * 7) in problem}
        named = [
            f"{self.placements[n].field} ← {self.placements[n].payload!r}"
            for n in sorted(numbers)
            if n in self.placements
        ]
        return f"{problem} [{'; '.join(named)}]" if named else problem


# Recorded in every page before its own scripts run.
WATCH_SCRIPT = """
window.__hostile = [];
document.addEventListener("securitypolicyviolation", (event) => {
  if (event.target && event.target.id === "xml-viewer-style") return;  // Chromium's own
  const target = event.target && event.target.outerHTML ? event.target.outerHTML : "";
  window.__hostile.push(
    `CSP ${event.violatedDirective} blocked ${event.blockedURI} ${event.sample} `
    + target.slice(0, 200));
}, true);
"""
# What only an injection could have put on the page (arguments: the template numbers to look
# for, as numbers times seven).
INJECTED_JS = """
evaluated => {
  const problems = [];
  const never = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "math", "marquee", "portal", "noembed"]);
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data"]);
  const executable = new Set(["", "text/javascript", "module", "application/javascript"]);
  const describe = e => e.outerHTML.slice(0, 160);
  for (const e of document.querySelectorAll("*")) {
    const tag = e.tagName.toLowerCase();
    if (never.has(tag)) problems.push(`<${tag}> element: ${describe(e)}`);
    if (tag === "meta" && e.httpEquiv) problems.push(`meta refresh: ${describe(e)}`);
    if (tag === "script") {
      const source = e.getAttribute("src") || e.getAttribute("href") || "";
      const type = (e.getAttribute("type") || "").toLowerCase();
      if (source && new URL(source, location.href).origin !== location.origin) {
        problems.push(`script from elsewhere: ${describe(e)}`);
      } else if (!source && !e.nonce && executable.has(type)) {
        problems.push(`inline script without the page's nonce: ${describe(e)}`);
      }
    }
    for (const a of e.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`${a.name} handler: ${describe(e)}`);
      const value = a.value.replace(/[\\t\\n\\r]/g, "").replace(/^[\\x00-\\x20]+/, "");
      if (urlAttributes.has(name) && /^(javascript|vbscript|data|livescript):/i.test(value)) {
        problems.push(`script URL in ${a.name}: ${describe(e)}`);
      }
    }
  }
  const text = document.documentElement.textContent;
  for (const product of evaluated) {
    if (text.includes(String(product))) problems.push(`template evaluated to ${product}`);
  }
  return problems.concat(window.__hostile || []);
}
"""


@pytest.fixture(autouse=True)
def _quick_commenters(settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 10**6


@dataclass
class Scene:
    corpus: Corpus
    articles: list[Article]
    own_comment_ids: list[int]
    problems: list[str] = field(default_factory=list)
    pages: int = 0


def _validated(corpus: Corpus, field_name: str, value: str, validate) -> str:
    """The value if the field's validation (the form's, the admin's) accepts it, else ""."""
    try:
        validate(value)
    except ValidationError:
        corpus.refuse(field_name, value)
        return ""
    return value


def _build(corpus: Corpus) -> Scene:
    """One article per batch, with its section, tag, author, picture, related link and two
    comments (one approved, one pending), every field carrying the batch's payloads."""
    small_jpeg = jpeg_bytes(64, 36)
    url_field = Article._meta.get_field("source_url")
    email_validator = EmailValidator()
    articles, own = [], []
    for batch in range(BATCHES):

        def value(field_name, offset=0, batch=batch):
            return corpus.value(field_name, batch, offset)

        section = SectionFactory(
            name=value("section name")[:80],
            slug=f"section-{batch}",
            description=value("section description"),
        )
        tag = TagFactory(name=value("tag name")[:80], slug=f"tag-{batch}")
        author = AuthorFactory(
            name=value("author name"), slug=f"author-{batch}", bio=value("author bio")
        )
        image = ImageFactory(
            file=ContentFile(small_jpeg, name=f"corpus-{batch}.jpg"),
            alt_text=value("image alt text"),
            caption=value("image caption"),
            credit=value("image credit"),
        )
        article = ArticleFactory(
            headline=value("headline"),
            slug=f"corpus-{batch}",
            standfirst=value("standfirst"),
            body=f"<p>Corpus batch {batch}.</p>{value('body')}",  # sanitised by the model
            correction=value("correction"),
            source_name=value("source name"),
            source_url=_validated(
                corpus, "source url", value("source url"), url_field.run_validators
            ),
            source_author=value("source author"),
            section=section,
            featured_image=image,
            is_lead=batch == 0,
            tags=[tag],
            authors=[author],
        )
        link_url = _validated(
            corpus, "related link url", value("related link url"), url_field.run_validators
        )
        RelatedLink.objects.create(
            article=article,
            url=link_url or f"https://example.org/related-{batch}",
            title=value("related link title"),
        )
        # The guest fields, through the service the comment form uses (the second comment's
        # payloads are half the corpus further on, so both comments differ).
        for offset, status in (
            (0, Comment.Status.APPROVED),
            (BATCHES // 2, Comment.Status.PENDING),
        ):
            # A quoted local part may hold "<", ">" and brackets, but no space or quote.
            email = f'"{value("comment email", offset)}"@example.org'
            email = _validated(corpus, "comment email", email, email_validator)
            comment = _submit(
                corpus,
                article=article,
                name=value("comment name", offset),
                email=email or f"reader-{batch}-{offset}@example.org",
                url=_validated(
                    corpus, "comment website", value("comment website", offset), _comment_url_check
                ),
                body=value("comment body", offset),
                user_agent=value("user agent", offset),
            )
            if status == Comment.Status.APPROVED:
                services.comment_moderate(comment=comment, to_status=Comment.Status.APPROVED)
            else:
                own.append(comment.pk)
        articles.append(article)
    return Scene(corpus, articles, own)


COMMENT_FIELDS = {
    "name": "comment name",
    "email": "comment email",
    "url": "comment website",
    "body": "comment body",
    "user_agent": "user agent",
}


def _submit(corpus: Corpus, **fields) -> Comment:
    """A comment through the service the form uses; a field it refuses is replaced by plain
    words (and counted as refused), so the comment's other payloads still get on the pages."""
    try:
        return services.comment_submit(ip_address="192.0.2.10", **fields)
    except ValidationError as error:
        refused = getattr(error, "message_dict", {})
        if not set(refused) <= set(COMMENT_FIELDS) or not refused:
            raise
        for name in refused:
            corpus.refuse(COMMENT_FIELDS[name], fields[name])
            fields[name] = "" if name == "url" else f"Plain {name} {len(corpus.placements)}"
        if "email" in refused:
            fields["email"] = f"plain-{len(corpus.placements)}@example.org"
        return services.comment_submit(ip_address="192.0.2.10", **fields)


def _comment_url_check(value: str) -> None:
    Comment(url=value).clean_fields(
        exclude=[f.name for f in Comment._meta.fields if f.name != "url"]
    )


def _watch(tab, scene: Scene) -> None:
    tab.add_init_script(script=WATCH_SCRIPT)
    tab.on(
        "dialog",
        lambda dialog: (scene.problems.append(f"dialog {dialog.message!r}"), dialog.dismiss()),
    )

    def on_console(message):
        if "xss-" in message.text or "Content Security Policy" in message.text:
            if "inline style" in message.text and _shows_xml(tab):
                return  # Chromium's own XML viewer stylesheet, which our CSP refuses
            scene.problems.append(f"{tab.url}: console: {message.text[:200]}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: scene.problems.append(f"page error: {error}"))


def _evaluated_products(scene: Scene) -> list[int]:
    return [
        n * 7
        for n, placement in scene.corpus.placements.items()
        if placement.payload in TEMPLATE_PAYLOADS
    ]


def _check(tab, scene: Scene, url: str) -> None:
    """Open one page and record everything that says an input ran or became markup."""
    response = tab.goto(url)
    if response is None or response.status >= 400:
        scene.problems.append(f"{url}: status {response.status if response else None}")
    _inspect(tab, scene, url)


def _inspect(tab, scene: Scene, where: str) -> None:
    """Record what the page, as it is now, says about inputs that ran or became markup."""
    scene.pages += 1
    before = len(scene.problems)
    scene.problems.extend(tab.evaluate(INJECTED_JS, _evaluated_products(scene)))
    scene.problems[before:] = [
        f"{where}: {scene.corpus.explain(problem)}" for problem in scene.problems[before:]
    ]


def _shows_xml(tab) -> bool:
    return tab.url.endswith((".xml", "/rss/", "/atom/"))


def _send(tab) -> int:
    """Post the comment form as the page's script does; the answer's status."""
    form = tab.locator("form#comment-form")
    form.evaluate("form => { form.dataset.sent = 'yes'; }")  # a returned form comes without
    with tab.expect_response(lambda response: "/comments/post/" in response.url) as answer:
        form.get_by_role("button", name="Post Comment").click()
    return answer.value.status


def _post_through_the_page(tab, scene: Scene, url: str) -> None:
    """A commenter posts with the page's script (three payloads a post: text, name, website):
    first with a bad address, so the form comes back and the script puts it in place with the
    payloads as values; then corrected, so the script puts the new comment in place."""
    tab.goto(url)
    posts = range(0, len(PAYLOADS), 4)
    for batch in posts:
        typed = {
            "comment": scene.corpus.value("comment body (posted)", batch),
            "name": scene.corpus.value("comment name (posted)", batch, 1),
            "url": scene.corpus.value("comment website (posted)", batch),
        }
        form = tab.locator("form#comment-form")
        for name, value in typed.items():
            form.locator(f"[name={name}]").fill(value)
        form.locator("[name=email]").fill("not an address")
        _send(tab)
        tab.locator("form#comment-form:not([data-sent])").wait_for()
        _inspect(tab, scene, f"{url} (form returned)")
        form = tab.locator("form#comment-form")
        for name, value in typed.items():
            if form.locator(f"[name={name}]").input_value() != value:
                scene.problems.append(scene.corpus.explain(f"returned form lost {name} {value!r}"))
        form.locator("[name=email]").fill(f"poster-{batch}@example.org")
        if not typed["url"].startswith("https:"):
            form.locator("[name=url]").fill("")  # refused, as the first answer said
        pending = tab.locator("li.comment-pending")
        count = pending.count()
        if _send(tab) != 200:  # refused: a name the site does not accept
            tab.locator("form#comment-form:not([data-sent])").wait_for()
            _inspect(tab, scene, f"{url} (form returned)")
            continue
        expect(pending).to_have_count(count + 1)
        _inspect(tab, scene, f"{url} (comment posted)")
        shown = pending.last.locator(".comment-author").inner_text()
        if " ".join(shown.split()) != " ".join(typed["name"].split()):
            scene.problems.append(scene.corpus.explain(f"posted name shown as {shown!r}"))
    hostile_tally.count("browser, reader pages: payloads posted through the page", 3 * len(posts))


@pytest.fixture
def reader_tab(browser):
    yield from open_tab(browser)


@pytest.fixture
def admin_tab(browser):
    yield from open_tab(browser)


@pytest.fixture
def scene(live_server):
    corpus = Corpus()
    return _build(corpus)


def _count_placements(scene: Scene, audience: str) -> None:
    """The payloads this test put on its pages, by who controls the field."""
    for kind, fields in (("guest", GUEST_FIELDS), ("editor", EDITOR_FIELDS)):
        stored = [p for p in scene.corpus.placements.values() if p.field in fields and p.stored]
        hostile_tally.count(f"browser, {audience}: payloads stored in {kind} fields", len(stored))


def _count_refusals(scene: Scene) -> None:
    """Payloads the fields' validation refused (script URLs, addresses with spaces)."""
    for kind, fields in (("guest", GUEST_FIELDS), ("editor", EDITOR_FIELDS)):
        refused = [
            p for p in scene.corpus.placements.values() if p.field in fields and not p.stored
        ]
        hostile_tally.count(f"browser: payloads refused by {kind} field validation", len(refused))


def _session_cookie(live_server, comment_ids: list[int]) -> dict:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[OWN_COMMENTS_KEY] = comment_ids
    store.save()
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": store.session_key,
        "url": live_server.url,
    }


def test_no_payload_runs_or_becomes_markup_on_reader_pages_and_feeds(
    live_server, reader_tab, scene
):
    """Readers, and the commenter who wrote the pending comments, see every payload as text on
    the home page, article pages, section, tag, author and search pages; feeds carry it as
    text; JSON-LD carries it as data."""
    reader_tab.context.add_cookies([_session_cookie(live_server, scene.own_comment_ids)])
    _watch(reader_tab, scene)
    site = live_server.url
    _count_placements(scene, "reader pages")
    _count_refusals(scene)

    pages = ["/", "/?page=2", "/?page=3", "/search/?q=Corpus", "/search/?q=Corpus&page=2",
             "/search/?q=Corpus&page=3"]  # fmt: skip
    for article in scene.articles:
        pages += [
            article.get_absolute_url(),
            article.section.get_absolute_url(),
            article.tags.get().get_absolute_url(),
            article.byline_authors[0].get_absolute_url(),
        ]
    for path in pages:
        _check(reader_tab, scene, f"{site}{path}")
        if path.startswith("/news/"):
            _check_comments_and_json_ld(reader_tab, scene, path)

    # What a reader types into search comes back in the box and the heading.
    for payload in PAYLOADS:
        query = scene.corpus.value("search query", PAYLOADS.index(payload))
        reader_tab.locator("#site-search").fill(query)
        with reader_tab.expect_navigation():
            reader_tab.locator("#site-search").press("Enter")
        _inspect(reader_tab, scene, f"search for {query!r}")
        shown = reader_tab.locator("#site-search").input_value()
        if shown != clean_query(query):
            scene.problems.append(scene.corpus.explain(f"search box shows {shown!r}"))
    hostile_tally.count("browser, reader pages: payloads typed into search", len(PAYLOADS))

    try:
        _post_through_the_page(reader_tab, scene, f"{site}{scene.articles[0].get_absolute_url()}")
    except PlaywrightError as error:
        scene.problems.append(f"posting through the page failed: {error.message[:300]}")

    for path in ("/feeds/rss/", "/feeds/atom/", "/sitemap-news.xml"):
        _check(reader_tab, scene, f"{site}{path}")
        _check_xml(reader_tab, scene, f"{site}{path}")
    for article in scene.articles:
        for kind in ("rss", "atom"):
            _check_xml(reader_tab, scene, f"{site}{article.section.get_absolute_url()}{kind}/")

    hostile_tally.note("browser, reader pages: pages checked", scene.pages)
    assert not scene.problems, "\n".join(scene.problems)


# A comment's name and text as the page shows them (read at once: an injection may have broken
# the item's structure, and nothing should wait for it).
COMMENT_TEXT_JS = """
id => {
  const item = document.getElementById(`comment-${id}`);
  if (!item) return null;
  const text = selector => {
    const element = item.querySelector(selector);
    return element ? element.innerText : null;
  };
  return {name: text(".comment-author"), body: text(".comment-body")};
}
"""


def _check_comments_and_json_ld(tab, scene: Scene, path: str) -> None:
    """The article's comments show their text as stored; replying names the commenter as
    typed; the JSON-LD holds the editors' fields as data."""
    article = next(a for a in scene.articles if a.get_absolute_url() == path)
    comments = Comment.objects.filter(article=article)
    for comment in comments:
        shown = tab.evaluate(COMMENT_TEXT_JS, comment.pk)
        if shown is None:
            scene.problems.append(f"{path}: comment {comment.pk} ({comment.status}) not shown")
            continue
        for key, value in shown.items():
            if " ".join((value or "").split()) != " ".join(getattr(comment, key).split()):
                scene.problems.append(
                    scene.corpus.explain(f"{path}: comment {key} shown as {value!r}")
                )
        reply = tab.locator(f"li#comment-{comment.pk} .comment-reply")
        if comment.status == Comment.Status.APPROVED and reply.count():
            # The page's script writes "Reply to <name>" into the form's heading.
            try:
                reply.first.click(timeout=2_000)
                heading = tab.locator("[data-respond-heading]").inner_text(timeout=2_000)
            except PlaywrightError as error:
                heading = f"(none: {error.message.splitlines()[0]})"
            if " ".join(heading.split()) != " ".join(f"Reply to {comment.name}".split()):
                scene.problems.append(scene.corpus.explain(f"{path}: reply heading {heading!r}"))
            scene.problems.extend(
                f"{path} (replying): {scene.corpus.explain(problem)}"
                for problem in tab.evaluate(INJECTED_JS, _evaluated_products(scene))
            )
    scripts = tab.locator('script[type="application/ld+json"]')
    for index in range(scripts.count()):
        text = scripts.nth(index).evaluate("e => e.textContent")
        try:
            schema = json.loads(text)
        except ValueError as error:
            scene.problems.append(f"{path}: JSON-LD is not JSON ({error}): {text[:200]}")
            continue
        expected = {
            "headline": article.headline[:110],
            "description": article.summary,
            "articleSection": article.section.name,
            "keywords": [article.tags.get().name],
        }
        for key, value in expected.items():
            if schema.get(key) != value:
                scene.problems.append(
                    scene.corpus.explain(f"{path}: JSON-LD {key} is {schema.get(key)!r}")
                )
        if [person["name"] for person in schema.get("author", [])] != [
            author.name for author in article.byline_authors
        ]:
            scene.problems.append(f"{path}: JSON-LD author names differ")
        based_on = schema.get("isBasedOn", {})
        if article.source_name and based_on.get("publisher", {}).get("name") != article.source_name:
            scene.problems.append(f"{path}: JSON-LD source name differs")


def _check_xml(tab, scene: Scene, url: str) -> None:
    """A feed or sitemap: well-formed XML whose elements are all its format's own."""
    response = tab.request.get(url)
    hostile_tally.note("browser, reader pages: feed and sitemap reads", 1)
    if response.status != 200:
        scene.problems.append(f"{url}: status {response.status}")
        return
    try:
        document = ElementTree.fromstring(response.body())
    except ElementTree.ParseError as error:
        scene.problems.append(f"{url}: not well-formed XML ({error})")
        return
    tags = {element.tag.rpartition("}")[2] for element in document.iter()}
    if tags - XML_ELEMENTS:
        scene.problems.append(f"{url}: elements {sorted(tags - XML_ELEMENTS)}")
    # A title is text, or (RSS, which some readers read as HTML) HTML-escaped text.
    titles = {element.text for element in document.iter() if element.tag.endswith("title")}
    titles |= {unescape(title) for title in titles if title}
    for article in scene.articles:
        if url.endswith(("/feeds/rss/", "/feeds/atom/")) and article.headline not in titles:
            scene.problems.append(
                scene.corpus.explain(f"{url}: headline {article.headline!r} missing")
            )


def test_no_payload_runs_or_becomes_markup_in_the_admin(live_server, admin_tab, scene):
    """Editors and moderators see every payload as text in the article and comment lists, the
    moderation queue, and the article and comment forms."""
    chief = superuser("chief")
    _watch(admin_tab, scene)
    _count_placements(scene, "admin")
    site = live_server.url
    log_in(admin_tab, site, chief)
    pages = [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/section/",
        "/admin/articles/tag/",
        "/admin/articles/author/",
        "/admin/articles/image/",
        "/admin/comments/comment/?status__exact=pending",
        "/admin/comments/comment/?all=1",
    ]
    for article in scene.articles:
        pages.append(f"/admin/articles/article/{article.pk}/change/")
    for comment_id in scene.own_comment_ids:
        pages.append(f"/admin/comments/comment/{comment_id}/change/")
    for path in pages:
        _check(admin_tab, scene, f"{site}{path}")
    hostile_tally.note("browser, admin: pages checked", scene.pages)
    assert not scene.problems, "\n".join(scene.problems)
