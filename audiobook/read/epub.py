"""EPUB 2 and 3 without DRM: chapters from the spine and table of contents, metadata and cover for tagging."""

from __future__ import annotations

import posixpath
import re
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from audiobook.errors import InputError
from audiobook.model import Chapter
from audiobook.package.tags import image_mime
from audiobook.read.chapters import Contents, find_chapters, tidy_title
from audiobook.read.xhtml import Document, read_document, semantic_types

MAX_TOTAL = 512 * 1024 * 1024  # bytes an EPUB may unpack to
MAX_RATIO = 100  # a member this much smaller packed than unpacked is a zip bomb, not a book
_RATIO_FLOOR = 1024 * 1024  # small members compress well legitimately (whitespace-heavy XHTML)
# Font obfuscation is not DRM: Standard Ebooks and many others mangle embedded fonts this way.
_FONT_MANGLING = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_CONTENT_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml"}
# Table of contents entries that are not part of the story.
_NOT_STORY = re.compile(r"(?i)^(?:cover|title ?page|half ?title|copyright|imprint|(?:table of )?contents|colophon|"
                        r"uncopyright|endnotes|footnotes|notes|index|illustrations|list of illustrations|"
                        r"about (?:this|the) (?:e-?book|author)|also by .*)$")
_PART_TITLE = re.compile(r"(?i)^(?:part|book|volume|act)\b")
# Structural semantics (EPUB 3 Structural Semantics Vocabulary, DPUB-ARIA roles, Z39.98 structure vocabulary) of
# what is not read aloud as a track of its own, and of what is read.
_UNREAD = {"titlepage", "halftitlepage", "halftitle", "imprint", "colophon", "copyright-page", "toc", "landmarks",
           "loi", "lot", "loa", "lov", "endnotes", "footnotes", "rearnotes", "endnote", "footnote", "rearnote",
           "index", "cover", "errata", "page-list", "pagelist", "seriespage", "frontispiece", "bibliography"}
_READ = {"chapter", "part", "volume", "division", "subchapter", "prologue", "epilogue", "preface", "foreword",
         "introduction", "preamble", "dedication", "epigraph", "afterword", "conclusion", "appendix", "letter",
         "acknowledgments", "short-story", "diary", "poem", "prelude", "postscript", "interlude", "notice",
         "glossary", "abstract", "contributors", "other-credits"}
# What --include-front-matter reads after all: the title page, lists of illustrations and the like.
FRONT_MATTER = frozenset({"titlepage", "loi", "lot", "loa", "lov", "frontispiece"})
_WRAPPERS = {"titlepage", "halftitlepage", "halftitle"}  # a TOC entry for one of these that has sub-entries
_PART_TYPES = {"part", "volume", "division"}
_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# A title that is a number, or a number and then the title: "XIV", "I: Loomings", "3. The Voyage".
_NUMBERED = re.compile(rf"^(?P<num>(?=[IVXLCDM])(?:{_ROMAN})|\d{{1,3}})\.?(?:(?:\s*[:.]|\s*[\u2013\u2014]|\s+-)\s*"
                       rf"(?P<rest>\S.*))?$")
_NON_SPACE = re.compile(r"\S")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
MAX_TITLE = 150  # characters of a chapter title; a longer one is cut at a word (it names files and chapter marks)
_MAX_DEPTH = 32  # levels of a table of contents; deeper entries are read with their parent


@dataclass(frozen=True)
class EpubBook:
    """An EPUB read as plain text (blank lines between paragraphs), its chapters and its metadata."""

    text: str
    contents: Contents
    title: str | None
    author: str | None
    language: str | None
    cover: bytes | None
    cover_mime: str | None


