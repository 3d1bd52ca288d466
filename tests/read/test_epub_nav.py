"""EPUB tables of contents: nested parts, half-titles, sections, fragments, furniture, orphans and covers."""

from __future__ import annotations

from pathlib import Path

from audiobook.pipeline import plan_book
from audiobook.read.book import Book, load_book
from audiobook.script.lines import chapter_lines
from tests.helpers import PNG, make_epub, opf

XHTML = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>x</title></head><body{body}>{content}</body></html>"""
PROSE = "<p>The tide came in over the flats while the gulls argued about the herring boats.</p>"


def page(content: str, body: str = "") -> str:
    return XHTML.format(content=content, body=f' epub:type="{body}"' if body else "")


def section(kind: str, ident: str, heading: str, content: str = PROSE) -> str:
    return f'<section id="{ident}" epub:type="{kind}">{heading}{content}</section>'


def nav(items: str) -> str:
    return page(f'<nav epub:type="toc"><ol>{items}</ol></nav>'
                '<nav epub:type="landmarks"><ol><li><a href="text/ch1.xhtml">Start</a></li></ol></nav>')


def li(href: str, title: str, children: str = "") -> str:
    return f'<li><a href="{href}">{title}</a>{f"<ol>{children}</ol>" if children else ""}</li>'


def epub3(docs: dict[str, str], toc: str | None, extra_manifest: str = "", spine: list[str] | None = None,
          files: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """An EPUB 3 whose spine is `docs` in order (names under OEBPS/text/), with a nav of `toc` entries."""
    names = spine or list(docs)
    manifest = "".join(f'<item id="d{i}" href="text/{n}" media-type="application/xhtml+xml"/>' for i, n in
                       enumerate(docs))
    if toc is not None:
        manifest += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
    refs = "".join(f'<itemref idref="d{list(docs).index(n)}"/>' for n in names)
    out: dict[str, str | bytes] = {"OEBPS/content.opf": opf("3.0", manifest + extra_manifest,
                                                             f"<spine>{refs}</spine>")}
    out.update({f"OEBPS/text/{n}": d for n, d in docs.items()})
    if toc is not None:
        out["OEBPS/nav.xhtml"] = nav(toc)
    out.update(files or {})
    return out


FURNITURE = {
    "titlepage.xhtml": page(section("titlepage", "titlepage", "<h1>The Storm</h1>", "<p>by Ann Writer</p>")),
    "imprint.xhtml": page(section("imprint", "imprint", "<h2>Imprint</h2>",
                                  "<p>This ebook is the product of many hours of work by volunteers at Standard "
                                  "Ebooks, who keep it in the public domain.</p>"), "frontmatter"),
}
BACK = {
    "endnotes.xhtml": page(section("endnotes", "endnotes", "<h2>Endnotes</h2>", "<ol><li id='n1'>A note.</li></ol>"),
                           "backmatter"),
    "colophon.xhtml": page(section("colophon", "colophon", "<h2>Colophon</h2>",
                                   "<p>The Storm was produced by Standard Ebooks from many sources.</p>"),
                           "backmatter"),
    "uncopyright.xhtml": page(section("copyright-page", "uncopyright", "<h2>Uncopyright</h2>",
                                      "<p>May you do good and not evil; this uncopyright says so.</p>"),
                              "backmatter"),
}


def labelled(level: int, label: str, number: str, title: str = "") -> str:
    heading = (f'<h{level}><span epub:type="label">{label}</span> '
               f'<span epub:type="ordinal z3998:roman">{number}</span></h{level}>')
    return f'<hgroup>{heading}<p epub:type="title">{title}</p></hgroup>' if title else heading


def standard_book() -> dict[str, str | bytes]:
    """Like a Standard Ebooks file: furniture, a half-title over Part > Book > chapter, a chapter of sections."""
    docs = {**FURNITURE,
            "dedication.xhtml": page(section("dedication", "dedication", "", "<p>To the harbour pilots.</p>"),
                                     "frontmatter"),
            "halftitlepage.xhtml": page(section("halftitlepage", "halftitlepage", "<h2>The Storm</h2>", "")),
            "part-1.xhtml": page(section("part", "part-1", labelled(2, "Part", "I"), ""), "bodymatter"),
            "book-1.xhtml": page(section("part", "book-1", labelled(3, "Book", "I", "The Harbour"), ""), "bodymatter"),
            "ch1.xhtml": page(section("chapter", "chapter-1", "<h4>I</h4>"), "bodymatter"),
            "ch2.xhtml": page(section("chapter", "chapter-2", "<h4>II</h4>",
                                      section("z3998:subchapter", "chapter-2-1", "<h5>1</h5>")
                                      + section("z3998:subchapter", "chapter-2-2", "<h5>2</h5>")), "bodymatter"),
            "book-2.xhtml": page(section("part", "book-2", labelled(3, "Book", "II", "The Storm"), ""), "bodymatter"),
            "ch3.xhtml": page(section("chapter", "chapter-3", "<h4>III</h4>"), "bodymatter"),
            "ch4.xhtml": page(section("chapter z3998:letter", "chapter-4", labelled(2, "Letter", "IV")), "bodymatter"),
            **BACK}
    toc = (li("text/titlepage.xhtml", "Titlepage") + li("text/imprint.xhtml", "Imprint")
           + li("text/dedication.xhtml", "Dedication")
           + li("text/halftitlepage.xhtml", "The Storm",
                li("text/part-1.xhtml", "Part <span>I</span>",
                   li("text/book-1.xhtml", "Book <span>I</span>: The Harbour",
                      li("text/ch1.xhtml", "I")
                      + li("text/ch2.xhtml", "II: The\n   Pier",
                           li("text/ch2.xhtml#chapter-2-1", "1") + li("text/ch2.xhtml#chapter-2-2", "2")))
                   + li("text/book-2.xhtml", "Book II: The Storm", li("text/ch3.xhtml", "III")))
                + li("text/ch4.xhtml", "IV"))
           + li("text/endnotes.xhtml", "Endnotes") + li("text/colophon.xhtml", "Colophon")
           + li("text/uncopyright.xhtml", "Uncopyright"))
    return epub3(docs, toc)


def texts(book: Book) -> list[str]:
    return [book.text[c.start:c.end] for c in book.chapters]


def test_nested_parts_half_title_and_numbered_titles(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "se.epub", standard_book()))
    assert [c.title for c in book.chapters] == ["Dedication", "Chapter I", "Chapter II: The Pier", "Chapter III",
                                                "Letter IV"]
    assert book.parts == (("Part I", 2), ("Book I: The Harbour", 2), ("Book II: The Storm", 4))
    two = book.text[book.chapters[2].start:book.chapters[2].end]
    assert two.count("The tide came in") == 2  # its sections are part of it, not tracks
    assert all(t.startswith(("To the harbour", "The tide came in", "1\n\nThe tide")) for t in texts(book)[:2])


def test_furniture_is_never_read(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "se.epub", standard_book()))
    for text in texts(book):
        for furniture in ("Standard Ebooks", "uncopyright", "product of", "by Ann Writer", "A note", "Colophon"):
            assert furniture not in text
    assert "The Harbour" not in "".join(texts(book))  # a part's heading is its spoken title


def test_nested_part_titles_are_spoken_outermost_first(tmp_path: Path) -> None:
    script = plan_book(make_epub(tmp_path / "se.epub", standard_book()))
    first = chapter_lines(script, script.chapters[1])[0]
    assert first.title and first.text == "Part 1. Book 1. The Harbour. Chapter 1"
    second = chapter_lines(script, script.chapters[2])[0]
    assert second.text == "Chapter 2. The Pier"


NCX = """<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>{}</navMap></ncx>"""


def point(src: str, title: str, children: str = "") -> str:
    return f"<navPoint><navLabel><text>{title}</text></navLabel><content src='{src}'/>{children}</navPoint>"


def plain(content: str) -> str:
    return f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{content}</body></html>'


def epub2(docs: dict[str, str], ncx: str) -> dict[str, str | bytes]:
    manifest = '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>' + "".join(
        f'<item id="d{i}" href="{n}" media-type="application/xhtml+xml"/>' for i, n in enumerate(docs))
    spine = '<spine toc="ncx">' + "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs))) + "</spine>"
    return {"OEBPS/content.opf": opf("2.0", manifest, spine), "OEBPS/toc.ncx": NCX.format(ncx),
            **{f"OEBPS/{n}": d for n, d in docs.items()}}


def ncx_book() -> dict[str, str | bytes]:
    """An EPUB 2 with no epub:type at all: furniture known by its title, a half-title by the book's title."""
    docs = {"cover.html": plain('<div><img src="cover.jpg" alt="cover"/></div>'),
            "copyright.html": plain("<h1>Copyright</h1><p>Copyright 1901 by the author; all rights are reserved "
                                    "in every country that signed the convention.</p>"),
            "contents.html": plain("<h1>Contents</h1><p>Chapter 1</p><p>Chapter 2</p>"),
            "half.html": plain("<h1>The Storm</h1>"),
            "part1.html": plain("<h1>Part One: Ebb</h1>"),
            "ch1.html": plain("<h2>Chapter 1</h2>" + PROSE),
            "ch2.html": plain("<h2>Chapter 2</h2>" + PROSE),
            "part2.html": plain("<h1>Part Two: Flow</h1><p>In which the water returns, and with it every boat that "
                                "went out in the spring.</p>"),
            "ch3.html": plain("<h2>Chapter 3</h2>" + PROSE),
            "more.html": plain("<p>The harbour master wrote it all down in the ledger before he slept that night.</p>"),
            "after.html": plain("<h2>Afterword</h2>" + PROSE)}
    ncx = (point("cover.html", "Cover") + point("copyright.html", "Copyright") + point("contents.html", "Contents")
           + point("half.html", "The Storm",
                   point("part1.html", "Part One: Ebb", point("ch1.html", "Chapter 1") + point("ch2.html", "Chapter 2"))
                   + point("part2.html", "Part Two: Flow", point("ch3.html", "Chapter 3")))
           + point("after.html", "Afterword"))
    return epub2(docs, ncx)


