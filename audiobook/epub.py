"""EPUB 2 and 3 without DRM: chapters from the spine and table of contents, metadata and cover for tagging."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .chapters import Contents, assemble_chapters
from .errors import InputError
from .xhtml import Document, read_document

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


@dataclass(frozen=True)
class _Entry:
    title: str
    href: str  # archive path of the document
    fragment: str
    depth: int
    children: int


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
            return SafeET.fromstring(self.read(member), forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except DefusedXmlException:
            raise self.error(f"{member} declares XML entities or external references, which are refused "
                             "(a possible entity-expansion attack)") from None
        except ParseError as exc:
            raise self.error(f"{member} is not well-formed XML ({exc})") from None

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


def read_epub(path: Path, book_title: str) -> EpubBook:
    """Read an EPUB's spine into text and chapters; raise InputError for DRM, hostile or broken files."""
    epub = _Epub(path)
    _refuse_drm(epub)
    container = epub.xml("META-INF/container.xml") if "META-INF/container.xml" in epub.names else None
    rootfile = next((el.get("full-path", "") for el in container.iter() if _local(el) == "rootfile"), "") \
        if container is not None else ""
    if not rootfile:
        rootfile = next((n for n in sorted(epub.names) if n.endswith(".opf")), "")
    if not rootfile or rootfile not in epub.names:
        raise epub.error("has no package document (OPF)")
    opf = epub.xml(rootfile)
    meta = _metadata(opf)
    manifest: dict[str, dict[str, str]] = {}
    for el in opf.iter():
        if _local(el) == "item" and el.get("id") and el.get("href"):
            target, _ = epub.resolve(rootfile, el.get("href", ""))
            manifest[el.get("id", "")] = {"href": target, "type": el.get("media-type", ""),
                                          "props": el.get("properties", "")}
    spine_el = next((el for el in opf.iter() if _local(el) == "spine"), None)
    spine = [manifest[ref.get("idref", "")]["href"] for ref in (spine_el if spine_el is not None else [])
             if _local(ref) == "itemref" and ref.get("idref", "") in manifest and ref.get("linear", "yes") != "no"
             and manifest[ref.get("idref", "")]["type"] in _CONTENT_TYPES]
    entries = _navigation(epub, manifest, spine_el)
    text, docs, starts = _read_spine(epub, spine)
    contents = _chapters(text, docs, starts, entries, meta.get("title") or book_title)
    if not contents.chapters or not text.strip():
        raise InputError(f"{path}: has no text in its spine; there is nothing to read aloud")
    cover, mime = _cover(epub, opf, manifest)
    return EpubBook(text, contents, meta.get("title"), meta.get("author"), meta.get("language"), cover, mime)


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


def _navigation(epub: _Epub, manifest: dict[str, dict[str, str]], spine: Element | None) -> list[_Entry]:
    """The table of contents: the EPUB 3 nav document, else the EPUB 2 NCX."""
    nav = next((m["href"] for m in manifest.values() if "nav" in m["props"].split()), None)
    if nav and nav in epub.names:
        found = _nav_entries(epub, nav)
        if found:
            return found
    ncx_id = spine.get("toc", "") if spine is not None else ""
    ncx = manifest.get(ncx_id, {}).get("href") or next(
        (m["href"] for m in manifest.values() if m["type"] == "application/x-dtbncx+xml"), None)
    if not ncx or ncx not in epub.names:
        return []
    entries: list[_Entry] = []

    def walk(el: Element, depth: int) -> None:
        for point in el:
            if _local(point) != "navPoint":
                continue
            label = next((t for t in point.iter() if _local(t) == "text"), None)
            content = next((c for c in point if _local(c) == "content"), None)
            kids = [p for p in point if _local(p) == "navPoint"]
            if content is not None:
                href, frag = epub.resolve(ncx, content.get("src", ""))
                title = re.sub(r"\s+", " ", label.text or "").strip() if label is not None else ""
                entries.append(_Entry(title, href, frag, depth, len(kids)))
            walk(point, depth + 1)

    nav_map = next((el for el in epub.xml(ncx).iter() if _local(el) == "navMap"), None)
    if nav_map is not None:
        walk(nav_map, 0)
    return entries