class _Epub:
    """An open EPUB archive whose members are read with the size limits checked."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile):
            raise self.error("is not an EPUB: not a zip archive") from None
        except OSError as exc:
            raise InputError(f"{self.name}: cannot be read ({exc.strerror or exc})") from None
        self.budget = MAX_TOTAL
        total = 0
        for info in self.zip.infolist():
            member = info.filename
            if member.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", member) or ".." in re.split(r"[/\\]", member):
                raise self.error(f"has a member whose path escapes the archive ({member!r}); refusing to read it")
            total += info.file_size
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise self.error(f"member {member} unpacks to over {MAX_RATIO} times its packed size; "
                                 "refusing a possible zip bomb")
        if total > MAX_TOTAL:
            raise self.error(f"unpacks to {total // 2**20} MiB, more than {MAX_TOTAL // 2**20} MiB; "
                             "refusing a possible zip bomb")
        self.names = set(self.zip.namelist())

    def error(self, what: str) -> InputError:
        return InputError(f"{self.name}: {what}; give an EPUB 2 or 3 file without DRM")

    def read(self, member: str) -> bytes:
        """A member's bytes, never more than the archive's declared sizes allow."""
        if member not in self.names:
            raise self.error(f"has no {member}")
        with self.zip.open(member) as f:
            data = f.read(self.budget + 1)
        if len(data) > self.budget:  # the directory lied about the size
            raise self.error("unpacks to more than it declares; refusing a possible zip bomb")
        self.budget -= len(data)
        return data

    def xml(self, member: str) -> Element:
        """Parse a member as XML, refusing entity declarations and external references."""
        try:
            return self._parse(member)
        except ParseError as exc:
            raise self.error(f"{member} is not well-formed XML ({exc})") from None

    def xml_or_none(self, member: str) -> Element | None:
        """Parse a member as XML, None when it is not well-formed; entity declarations are still refused."""
        try:
            return self._parse(member)
        except ParseError:
            return None

    def _parse(self, member: str) -> Element:
        try:
            root: Element = SafeET.fromstring(self.read(member), forbid_dtd=False, forbid_entities=True,
                                              forbid_external=True)
        except DefusedXmlException:
            raise self.error(f"{member} declares XML entities or external references, which are refused "
                             "(a possible entity-expansion attack)") from None
        return root

    def text(self, member: str) -> str:
        data = self.read(member)
        m = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data)
        encoding = m.group(1).decode("ascii") if m else "utf-8"
        try:
            return data.decode(encoding, errors="replace")
        except LookupError:
            return data.decode("utf-8", errors="replace")

    def resolve(self, base: str, href: str) -> tuple[str, str]:
        """The archive path and fragment an href in document `base` points to."""
        path, _, fragment = unquote(href.strip()).partition("#")
        if not path:
            return base, fragment
        if re.match(r"[a-z][a-z0-9+.-]*:", path, re.I):
            return "", fragment  # a link out of the book
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
        if joined.startswith(("../", "/")) or joined == "..":
            raise self.error(f"{base} links to {href!r}, outside the archive; refusing to read it")
        return joined, fragment


def _local(el: Element) -> str:
    return el.tag.rpartition("}")[2]


def read_epub(path: Path, book_title: str, chapters_from: str | None = None,
              include_front_matter: bool = False) -> EpubBook:
    """Read an EPUB's spine into text and chapters; raise InputError for DRM, hostile or broken files.

    Chapters come from the table of contents (`chapters_from` "toc", the default), a document of the spine
    each ("spine") or headings found by their form in the text ("headings"). With `include_front_matter`
    the title page and lists of illustrations are read too.
    """
    epub = _Epub(path)
    _refuse_drm(epub)
    rootfile = _package_document(epub)
    opf = epub.xml(rootfile)
    meta = _metadata(opf)
    manifest = _manifest(epub, opf, rootfile)
    spine_el = next((el for el in opf.iter() if _local(el) == "spine"), None)
    nodes = _navigation(epub, manifest, spine_el)
    layout = _read_spine(epub, _spine(manifest, spine_el), FRONT_MATTER if include_front_matter else frozenset())
    if chapters_from == "toc" and not nodes:
        raise InputError(f"{path}: --chapters-from toc: it has no table of contents (nav or NCX); use spine or "
                         "headings")
    contents = _contents(layout, nodes, meta.get("title") or book_title, chapters_from)
    if not contents.chapters or not layout.text.strip():
        raise InputError(f"{path}: has no text in its spine; there is nothing to read aloud")
    cover, mime = _cover(epub, opf, manifest)
    return EpubBook(layout.text, contents, meta.get("title"), meta.get("author"), meta.get("language"), cover, mime)


def _package_document(epub: _Epub) -> str:
    """The OPF's path: as META-INF/container.xml names it, else the archive's first .opf."""
    container = epub.xml("META-INF/container.xml") if "META-INF/container.xml" in epub.names else None
    rootfile = next((el.get("full-path", "") for el in container.iter() if _local(el) == "rootfile"), "") \
        if container is not None else ""
    if not rootfile:
        rootfile = next((n for n in sorted(epub.names) if n.endswith(".opf")), "")
    if not rootfile or rootfile not in epub.names:
        raise epub.error("has no package document (OPF)")
    return rootfile


def _manifest(epub: _Epub, opf: Element, rootfile: str) -> dict[str, dict[str, str]]:
    """The OPF manifest: item id -> archive path, media type and properties."""
    manifest: dict[str, dict[str, str]] = {}
    for el in opf.iter():
        if _local(el) == "item" and el.get("id") and el.get("href"):
            target, _ = epub.resolve(rootfile, el.get("href", ""))
            manifest[el.get("id", "")] = {"href": target, "type": el.get("media-type", ""),
                                          "props": el.get("properties", "")}
    return manifest


def _spine(manifest: dict[str, dict[str, str]], spine: Element | None) -> list[str]:
    """The documents of the reading order (linear ones that are XHTML), as archive paths."""
    refs = [ref.get("idref", "") for ref in (spine if spine is not None else [])
            if _local(ref) == "itemref" and ref.get("linear", "yes") != "no"]
    return [manifest[ref]["href"] for ref in refs if ref in manifest and manifest[ref]["type"] in _CONTENT_TYPES]


def _refuse_drm(epub: _Epub) -> None:
    if "META-INF/rights.xml" in epub.names:
        raise epub.error("is DRM-protected (META-INF/rights.xml); it is encrypted and cannot be read")
    if "META-INF/encryption.xml" not in epub.names:
        return
    root = epub.xml("META-INF/encryption.xml")
    for data in root.iter():
        if _local(data) != "EncryptedData":
            continue
        methods = {el.get("Algorithm", "") for el in data.iter() if _local(el) == "EncryptionMethod"}
        if not methods <= _FONT_MANGLING:
            raise epub.error("is DRM-encrypted (META-INF/encryption.xml lists encrypted content); "
                             "it cannot be read")


def _metadata(opf: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    roles = {el.get("refines", "").lstrip("#"): (el.text or "").strip() for el in opf.iter()
             if _local(el) == "meta" and el.get("property") == "role"}
    creators: list[tuple[bool, str]] = []
    for el in opf.iter():
        name, value = _local(el), re.sub(r"\s+", " ", el.text or "").strip()
        if not value:
            continue
        if name in {"title", "language"}:
            found.setdefault(name, value)
        elif name == "creator":
            role = next((v for k, v in el.attrib.items() if k.rpartition("}")[2] == "role"), None)
            role = role or roles.get(el.get("id", ""))
            creators.append((role in (None, "aut"), value))
    authors = [v for ok, v in creators if ok] or [v for _, v in creators]
    if authors:
        found["author"] = " and ".join(authors) if len(authors) <= 2 else ", ".join(authors)
    return found


@dataclass
class _Node:
    """A table of contents entry: its title, where it points (archive path, fragment) and its sub-entries."""

    title: str
    href: str = ""
    fragment: str = ""
    children: list[_Node] = field(default_factory=list)


def _fold(title: str) -> str:
    """A title's words one space apart, without invisible characters (word joiners, soft hyphens)."""
    return " ".join(_INVISIBLE.sub("", title).split())