def test_ncx_nested_without_epub_type(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "ncx.epub", ncx_book()))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2", "Part Two: Flow", "Chapter 3", "Afterword"]
    assert book.parts == (("Part One: Ebb", 1), ("Part Two: Flow", 3))
    read = texts(book)
    assert read[2].startswith("In which the water returns")  # a part with words of its own is a track
    assert "harbour master" in read[3]  # a document the contents skip is read with the chapter before it
    assert not any("Copyright" in t or "rights" in t or "Contents" in t for t in read)


def test_fragments_split_one_document(tmp_path: Path) -> None:
    body = ("<h1>Foreword</h1><p>These pages were found in a sea chest, and are printed as they were written.</p>"
            "<h1 id='p1'>Part One</h1><h2 id='c1'>Chapter 1</h2>" + PROSE
            + "<h2 id='c2'>Chapter 2</h2><p>Rain.</p><p>More rain, all day long and into the night again.</p>"
            "<h1 id='p2'>Part Two</h1><h2 id='c3'>Chapter 3</h2>" + PROSE)
    toc = (li("text/book.xhtml#p1", "Part One", li("text/book.xhtml#c1", "Chapter 1")
              + li("text/book.xhtml#c2", "Chapter 2"))
           + li("text/book.xhtml#p2", "Part Two", li("text/book.xhtml#c3", "Chapter 3")))
    book = load_book(make_epub(tmp_path / "one.epub", epub3({"book.xhtml": plain(body)}, toc)))
    assert [c.title for c in book.chapters] == ["Foreword", "Chapter 1", "Chapter 2", "Chapter 3"]
    assert book.parts == (("Part One", 2), ("Part Two", 4))
    assert [t[:12] for t in texts(book)] == ["These pages ", "The tide cam", "Rain.\n\nMore ", "The tide cam"]


