"""The readable text of an EPUB content document: paragraphs kept, notes, page numbers and images left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section", "article", "aside",
           "header", "footer", "tr", "dd", "dt", "pre", "table", "ol", "ul", "body", "nav", "hgroup", "main",
           "address", "figcaption", "caption", "dl", "center", "td", "th"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"head", "script", "style", "svg", "math", "img", "figure", "object", "audio", "video", "noscript"}
_VOID = {"img", "br", "hr", "meta", "link", "input", "col", "area", "base", "source", "wbr", "embed", "param"}
# epub:type and role values of what a listener does not want read: notes, page numbers, lists and legal pages.
_SKIP_TYPES = {"footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes", "note", "noteref",
               "pagebreak", "titlepage", "halftitlepage", "copyright-page", "imprint", "colophon", "toc",
               "landmarks", "loi", "lot", "loa", "index", "cover", "seriespage", "errata", "page-list",
               "doc-footnote", "doc-endnote", "doc-endnotes", "doc-noteref", "doc-pagebreak", "doc-toc",
               "doc-index", "doc-colophon", "doc-pagelist", "doc-cover", "doc-backlink"}
_SKIP_CLASS = re.compile(r"(?i)\b(?:pagenum|page-?number|pagebreak|page-break|footnote|endnote|noteref|fnref)\w*")


@dataclass
class Document:
    """What one content document contributes: its text, its element ids and its headings (text offsets)."""

    text: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text)
    entities: bool = False  # it declares XML entities


def skipped(attrs: dict[str, str]) -> bool:
    """Whether an element with these attributes holds something not to read (a note, a page number...)."""
    kinds = set((attrs.get("epub:type", "") + " " + attrs.get("role", "")).split())
    return bool(kinds & _SKIP_TYPES) or bool(_SKIP_CLASS.search(attrs.get("class", "")))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.doc = Document()
        self.skip: list[str] = []  # the tags of the skipped elements we are inside, innermost last
        self.sups: list[tuple[int, int, bool]] = []  # (parts, length, has a link) for each open <sup>
        self.heading: tuple[str, int] | None = None
        self.pending = ""  # a paragraph or line break, written before the next words

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _break(self, kind: str) -> None:
        if self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
        if self.length and (kind == "\n\n" or not self.pending):
            self.pending = kind

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if self.skip:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if "id" in attrs:
            self.doc.ids.setdefault(attrs["id"], self.length + len(self.pending))
        if tag in _SKIP_TAGS or skipped(attrs) or "hidden" in attrs:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag == "sup":
            self.sups.append((len(self.parts), self.length, False))
        elif tag == "a" and self.sups and "href" in attrs:
            parts, length, _ = self.sups[-1]
            self.sups[-1] = (parts, length, True)
        if tag == "br":
            self._break("\n")
        elif tag == "hr":
            self._break("\n\n")
            self._text("* * *")  # a scene break
            self._break("\n\n")
        elif tag in _BLOCKS:
            self._break("\n\n")
        if tag in _HEADINGS and self.heading is None:
            self.heading = (tag, self.length + len(self.pending))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag == "sup" and self.sups:
            parts, length, linked = self.sups.pop()
            if linked:  # a note reference: a number in a raised link
                del self.parts[parts:]
                self.length = length
        if self.heading and tag == self.heading[0]:
            start = self.heading[1]
            words = re.sub(r"\s+", " ", "".join(self.parts)[start:] if start < self.length else "").strip()
            self.doc.headings.append((start, self.length, words))
            self.heading = None
        if tag in _BLOCKS:
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self._text(re.sub(r"[ \t\r\n\f]+", " ", data))

    def _text(self, text: str) -> None:
        if self.pending:
            text = text.lstrip(" ")
            if not text:
                return
            self._write(self.pending)
            self.pending = ""
        elif not self.length or (self.parts and self.parts[-1].endswith(" ")):
            text = text.lstrip(" ")
        if text:
            self._write(text)

def read_document(markup: str) -> Document:
    """The text of an XHTML document as blank-line separated paragraphs, with its ids and headings."""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    doc = reader.doc
    doc.text = "".join(reader.parts).rstrip(" ")
    if re.search(r"<!ENTITY", markup, re.I):
        doc.entities = True
    return doc