def _link(epub: _Epub, base: str, href: str) -> tuple[str, str]:
    """The archive path and fragment a table of contents link points to; ("", "") for nowhere in the book."""
    if not href.strip():
        return "", ""
    try:
        return epub.resolve(base, href)
    except InputError:  # a link out of the archive reads nothing
        return "", ""


def _navigation(epub: _Epub, manifest: dict[str, dict[str, str]], spine: Element | None) -> list[_Node]:
    """The table of contents as a tree: the EPUB 3 nav document, else the EPUB 2 NCX; [] if neither is usable."""
    nav = next((m["href"] for m in manifest.values() if "nav" in m["props"].split()), None)
    if nav and nav in epub.names:
        reader = _NavReader(epub, nav)
        reader.feed(epub.text(nav))
        reader.close()
        if reader.root.children:
            return reader.root.children
    ncx_id = spine.get("toc", "") if spine is not None else ""
    ncx = manifest.get(ncx_id, {}).get("href") or next(
        (m["href"] for m in manifest.values() if m["type"] == "application/x-dtbncx+xml"), None)
    root = epub.xml_or_none(ncx) if ncx and ncx in epub.names else None
    nav_map = next((el for el in root.iter() if _local(el) == "navMap"), None) if root is not None else None
    return _ncx_nodes(epub, ncx or "", nav_map, 0) if nav_map is not None else []