def test_text_before_the_first_entry(tmp_path: Path) -> None:
    docs = {"title.xhtml": plain("<h1>The Storm</h1><p>Ann Writer</p><p>London, 1901</p>"),
            "note.xhtml": plain("<p>The author asks the reader to forgive the many errors of fact in what follows.</p>"),
            "ch1.xhtml": plain("<h2>One</h2>" + PROSE)}
    book = load_book(make_epub(tmp_path / "o.epub", epub3(docs, li("text/ch1.xhtml", "One"))))
    assert [c.title for c in book.chapters] == ["The Storm", "One"]  # the prose before it, named by the book
    assert texts(book)[0].startswith("The author asks") and "Ann Writer" not in "".join(texts(book))


def test_broken_or_missing_navigation_falls_back_to_the_spine(tmp_path: Path) -> None:
    docs = {"a.xhtml": plain("<h1>Beginning</h1>" + PROSE), "b.xhtml": plain(PROSE),
            "c.xhtml": plain("<h1>Ending</h1>" + PROSE)}
    missing = epub3(docs, None, '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
                                'properties="nav"/><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
                    files={"OEBPS/toc.ncx": "<ncx><navMap><navPoint>"})
    for name, files in {"missing": missing, "empty": epub3(docs, "")}.items():
        book = load_book(make_epub(tmp_path / f"{name}.epub", files))
        assert [c.title for c in book.chapters] == ["Beginning", "Ending"], name
        assert texts(book)[0].count("The tide") == 2  # a document with no heading continues the one before


