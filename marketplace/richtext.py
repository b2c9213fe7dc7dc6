"""Seller-written rich text: Markdown in, sanitised HTML out (headings, lists, emphasis).

Links are not allowed in shop and product texts (seed 001, reason 6): an <a> tag is
dropped and its text kept; images come from uploads, never from Markdown.
"""

import markdown
import nh3

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "blockquote", "hr"}


def render_markdown(text: str) -> str:
    """Render a seller's Markdown to safe HTML; "# Title" becomes an <h2>: the page has the <h1>."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, link_rel=None, strip_comments=True)