def _ncx_nodes(epub: _Epub, ncx: str, parent: Element, depth: int) -> list[_Node]:
    """The navPoints under `parent`, with theirs (to _MAX_DEPTH levels)."""
    nodes: list[_Node] = []
    for point in parent:
        if _local(point) != "navPoint":
            continue
        label = next((el for el in point if _local(el) == "navLabel"), None)
        content = next((el for el in point if _local(el) == "content"), None)
        href, fragment = _link(epub, ncx, content.get("src", "") if content is not None else "")
        node = _Node(_fold("".join(label.itertext()) if label is not None else ""), href, fragment)
        if depth < _MAX_DEPTH:
            node.children = _ncx_nodes(epub, ncx, point, depth + 1)
        nodes.append(node)
    return nodes


class _NavReader(HTMLParser):
    """The `<nav epub:type="toc">` of an EPUB 3 navigation document as a tree of entries."""

    def __init__(self, epub: _Epub, nav: str) -> None:
        super().__init__(convert_charrefs=True)
        self.epub, self.nav = epub, nav
        self.root = _Node("")
        self.open: list[tuple[_Node, bool]] = []  # the entries (<li>) open, outermost first; labelled yet?
        self.state = "before"  # "in" the toc nav, or "after" it
        self.label: list[str] | None = None  # the words of the open entry label (<a> or <span>)
        self.label_tag = ("", 0)  # the label's tag and how deep that tag nests inside it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "nav" and self.state == "before" and "toc" in semantic_types(a):
            self.state = "in"
        elif self.state != "in":
            return
        elif tag == "li":
            self.open.append((_Node(""), False))
        elif self.label is not None:
            if tag == self.label_tag[0]:
                self.label_tag = (tag, self.label_tag[1] + 1)
        elif tag in {"a", "span"} and self.open and not self.open[-1][1]:
            node = self.open[-1][0]
            node.href, node.fragment = _link(self.epub, self.nav, a.get("href", ""))
            self.open[-1] = (node, True)
            self.label, self.label_tag = [], (tag, 0)

    def handle_endtag(self, tag: str) -> None:
        if self.state != "in":
            return
        if self.label is not None and tag == self.label_tag[0]:
            if self.label_tag[1]:
                self.label_tag = (tag, self.label_tag[1] - 1)
            else:
                self.open[-1][0].title = _fold("".join(self.label))
                self.label = None
        elif tag == "li" and self.open:
            node, _ = self.open.pop()
            self.label = None
            if len(self.open) >= _MAX_DEPTH:
                node.children = []
            if node.title or node.href or node.children:
                (self.open[-1][0] if self.open else self.root).children.append(node)
        elif tag == "nav":
            self.state = "after"

    def handle_data(self, data: str) -> None:
        if self.label is not None:
            self.label.append(data)