def test_empty_entries_and_out_of_book_links_are_not_tracks(tmp_path: Path) -> None:
    docs = {"plate.xhtml": plain('<img src="plate.png" alt="A plate"/>'), "ch1.xhtml": plain("<h2>One</h2>" + PROSE)}
    toc = li("text/plate.xhtml", "Frontispiece") + li("../../etc/passwd", "Away") + li("text/ch1.xhtml", "One")
    book = load_book(make_epub(tmp_path / "e.epub", epub3(docs, toc)))
    assert [c.title for c in book.chapters] == ["One"]


def test_a_deep_or_odd_table_of_contents_does_not_break(tmp_path: Path) -> None:
    deep = li("text/ch1.xhtml", "One")
    for _ in range(400):
        deep = f"<li><span>Level</span><ol>{deep}</ol></li>"
    docs = {"ch1.xhtml": plain("<h2>One</h2>" + PROSE)}
    book = load_book(make_epub(tmp_path / "d.epub", epub3(docs, deep + "<li><a>no link</a></li><li></li>")))
    assert len(book.chapters) == 1 and "The tide" in texts(book)[0]


def test_a_very_long_title_is_cut_at_a_word(tmp_path: Path) -> None:
    long = "I: " + " ".join(["The Reverend and his cousins drive out to see the view"] * 5)
    docs = {"ch1.xhtml": plain("<h2>One</h2>" + PROSE)}
    title = load_book(make_epub(tmp_path / "l.epub", epub3(docs, li("text/ch1.xhtml", long)))).chapters[0].title
    assert title.startswith("Chapter I: The Reverend") and title.endswith("\u2026") and len(title) <= 151
    assert title[:-1] in f"Chapter {long}"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def test_only_jpeg_or_png_covers_are_kept(tmp_path: Path) -> None:
    docs = {"ch1.xhtml": plain("<h2>One</h2>" + PROSE)}
    toc = li("text/ch1.xhtml", "One")
    svg = '<item id="c" href="images/cover.svg" media-type="image/svg+xml" properties="cover-image"/>'
    cases = {
        "svg": (epub3(docs, toc, svg, files={"OEBPS/images/cover.svg": SVG}), (None, None)),
        "mislabelled": (epub3(docs, toc, svg.replace("svg+xml", "jpeg"), files={"OEBPS/images/cover.svg": PNG}),
                        (PNG, "image/png")),
        "fake jpeg": (epub3(docs, toc, svg.replace("svg+xml", "jpeg"), files={"OEBPS/images/cover.svg": b"GIF89a"}),
                      (None, None)),
        "svg then jpeg": (epub3(docs, toc, svg + '<item id="j" href="images/cover.jpg" media-type="image/jpeg"/>',
                                files={"OEBPS/images/cover.svg": SVG, "OEBPS/images/cover.jpg": JPEG}), (JPEG, "image/jpeg")),
    }
    for name, (files, want) in cases.items():
        book = load_book(make_epub(tmp_path / f"{name}.epub", files))
        assert (book.cover, book.cover_mime) == want, name


