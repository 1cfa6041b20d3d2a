"""Read an admin form from its HTML, as a browser would submit it unchanged."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None
        self._select_values: list[str] = []
        self._first_option = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select, self._select_values, self._first_option = name, [], None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_values.append(value)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            values = self._select_values
            self.data[self._select] = values
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def admin_form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """Every field of the form with id `form_id`, with the values the page shows."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return dict(reader.data)


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    """admin_form_data without the newline Django puts at the start of a textarea (browsers
    drop it too)."""
    return {
        key: [value[1:] if value.startswith("\n") else value for value in values]
        for key, values in admin_form_data(html, form_id).items()
    }


def article_form(client, url: str) -> dict:
    """The article change (or add) form's data, ready to edit and post back."""
    return form_values(client.get(url).content.decode(), "article_form")