@dataclass
class _Layout:
    """The spine read as one text: each document's text, where it starts, and all headings in text offsets."""

    text: str = ""
    docs: dict[str, Document] = field(default_factory=dict)
    starts: dict[str, int] = field(default_factory=dict)
    heads: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, words), in text order
    labels: dict[int, str] = field(default_factory=dict)  # heading start -> its label ("Book", "Stave")
    unread: frozenset[str] = frozenset(_UNREAD)  # the structural semantics of what is not read

    def position(self, href: str, fragment: str) -> int | None:
        """Where a link's target starts in the text (at its first letter); None for nothing readable."""
        doc = self.docs.get(href)
        if doc is None or not doc.text:
            return None
        pos = self.starts[href] + min(doc.ids.get(fragment, 0) if fragment else 0, len(doc.text))
        while pos < len(self.text) and self.text[pos].isspace():
            pos += 1
        return pos

    def types(self, href: str, fragment: str) -> frozenset[str]:
        """The structural semantics of a link's target: its element's, else its document's."""
        doc = self.docs.get(href)
        if doc is None:
            return frozenset()
        return (doc.types.get(fragment) if fragment else None) or doc.first_types

    def heading_at(self, pos: int, end: int) -> tuple[int, int, str] | None:
        """The first heading of text[pos:end] when only whitespace stands before it."""
        i = bisect_left(self.heads, (pos, -1, ""))
        if i < len(self.heads) and self.heads[i][0] < end and not _NON_SPACE.search(self.text, pos, self.heads[i][0]):
            return self.heads[i]
        return None

    def body_start(self, pos: int, end: int, last: int | None = None, title: str = "") -> int:
        """Past the headings that open text[pos:end], the last one starting at `last` (the parts' headings, then
        their chapter's), and the space after them; `pos` if no heading opens it. A subtitle in the last heading
        that `title` does not say ("Supplied by a Sub-Sub-Librarian") is read as the body's first line."""
        body, last = pos, pos if last is None else last
        while (head := self.heading_at(body, end)) and body < head[1] and head[0] <= last:
            if head[0] == last and title:  # the chapter's own heading, the last to pass
                body = self._unsaid(head, title)
                break
            body = head[1]
        while body > pos and body < end and self.text[body].isspace():
            body += 1
        return min(body, end)

    def _unsaid(self, head: tuple[int, int, str], title: str) -> int:
        """Where the first line after a heading's first that the title does not hold starts (a subtitle in a
        heading group); else the heading's end."""
        said = f" {_plain(title)} "
        for line in list(re.finditer(r"[^\n]+", self.text[head[0]:head[1]]))[1:]:
            if _plain(line.group()) and f" {_plain(line.group())} " not in said:
                return head[0] + line.start()
        return head[1]

    def has_words(self, start: int, end: int) -> bool:
        return re.search(r"[^\W_]", self.text[start:end]) is not None

    def prose(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds prose: a paragraph of nine words or more, in lower case."""
        return any(len(p.split()) >= 9 and re.search(r"[a-z]", p) for p in self.text[start:end].split("\n"))


def _read_spine(epub: _Epub, spine: list[str], read_also: frozenset[str] = frozenset()) -> _Layout:
    """The spine's documents one after another, two newlines apart; `read_also` names furniture to read."""
    out = _Layout(unread=frozenset(_UNREAD) - read_also)
    parts: list[str] = []
    length = 0
    for href in spine:
        if href in out.docs or href not in epub.names:
            continue
        doc = read_document(epub.text(href), read_also)
        if doc.entities:
            raise epub.error(f"{href} declares XML entities, which are refused (a possible entity-expansion attack)")
        out.docs[href] = doc
        if length and doc.text:
            parts.append("\n\n")
            length += 2
        out.starts[href] = length
        out.heads.extend((length + s, length + e, words) for s, e, words in doc.headings if words and e > s)
        out.labels.update({length + s: label for s, label in doc.labels.items()})
        parts.append(doc.text)
        length += len(doc.text)
    out.text = "".join(parts)
    out.heads.sort()
    return out


@dataclass(frozen=True)
class _Mark:
    """A place in the text where a chapter or part starts, or where furniture not read aloud starts (a stop)."""

    pos: int
    kind: str  # "part", "chapter" or "stop"
    title: str = ""
    depth: int = 0  # of a part: how many parts hold it


_RANK = {"part": 0, "chapter": 1, "stop": 2}  # at one place a part opens its first chapter; a stop gives way


class _Planner:
    """Marks from the table of contents: leaves are chapters, entries holding other documents are parts."""

    def __init__(self, layout: _Layout, book_title: str) -> None:
        self.layout = layout
        self.book_title = book_title
        self.marks: list[_Mark] = []

    def walk(self, nodes: list[_Node], depth: int, nesting: int) -> None:
        for node in nodes:
            pos = self.layout.position(node.href, node.fragment)
            types = self.layout.types(node.href, node.fragment)
            if node.children and nesting < _MAX_DEPTH and not self.sections_only(node, types):
                self.group(node, pos, types, depth, nesting)
            elif pos is not None:
                unread = _unread(node.title, types, self.layout.unread)
                title = _title(node.title, "Chapter", self.layout, pos)
                self.marks.append(_Mark(pos, "stop") if unread else _Mark(pos, "chapter", title))

    def group(self, node: _Node, pos: int | None, types: frozenset[str], depth: int, nesting: int) -> None:
        """An entry with sub-entries in other documents: a part, a transparent wrapper, or furniture."""
        if types & self.layout.unread and not types & _WRAPPERS:  # e.g. endnotes split by chapter: none of it is read
            self.marks.extend(_Mark(p, "stop") for p in self.positions(node))
            return
        first = min(self.positions(node), default=None)
        if types & _WRAPPERS or self.wrapper(node, pos, first):
            if pos is not None:
                self.marks.append(_Mark(pos, "stop"))
            self.walk(node.children, depth, nesting + 1)
            return
        if first is not None:
            title = _title(node.title, "Part", self.layout, first if pos is None else pos)
            self.marks.append(_Mark(first, "part", title, depth))
        self.walk(node.children, depth + 1, nesting + 1)

    def wrapper(self, node: _Node, pos: int | None, first: int | None) -> bool:
        """A half-title without epub:type: the book's title over the body, with no words of its own."""
        if _plain(node.title) != _plain(self.book_title):
            return False
        if pos is None or first is None or first <= pos:
            return True
        children = min((p for p in self.positions(node) if p > pos), default=len(self.layout.text))
        return not self.layout.prose(self.layout.body_start(pos, children), children)

    def sections_only(self, node: _Node, types: frozenset[str]) -> bool:
        """Whether the sub-entries are numbered sections ("I", "II", "2.") in the entry's own document: then
        they are parts of one chapter. Sub-entries with titles of their own (stories in one long document)
        are tracks."""
        if not node.href or types & _PART_TYPES or _PART_TITLE.match(node.title):
            return False
        return all(n.href in ("", node.href) and _bare_number(n.title) for n in _descendants(node))

    def positions(self, node: _Node) -> list[int]:
        """Where the entry and its sub-entries point."""
        found = (self.layout.position(n.href, n.fragment) for n in [node, *_descendants(node)])
        return [p for p in found if p is not None]


def _bare_number(title: str) -> bool:
    """`I`, `XIV`, `2.`: a section number with no title of its own (or no title at all)."""
    m = _NUMBERED.match(_fold(title))
    return not title.strip() or (m is not None and not m.group("rest"))


def _descendants(node: _Node) -> list[_Node]:
    """The entries under `node`, in order (to _MAX_DEPTH levels)."""
    out: list[_Node] = []
    stack = [(child, 1) for child in reversed(node.children)]
    while stack:
        child, depth = stack.pop()
        out.append(child)
        if depth < _MAX_DEPTH:
            stack.extend((c, depth + 1) for c in reversed(child.children))
    return out


def _plain(title: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def _unread(title: str, types: frozenset[str], unread: frozenset[str]) -> bool:
    """Furniture not read aloud: by its structural semantics, else (none given) by its title."""
    if types & unread:
        return True
    if types & (_UNREAD - unread):
        return False  # furniture asked for (--include-front-matter)
    return not types & _READ and _NOT_STORY.match(title) is not None


def _contents(layout: _Layout, nodes: list[_Node], book_title: str, chapters_from: str | None) -> Contents:
    """The chapters as `chapters_from` asks: from the table of contents, the spine or the headings' form."""
    if chapters_from == "headings":
        return find_chapters(layout.text, book_title, use="headings")
    if chapters_from == "spine":
        marks = _tidy(_spine_marks(layout))
        return _assemble(layout, _tidy(marks + _orphans(layout, marks, book_title)), book_title)
    return _chapters(layout, nodes, book_title)


def _chapters(layout: _Layout, nodes: list[_Node], book_title: str) -> Contents:
    """Chapters and parts from the table of contents, else from the spine: a chapter per document."""
    planner = _Planner(layout, book_title)
    planner.walk(nodes, 0, 0)
    marks = _tidy(planner.marks)
    if all(m.kind == "stop" for m in marks):  # no usable table of contents
        marks = _tidy(_spine_marks(layout))
    marks = _tidy(marks + _orphans(layout, marks, book_title))
    return _assemble(layout, marks, book_title)


def _tidy(marks: list[_Mark]) -> list[_Mark]:
    """Marks in text order; at one place, parts then one chapter, and a stop only where nothing else starts."""
    out: list[_Mark] = []
    for mark in sorted(marks, key=lambda m: (m.pos, _RANK[m.kind])):
        if out and out[-1].pos == mark.pos and (mark.kind == "stop" or out[-1].kind == mark.kind == "chapter"):
            continue  # a second entry for the same place: the first names it
        out.append(mark)
    return out


def _spine_marks(layout: _Layout) -> list[_Mark]:
    """Without a table of contents: a chapter at each document that opens with a heading, named by it."""
    marks: list[_Mark] = []
    for href, doc in layout.docs.items():
        pos = layout.position(href, "")
        if pos is None:
            continue
        head = layout.heading_at(pos, layout.starts[href] + len(doc.text))
        if doc.first_types & layout.unread or (head and _unread(head[2], doc.first_types, layout.unread)):
            marks.append(_Mark(pos, "stop"))
        elif head:
            marks.append(_Mark(pos, "chapter", _title(head[2], "Chapter", layout, pos)))
    return marks


def _orphans(layout: _Layout, marks: list[_Mark], book_title: str) -> list[_Mark]:
    """Chapters for documents no chapter reads: before the first entry, or after furniture, if they hold prose.

    A document after a chapter is read with it (the chapters tile the text); one after a stop (a colophon, notes)
    or before the first entry would be lost, so when it has prose it is a chapter of its own, named by its heading.
    """
    out: list[_Mark] = []
    positions = [m.pos for m in marks]
    for href, start in sorted(layout.starts.items(), key=lambda kv: kv[1]):
        pos = layout.position(href, "")
        if pos is None:
            continue
        i = bisect_right(positions, pos)
        before = marks[i - 1] if i else None
        if before is not None and (before.kind != "stop" or before.pos >= start):
            continue  # read in the chapter before it, or furniture itself
        if out and (before is None or out[-1].pos > before.pos):
            continue  # read in the orphan chapter before it
        end = min(start + len(layout.docs[href].text), positions[i] if i < len(positions) else len(layout.text))
        head = layout.heading_at(pos, end)
        title = _title(head[2], "Chapter", layout, pos) if head else book_title
        if layout.prose(pos, end) and not _unread(title, layout.docs[href].first_types, layout.unread):
            out.append(_Mark(pos, "chapter", title))
    return out


def _assemble(layout: _Layout, marks: list[_Mark], book_title: str) -> Contents:
    """Chapters from the marks: each runs to the next mark; a part's heading opens its first chapter."""
    chapters: list[Chapter] = []
    parts: list[tuple[str, int]] = []
    pending: list[_Mark] = []  # parts waiting for their first chapter, outermost first
    opened: int | None = None  # where the pending parts' headings begin, unless furniture came between
    for n, mark in enumerate(marks):
        end = marks[n + 1].pos if n + 1 < len(marks) else len(layout.text)
        if mark.kind == "part":
            pending = [p for p in pending if p.depth < mark.depth] + [mark]
            opened = pending[0].pos if opened is None else opened
            if not layout.prose(layout.body_start(mark.pos, end), end):
                continue  # its words are read before its first chapter's
        if mark.kind == "stop":
            opened = None  # furniture after a part's heading: its first chapter starts at its own place
            continue
        body = layout.body_start(opened if opened is not None else mark.pos, end, mark.pos, mark.title)
        if not layout.has_words(body, end):
            continue
        index = len(chapters) + 1
        parts.extend((p.title, index) for p in pending if p.title)
        # The headings (the part's, the chapter's) are the spoken titles: the chapter's text starts after them.
        chapters.append(Chapter(index, mark.title or f"Chapter {index}", body, body, end))
        pending, opened = [], None
    if not chapters and layout.has_words(0, len(layout.text)):
        chapters.append(Chapter(1, book_title, 0, 0, len(layout.text)))
    # What no chapter reads, headings aside: furniture that has text (a list of illustrations, notes).
    unread = sum(len(layout.text[m.pos:marks[n + 1].pos if n + 1 < len(marks) else len(layout.text)].split())
                 for n, m in enumerate(marks) if m.kind == "stop")
    return Contents(chapters, parts, unread=unread)


def _title(raw: str, default_label: str, layout: _Layout, pos: int) -> str:
    """A chapter or part title: the entry's words, else its heading's; a number alone gets its label ("Stave I")."""
    title = _fold(raw)
    head = layout.heading_at(pos, len(layout.text))
    if not title and head:
        title = _fold(head[2])
    m = _NUMBERED.match(title)
    if m:
        label = _label(layout, head) or default_label
        title = f"{label} {m['num']}" + (f": {tidy_title(m['rest'])}" if m["rest"] else "")
    else:
        title = tidy_title(title)  # "THE HAPPY PRINCE" -> "The Happy Prince", as for a text's headings
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(",;:.\u2014- ") + "\u2026"
    return title


def _label(layout: _Layout, head: tuple[int, int, str] | None) -> str:
    """The heading's label word: its `epub:type="label"` element, else a word before its number ("Letter IV")."""
    if head is None:
        return ""
    label = _fold(layout.labels.get(head[0], ""))
    if not label:
        m = re.match(rf"^([^\W\d_]{{2,}})\s+(?:(?=[IVXLCDM]){_ROMAN}|\d+)(?:$|[.:]\s)", _fold(head[2]))
        label = m.group(1) if m else ""
    return label.capitalize() if label.isupper() else label


def _cover(epub: _Epub, opf: Element, manifest: dict[str, dict[str, str]]) -> tuple[bytes | None, str | None]:
    """The cover image if it is a JPEG or PNG (by its bytes): EPUB 3 `cover-image`, else the EPUB 2
    `<meta name="cover">`, else an image named cover. An SVG or other cover is left out: players show only these."""
    ref = next((el.get("content", "") for el in opf.iter() if _local(el) == "meta" and el.get("name") == "cover"), "")
    candidates = [m for m in manifest.values() if "cover-image" in m["props"].split()]
    candidates += [m for m in manifest.values() if ref and (m is manifest.get(ref) or m["href"].endswith(ref))]
    candidates += [m for m in manifest.values() if m["type"].startswith("image/") and "cover" in m["href"].lower()]
    for item in candidates:
        if item["href"] not in epub.names:
            continue
        data = epub.read(item["href"])
        mime = image_mime(data)
        if mime:
            return data, mime
    return None, None
