"""Turn HTML and Markdown into the plain text the extractors read.

Paragraphs are separated by one blank line; runs of spaces are collapsed; non-breaking spaces
become spaces.  These are pure functions over strings.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "pre",
    "hr",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's summary or content)."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return normalise_paragraphs(fragment)
    parser = _TextCollector()
    try:
        parser.feed(fragment)
        parser.close()
    except Exception:  # html.parser is lenient; this guards against pathological input only
        return normalise_paragraphs(re.sub(r"<[^>]*>", " ", html.unescape(fragment)))
    return normalise_paragraphs("".join(parser.parts))


def html_to_text(page: str, with_title: bool = True) -> tuple[str, str]:
    """Title and main text of a whole HTML page, via trafilatura; falls back to all text.

    ``with_title=False`` skips trafilatura's metadata pass (the title then comes from the
    ``<title>`` element only): that pass also parses the page's dates with dateparser, which
    costs a third of the extraction time and ~30 MB of compiled patterns in every worker
    process, for a title a fetched article page does not need (its feed gave one).  The main
    text is the same either way (all 194 HTML pages of the corpus, compared)."""
    import trafilatura  # imported lazily: it is slow to import and only pages need it

    title = ""
    body = ""
    try:
        doc = trafilatura.bare_extraction(
            page,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=with_title,
        )
    except Exception:  # trafilatura raises assorted lxml errors on hostile pages
        doc = None
    if doc is not None:
        title = (
            (getattr(doc, "title", None) or "")
            if not isinstance(doc, dict)
            else (doc.get("title") or "")
        )
        body = (
            (getattr(doc, "text", None) or "")
            if not isinstance(doc, dict)
            else (doc.get("text") or "")
        )
    if not body:
        body = fragment_to_text(page)
    if not title:
        m = re.search(r"<title[^>]*>(.*?)</title>", page, re.I | re.S)
        if m:
            title = html.unescape(re.sub(r"\s+", " ", m.group(1))).strip()
    # trafilatura separates paragraphs with one newline; we use a blank line
    body = re.sub(r"\n+", "\n\n", body)
    return title.strip(), normalise_paragraphs(body)


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", re.M)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MD_EMPH = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"
)


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown body: links become their text, emphasis and rules go."""
    if "<" in md and re.search(r"<(p|div|br|span|a)\b", md, re.I):
        md = fragment_to_text(md)
    md = re.sub(r"(?m)^[ \t]*[*+-][ \t]+(?=\S)", "\n", md)  # each list item is a paragraph
    md = _MD_IMAGE.sub("", md)
    md = _MD_LINK.sub(r"\1", md)
    md = _MD_HEADING.sub("", md)
    md = _MD_RULE.sub("", md)
    md = _MD_EMPH.sub(lambda m: m.group(2) or m.group(3) or "", md)
    md = _MD_ESCAPE.sub(r"\1", md)
    md = re.sub(r"(?m)^\s*>\s?", "", md)
    return normalise_paragraphs(md)


def normalise_paragraphs(text: str) -> str:
    """Collapse spaces inside lines, keep one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    paras = []
    for block in re.split(r"\n\s*\n", text):
        line = re.sub(r"[ \t\f\v]+", " ", block.replace("\n", " ")).strip()
        if line:
            paras.append(line)
    return "\n\n".join(paras)