def _nav_entries(epub: _Epub, nav: str) -> list[_Entry]:
    from html.parser import HTMLParser

    entries: list[_Entry] = []

    class NavReader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.in_toc = 0  # depth of open elements inside <nav epub:type="toc">
            self.depth = -1
            self.link: dict[str, Any] | None = None
            self.counts: list[int] = []  # entry index of the open <li> at each depth

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "nav" and "toc" in a.get("epub:type", "").split() + a.get("role", "").split():
                self.in_toc = 1
                return
            if not self.in_toc:
                return
            if tag == "ol":
                self.depth += 1
            elif tag == "li":
                self.counts.append(-1)
            elif tag in {"a", "span"} and self.link is None:
                self.link = {"href": a.get("href", ""), "text": []}

        def handle_endtag(self, tag: str) -> None:
            if not self.in_toc:
                return
            if tag == "nav":
                self.in_toc = 0
            elif tag == "ol":
                self.depth -= 1
            elif tag == "li" and self.counts:
                index = self.counts.pop()
                if index >= 0:
                    e = entries[index]
                    kids = sum(1 for x in entries[index + 1:] if x.depth == e.depth + 1)
                    entries[index] = _Entry(e.title, e.href, e.fragment, e.depth, kids)
            elif tag in {"a", "span"} and self.link is not None:
                title = re.sub(r"\s+", " ", "".join(self.link["text"])).strip()
                href, frag = epub.resolve(nav, self.link["href"]) if self.link["href"] else ("", "")
                if self.counts and self.counts[-1] < 0:
                    self.counts[-1] = len(entries)
                    entries.append(_Entry(title, href, frag, max(0, self.depth), 0))
                self.link = None

        def handle_data(self, data: str) -> None:
            if self.link is not None:
                self.link["text"].append(data)

    reader = NavReader()
    reader.feed(epub.text(nav))
    return entries


def _read_spine(epub: _Epub, spine: list[str]) -> tuple[str, dict[str, Document], dict[str, int]]:
    """The spine's documents one after another, two newlines apart; where each starts in the text."""
    parts: list[str] = []
    docs: dict[str, Document] = {}
    starts: dict[str, int] = {}
    length = 0
    for href in spine:
        if href in docs or href not in epub.names:
            continue
        doc = read_document(epub.text(href))
        if doc.entities:
            raise epub.error(f"{href} declares XML entities, which are refused (a possible entity-expansion attack)")
        docs[href] = doc
        if length and doc.text:
            parts.append("\n\n")
            length += 2
        starts[href] = length
        parts.append(doc.text)
        length += len(doc.text)
    return "".join(parts), docs, starts


def _chapters(text: str, docs: dict[str, Document], starts: dict[str, int], entries: list[_Entry],
              book_title: str) -> Contents:
    """Chapters at the table of contents' entries; parts when its top level groups chapters as parts."""
    def position(href: str, fragment: str) -> int | None:
        if href not in docs or not docs[href].text:
            return None
        local = docs[href].ids.get(fragment, 0) if fragment else 0
        pos = starts[href] + min(local, len(docs[href].text))
        while pos < len(text) and text[pos].isspace():
            pos += 1
        return pos

    top = [e for e in entries if e.depth == 0]
    as_parts = bool(top) and any(e.children for e in top) and all(
        _PART_TITLE.match(e.title) for e in top if e.children)
    heads: list[tuple[int, int, str]] = []
    parts: list[tuple[int, int, str]] = []
    seen: set[tuple[int, bool]] = set()
    for e in entries:
        pos = position(e.href, e.fragment)
        if pos is None or _NOT_STORY.match(e.title) or e.depth > (1 if as_parts else 0):
            continue
        is_part = as_parts and e.depth == 0 and e.children > 0
        if (pos, is_part) in seen:
            continue  # a second entry for the same place: the first names it
        seen.add((pos, is_part))
        target = parts if is_part else heads
        target.append((pos, _body_start(text, docs[e.href], starts[e.href], pos), e.title or f"Chapter {len(heads)}"))
    if not heads and not parts:  # no usable table of contents: a chapter per document, named by its heading
        for href, doc in docs.items():
            if doc.text and doc.headings and doc.headings[0][0] < 3:
                pos = starts[href]
                heads.append((pos, _body_start(text, doc, starts[href], pos), doc.headings[0][2]))
    heads.sort()
    parts.sort()
    return assemble_chapters(text, book_title, heads, parts, 0, len(text), not heads and not parts)


def _body_start(text: str, doc: Document, doc_start: int, pos: int) -> int:
    """Past the heading elements that open a chapter at `pos`, so their words are the title, not the body."""
    body = pos
    for start, end, _words in doc.headings:
        start, end = doc_start + start, doc_start + end
        if start <= body + 2 and end > body and not text[body:start].strip():
            body = end
    return body


def _cover(epub: _Epub, opf: Element, manifest: dict[str, dict[str, str]]) -> tuple[bytes | None, str | None]:
    """The cover image: EPUB 3 `cover-image`, else the EPUB 2 `<meta name="cover">`, else an image named cover."""
    item = next((m for m in manifest.values() if "cover-image" in m["props"].split()), None)
    if item is None:
        ref = next((el.get("content", "") for el in opf.iter() if _local(el) == "meta" and el.get("name") == "cover"),
                   "")
        item = manifest.get(ref) or next((m for m in manifest.values() if m["href"].endswith(ref) and ref), None)
    if item is None:
        item = next((m for m in manifest.values() if m["type"].startswith("image/") and "cover" in m["href"].lower()),
                    None)
    if item is None or not item["type"].startswith("image/") or item["href"] not in epub.names:
        return None, None
    return epub.read(item["href"]), item["type"]