def test_subtitles_are_read_and_numbers_take_the_heading_label(tmp_path: Path) -> None:
    docs = {"pre.xhtml": page(section("preamble", "pre", "<hgroup><h2>Sources</h2><p epub:type='subtitle'>Gathered "
                                      "by a Clerk</p></hgroup>")),
            "l1.xhtml": plain("<h2>Letter IV</h2>" + PROSE),
            "c5.xhtml": plain("<h2>CHAPTER V.</h2>" + PROSE)}
    toc = li("text/pre.xhtml", "Sources") + li("text/l1.xhtml", "IV") + li("text/c5.xhtml", "V: Home")
    book = load_book(make_epub(tmp_path / "s.epub", epub3(docs, toc)))
    assert [c.title for c in book.chapters] == ["Sources", "Letter IV", "Chapter V: Home"]
    assert [t[:20] for t in texts(book)] == ["Gathered by a Clerk\n", "The tide came in ove", "The tide came in ove"]


def test_chapters_from_spine_or_headings_and_front_matter(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "se.epub", standard_book())
    from audiobook.read.book import ReadOptions

    spine = load_book(path, options=ReadOptions("spine"))
    # a document each that opens with a heading and has words below it (the parts' pages have none)
    assert [c.title for c in spine.chapters] == ["Chapter I", "Chapter II", "Chapter III", "Letter IV"]
    assert "Standard Ebooks" not in "".join(texts(spine))
    headings = load_book(path, options=ReadOptions("headings"))
    assert [c.title for c in headings.chapters][-1] == "Letter IV"
    front = load_book(path, options=ReadOptions(include_front_matter=True))
    assert "by Ann Writer" in texts(front)[0]
    assert "Standard Ebooks" not in "".join(texts(front))  # the imprint is never front matter


def test_chapters_from_toc_needs_a_table_of_contents(tmp_path: Path) -> None:
    from audiobook.errors import InputError
    from audiobook.read.book import ReadOptions

    docs = {"ch1.xhtml": page(section("chapter", "c1", "<h2>One</h2>")),
            "ch2.xhtml": page(section("chapter", "c2", "<h2>Two</h2>"))}
    path = make_epub(tmp_path / "bare.epub", epub3(docs, None))
    assert [c.title for c in load_book(path).chapters] == ["One", "Two"]
    try:
        load_book(path, options=ReadOptions("toc"))
    except InputError as exc:
        assert str(exc) == f"{path}: --chapters-from toc: it has no table of contents (nav or NCX); use spine or headings"
    else:
        raise AssertionError("no error")


def test_stories_in_one_document_are_tracks_and_a_bibliography_is_not_read(tmp_path: Path) -> None:
    stories = ('<section id="s"><h2>SECTION IV MODERN TALES</h2>'
               '<section id="b" epub:type="bibliography"><h3>BIBLIOGRAPHY</h3><p>Writer, Ann. The Lamp. 1901.</p>'
               '</section>'
               + "".join(f'<section id="t{n}"><h3>{n} THE {w} LANTERN</h3>{PROSE}</section>'
                         for n, w in ((190, "FIRST"), (191, "SECOND"))) + "</section>")
    toc = li("text/all.xhtml#s", "SECTION IV MODERN TALES",
             li("text/all.xhtml#b", "BIBLIOGRAPHY") + li("text/all.xhtml#t190", "190 THE FIRST LANTERN")
             + li("text/all.xhtml#t191", "191 THE SECOND LANTERN"))
    book = load_book(make_epub(tmp_path / "tales.epub", epub3({"all.xhtml": page(stories)}, toc)))
    assert [c.title for c in book.chapters] == ["190 The First Lantern", "191 The Second Lantern"]
    assert book.parts == (("Section IV Modern Tales", 1),)
    assert "Writer, Ann" not in "".join(texts(book))
    assert texts(book)[0].startswith("The tide came in")
