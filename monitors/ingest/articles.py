"""Load an article file into plain text: Markdown (with or without front matter), HTML, .html.gz.

The result is an :class:`ArticleDoc`: a title and a body whose paragraphs are separated by one
blank line.  Extraction runs over ``doc.full_text`` (title, blank line, body), so a figure or quote
in a headline is found like any other.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from monitors.errors import ArticleLoadError
from monitors.ingest.text import html_to_text, markdown_to_text


@dataclass(frozen=True)
class ArticleDoc:
    path: str
    title: str
    text: str
    published: str | None = None

    @property
    def full_text(self) -> str:
        return f"{self.title}\n\n{self.text}" if self.title else self.text


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_MD_TITLE = re.compile(r"\A\s*#\s+(.+?)\s*$", re.M)
_PUBLISHED = re.compile(r"^Published\s*:\s*`?([^`\n]+)`?\s*$", re.M)


def load_article(path: str | Path) -> ArticleDoc:
    """Read one article file. Raises ArticleLoadError naming the file when it cannot be read."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ArticleLoadError(f"{p}: cannot read: {e.strerror or e}") from e
    name = p.name.lower()
    try:
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
            name = name[:-3]
    except (OSError, EOFError) as e:
        raise ArticleLoadError(f"{p}: not a valid gzip file: {e}") from e
    text = decode_bytes(raw)
    if name.endswith((".html", ".htm", ".xhtml")) or _looks_like_html(text):
        title, body = html_to_text(text)
        return ArticleDoc(str(path), title, body)
    return parse_markdown_doc(str(path), text)


def decode_bytes(raw: bytes) -> str:
    """Decode article bytes: BOM, then UTF-8, then a declared charset, then cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", raw[:4096])
    if m:
        try:
            return raw.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return raw.decode("cp1252", errors="replace")


def _looks_like_html(text: str) -> bool:
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html"))


def parse_markdown_doc(path: str, text: str) -> ArticleDoc:
    """Split front matter (YAML), an optional ``# title`` line and ``Published :`` line, body."""
    title = ""
    published: str | None = None
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            meta = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict):
            title = str(meta.get("title") or "")
            date = meta.get("published_time") or meta.get("date")
            published = str(date) if date else None
        text = text[m.end() :]
    if not title:
        mt = _MD_TITLE.match(text)
        if mt:
            title = mt.group(1)
            text = text[mt.end() :]
    mp = _PUBLISHED.search(text[:400])
    if mp:
        published = published or mp.group(1).strip()
        text = text[: mp.start()] + text[mp.end() :]
    body = markdown_to_text(text)
    return ArticleDoc(path, clean_title(title), body, published)


def clean_title(title: str) -> str:
    title = title.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", title).strip()
