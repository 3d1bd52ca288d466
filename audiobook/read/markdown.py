"""Markdown manuscripts: plain text to read, chapters at `#` headings, title and author from front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from audiobook.read.chapters import Contents, assemble_chapters
from audiobook.read.offsets import OffsetMap, TextBuilder

_FRONT = re.compile(r"\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", re.S)
_ATX = re.compile(r" {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<title>.*?))?(?:[ \t]+#+)?[ \t]*\r?$")
_SETEXT = re.compile(r" {0,3}(?P<bar>=+|-+)[ \t]*\r?$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\r?$")
_FENCE = re.compile(r" {0,3}(```|~~~)")
_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S")
_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^[^\]]+\]:")
_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?")
# Inline markup, dropped with what it holds (images, footnote marks, tags, comments) or unwrapped.
_INLINE = re.compile(
    r"(?P<image>!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\]))"
    r"|(?P<note>\[\^[^\]]+\])"
    r"|(?P<link>\[(?P<label>[^\]]*)\](?:\((?P<url>[^)]*)\)|\[[^\]]*\]))"
    r"|(?P<tag></?[A-Za-z][^>]*>|<!--.*?-->)"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!])"
    r"|(?P<code>`+)"
    r"|(?P<emph>\*{1,3}|(?<![^\W_])_{1,3}|_{1,3}(?![^\W_])|~~)"
)
_PART_TITLE = re.compile(r"(?i)(?:part|book|volume|act)\b")


@dataclass(frozen=True)
class MarkdownBook:
    """A Markdown file read as plain text, with its chapters (offsets into `text`) and front matter."""

    text: str
    offsets: OffsetMap  # text offsets -> offsets into the Markdown source
    contents: Contents
    title: str | None
    author: str | None
    language: str | None


def read_markdown(source: str, book_title: str) -> MarkdownBook:
    """Strip Markdown to the words to read, keeping paragraphs; chapters at the headings that split the book."""
    meta: dict[str, Any] = {}
    out = TextBuilder(source)
    pos = 0
    front = _FRONT.match(source)
    if front:
        try:
            loaded = yaml.safe_load(front.group("yaml"))
        except yaml.YAMLError:
            loaded = None  # not front matter after all: a manuscript opening with a rule
        if isinstance(loaded, dict):
            meta = loaded
            pos = front.end()
    headings = _strip(source, pos, out)
    text, offsets = out.build()
    title = _meta_text(meta, "title")
    contents, found_title = _contents(text, headings, title or book_title)
    return MarkdownBook(text, offsets, contents, title or found_title, _meta_text(meta, "author", "creator"),
                        _meta_text(meta, "language", "lang"))


def _meta_text(meta: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return None


def _strip(source: str, pos: int, out: TextBuilder) -> list[tuple[int, int, int, str]]:
    """Append the plain text of source[pos:] to `out`; return its headings as (level, start, end, title)."""
    headings: list[tuple[int, int, int, str]] = []
    lines = source[pos:].split("\n")
    fenced = False
    skipping_note = False
    n = 0
    while n < len(lines):
        line = lines[n]
        start, end = pos, pos + len(line)
        pos = end + 1
        n += 1
        newline = end < len(source)
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue  # code is not read aloud
        if skipping_note and line[:1] in " \t" and line.strip():
            continue  # the indented rest of a footnote
        skipping_note = bool(_FOOTNOTE_DEF.match(line))
        if skipping_note or _DEFINITION.match(line):
            continue
        heading = _ATX.match(line)
        level = len(heading.group("marks")) if heading else 0
        if not heading and line.strip() and n < len(lines) and _SETEXT.match(lines[n]) and not _RULE.match(line):
            level = 1 if lines[n].strip().startswith("=") else 2
        if level:
            begin = len(out)
            if heading:
                if heading.group("title"):
                    _inline(source, start + heading.start("title"), start + heading.end("title"), out)
            else:
                _inline(source, start + len(line) - len(line.lstrip()), start + len(line.rstrip()), out)
                pos += len(lines[n]) + 1  # the underline
                n += 1
            headings.append((level, begin, len(out), _plain(source, start, end, heading)))
            out.put("\n", end)
            continue
        if _RULE.match(line):
            out.put("* * *", start)  # a scene break, as plain text marks one
        else:
            prefix = _PREFIX.match(line)
            _inline(source, start + (prefix.end() if prefix else 0), end, out)
        if newline:
            out.copy(end, end + 1)
    return headings


def _inline(source: str, start: int, end: int, out: TextBuilder) -> None:
    """Append source[start:end] without its inline markup."""
    pos = start
    for m in _INLINE.finditer(source, start, end):
        out.copy(pos, m.start())
        pos = m.end()
        if m.group("link") is not None:
            _inline(source, m.start("label"), m.end("label"), out)
        elif m.group("escape"):
            out.copy(m.start() + 1, m.end())
    out.copy(pos, end)


def _plain(source: str, start: int, end: int, heading: re.Match[str] | None) -> str:
    """A heading's title as plain text."""
    piece = TextBuilder(source)
    if heading:
        _inline(source, start + heading.start("title"), start + heading.end("title"), piece)
    else:
        _inline(source, start, end, piece)
    return re.sub(r"\s+", " ", piece.build()[0]).strip()


def _contents(text: str, headings: list[tuple[int, int, int, str]], book_title: str) -> tuple[Contents, str | None]:
    """Chapters at the shallowest heading level that splits the book; a lone `#` over them is its title."""
    title = None
    start = 0
    levels = sorted({h[0] for h in headings})
    if len(levels) > 1 and sum(h[0] == levels[0] for h in headings) == 1 and headings[0][0] == levels[0]:
        title = headings[0][3]
        if not text[:headings[0][1]].strip():
            start = headings[0][2]  # the title is not read as a chapter of its own
        headings = headings[1:]
        levels = levels[1:]
    if not levels:
        return assemble_chapters(text, title or book_title, [], [], start, len(text), True), title
    top = [h for h in headings if h[0] == levels[0]]
    parts: list[tuple[int, int, str]] = []
    level = levels[0]
    if len(levels) > 1 and all(_PART_TITLE.match(h[3]) for h in top):
        parts = [(s, e, t) for _l, s, e, t in top]
        level = levels[1]
    heads = [(s, e, t) for lv, s, e, t in headings if lv == level]
    return assemble_chapters(text, title or book_title, heads, parts, start, len(text), True), title
