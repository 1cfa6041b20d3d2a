"""A WordPress post's body converted as WordPress shows it (#10): paragraphs, captions,
galleries, embeds and shortcodes, then through the article sanitiser."""

from articles.wordpress.content import convert_body


def test_a_classic_editor_post_gets_paragraphs_from_blank_lines_and_breaks_from_lines():
    body = "The barrier held.\nThe pumps did not.\n\nBy morning the water had gone.\r\n\r\n"
    assert convert_body(body).html == (
        "<p>The barrier held.<br>\nThe pumps did not.</p>\n<p>By morning the water had gone.</p>"
    )


def test_blocks_already_written_stay_blocks():
    body = "<h2>Timeline</h2>\n\n<ul>\n<li>3 a.m.: the alarm</li>\n</ul>\n\nAfter that, calm."
    assert convert_body(body).html == (
        "<h2>Timeline</h2>\n<ul>\n<li>3 a.m.: the alarm</li>\n</ul>\n<p>After that, calm.</p>"
    )


def test_a_block_editor_post_loses_its_block_comments_and_keeps_its_paragraphs():
    body = (
        "<!-- wp:paragraph -->\n<p>First.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Then</h3>\n<!-- /wp:heading -->'
    )
    assert convert_body(body).html == "<p>First.</p>\n<h3>Then</h3>"


def test_the_more_and_page_break_markers_are_dropped():
    body = "Teaser.\n<!--more Read on-->\n\nThe rest.<!--nextpage-->"
    assert convert_body(body).html == "<p>Teaser.</p>\n<p>The rest.</p>"


def test_a_caption_becomes_a_figure_with_its_caption():
    body = (
        '[caption id="attachment_12" align="alignnone" width="640"]'
        '<a href="https://old.example.com/wp-content/uploads/2024/03/barrier.jpg">'
        '<img src="https://old.example.com/wp-content/uploads/2024/03/barrier-640x480.jpg" '
        'alt="The barrier at dawn" width="640" height="480" class="size-large" /></a>'
        " The barrier at dawn, <em>before</em> the tide[/caption]\n\nText after."
    )
    assert convert_body(body).html == (
        '<figure><a href="https://old.example.com/wp-content/uploads/2024/03/barrier.jpg" '
        'rel="noopener noreferrer">'
        '<img src="https://old.example.com/wp-content/uploads/2024/03/barrier-640x480.jpg" '
        'alt="The barrier at dawn" width="640" height="480"></a>'
        "<figcaption>The barrier at dawn, <em>before</em> the tide</figcaption></figure>\n"
        "<p>Text after.</p>"
    )


def test_a_caption_written_as_an_attribute_as_before_wordpress_3_4():
    body = (
        '[caption caption="Old style" width="300"]'
        '<img src="https://x.example/a.jpg" alt="">[/caption]'
    )
    assert convert_body(body).html == (
        '<figure><img src="https://x.example/a.jpg" alt=""><figcaption>Old style</figcaption>'
        "</figure>"
    )


def test_a_gallery_becomes_figures_of_the_pictures_it_names():
    asked = []

    def gallery(ids):
        asked.append(ids)
        return [
            ("/media/a.jpg", "First <picture>", "The first"),
            ("/media/b.jpg", "Second", ""),
        ]

    html = convert_body('Before.\n\n[gallery ids="12,13" columns="2"]\n\nAfter.', gallery=gallery)
    assert asked == [[12, 13]]
    assert html.html == (
        "<p>Before.</p>\n"
        '<figure><img src="/media/a.jpg" alt="First &lt;picture&gt;">'
        "<figcaption>The first</figcaption></figure>\n"
        '<figure><img src="/media/b.jpg" alt="Second"></figure>\n'
        "<p>After.</p>"
    )


def test_a_url_on_its_own_line_and_an_embed_become_links():
    body = (
        "Watch:\n\nhttps://www.youtube.com/watch?v=abc123\n\n"
        "[embed]https://vimeo.com/42[/embed]\n\nA link https://example.org/ in a sentence."
    )
    assert convert_body(body).html == (
        "<p>Watch:</p>\n"
        '<p><a href="https://www.youtube.com/watch?v=abc123" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=abc123</a></p>\n"
        '<p><a href="https://vimeo.com/42" rel="noopener noreferrer">https://vimeo.com/42</a></p>\n'
        "<p>A link https://example.org/ in a sentence.</p>"
    )


def test_other_shortcodes_are_reported_their_text_kept_and_escaped_ones_left_literal():
    converted = convert_body(
        '[contact-form-7 id="5" title="Tips"]\n\n[pullquote align="left"]Keep this.[/pullquote]'
        '\n\n[[gallery]] is how you write a gallery. [audio src="x.mp3" /]'
    )
    assert converted.html == ("<p>Keep this.</p>\n<p>[gallery] is how you write a gallery.</p>")
    assert converted.unknown_shortcodes == {"contact-form-7": 1, "pullquote": 1, "audio": 1}


def test_scripts_iframes_and_handlers_never_survive():
    body = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p>\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n'
        '[caption]<img src="javascript:alert(1)" onerror="x()"> Caption[/caption]'
    )
    html = convert_body(body).html
    for dangerous in ("script", "iframe", "onclick", "onerror", "javascript:"):
        assert dangerous not in html
    assert "<p>Hi</p>" in html and "<figcaption>Caption</figcaption>" in html


def test_bracketed_words_that_are_not_shaped_like_a_shortcode_stay_text():
    """WordPress shows an unregistered [tag] as the text it is: an editor's "[Update 3pm]"."""
    converted = convert_body("[Update 3pm] The road is open again. [1]")
    assert converted.html == "<p>[Update 3pm] The road is open again. [1]</p>"
    assert not converted.unknown_shortcodes
