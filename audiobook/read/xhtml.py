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
# epub:type and role values (prefixes such as `z3998:` and `doc-` dropped) of what a listener does not want read:
# notes, page numbers, lists and legal pages.
_SKIP_TYPES = {"footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes", "note", "noteref",
               "pagebreak", "titlepage", "halftitlepage", "copyright-page", "imprint", "colophon", "toc",
               "landmarks", "loi", "lot", "loa", "lov", "index", "cover", "seriespage", "errata", "page-list",
               "pagelist", "backlink"}
# Elements whose epub:type says what a whole document or section is (a chapter, a part, a title page).
_SECTIONS = {"body", "section", "article", "div", "nav", "aside", "main"}
_MATTER = {"frontmatter", "bodymatter", "backmatter"}
_SKIP_CLASS = re.compile(r"(?i)\b(?:pagenum|page-?number|pagebreak|page-break|footnote|endnote|noteref|fnref)\w*")


@dataclass
class Document:
    """What one content document contributes: its text, its element ids and its headings (text offsets)."""

    text: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text)
    entities: bool = False  # it declares XML entities
    # Structural semantics (epub:type and role, prefixes dropped): of the element with each id (else of the
    # nearest typed section around it), and of the sections around the document's first words.
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    first_types: frozenset[str] = frozenset()
    matter: str = ""  # the body's frontmatter, bodymatter or backmatter, if it says
    labels: dict[int, str] = field(default_factory=dict)  # heading start -> its label ("Book", "Stave")


def semantic_types(attrs: dict[str, str]) -> frozenset[str]:
    """An element's epub:type and role values without vocabulary prefixes: `z3998:letter` -> `letter`."""
    words = (attrs.get("epub:type", "") + " " + attrs.get("role", "")).split()
    return frozenset(w.rpartition(":")[2].removeprefix("doc-") for w in words)


def skipped(attrs: dict[str, str], read_also: frozenset[str] = frozenset()) -> bool:
    """Whether an element with these attributes holds something not to read (a note, a page number...);
    `read_also` names kinds to read after all (a list of illustrations, as front matter)."""
    return bool(semantic_types(attrs) & (_SKIP_TYPES - read_also)) or bool(_SKIP_CLASS.search(attrs.get("class", "")))


class _Reader(HTMLParser):
    def __init__(self, read_also: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.read_also = read_also
        self.parts: list[str] = []
        self.length = 0
        self.doc = Document()
        self.skip: list[str] = []  # the tags of the skipped elements we are inside, innermost last
        self.sups: list[tuple[int, int, bool]] = []  # (parts, length, has a link) for each open <sup>
        self.heading: tuple[str, int] | None = None
        self.label: tuple[str, int, int] | None = None  # (tag, parts index, nesting) of an open heading label
        self.pending = ""  # a paragraph or line break, written before the next words
        self.sections: list[tuple[str, frozenset[str]]] = []  # open sectioning elements and their types
        self.seen: set[str] = set()  # the types of every section met, for a document with no words

    def _semantics(self, tag: str, attrs: dict[str, str]) -> frozenset[str]:
        """Record the element's structural types: for its id, and as a section around the first words."""
        types = semantic_types(attrs)
        if tag == "body":
            self.doc.matter = next(iter(sorted(types & _MATTER)), "")
        if "id" in attrs:
            around = next((t for _, t in reversed(self.sections) if t - _MATTER), frozenset())
            self.doc.types.setdefault(attrs["id"], (types - _MATTER) or around)
        if tag in _SECTIONS:
            self.seen.update(types - _MATTER)
        return types

    def _label(self, tag: str, types: frozenset[str]) -> None:
        if self.label is not None and tag == self.label[0]:
            self.label = (tag, self.label[1], self.label[2] + 1)
        elif self.heading is not None and self.label is None and "label" in types:
            self.label = (tag, len(self.parts), 0)

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
        types = self._semantics(tag, attrs)
        if tag in _SKIP_TAGS or skipped(attrs, self.read_also) or "hidden" in attrs:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _SECTIONS:
            self.sections.append((tag, types))
        self._label(tag, types)
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
        if tag in _HEADINGS | {"hgroup"} and self.heading is None:  # a heading group is one heading
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
        if self.label is not None and tag == self.label[0]:
            tag_, index, nesting = self.label
            if nesting:
                self.label = (tag_, index, nesting - 1)
            else:
                words = " ".join("".join(self.parts[index:]).split())
                if self.heading is not None and words:
                    self.doc.labels.setdefault(self.heading[1], words)
                self.label = None
        if self.heading and tag == self.heading[0]:
            start = self.heading[1]
            words = re.sub(r"\s+", " ", "".join(self.parts)[start:] if start < self.length else "").strip()
            self.doc.headings.append((start, self.length, words))
            self.heading = self.label = None
        if self.sections and tag == self.sections[-1][0]:
            self.sections.pop()
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
            if not self.length:  # the document's first words: the sections around them say what it is
                self.doc.first_types = frozenset().union(*(t for _, t in self.sections)) - _MATTER
            self._write(text)


def read_document(markup: str, read_also: frozenset[str] = frozenset()) -> Document:
    """The text of an XHTML document as blank-line separated paragraphs, with its ids and headings; elements
    of the kinds in `read_also` (e.g. "loi") are read though they are skipped by default."""
    reader = _Reader(read_also)
    reader.feed(markup)
    reader.close()
    doc = reader.doc
    doc.text = "".join(reader.parts).rstrip(" ")
    if not doc.text:  # nothing read (a title page, an image): what its sections said it was
        doc.first_types = frozenset(reader.seen)
    if re.search(r"<!ENTITY", markup, re.I):
        doc.entities = True
    return doc
