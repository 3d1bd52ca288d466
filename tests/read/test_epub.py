"""EPUB 2 and 3 reading: spine, table of contents, metadata, cover, skipped notes, and hostile files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.errors import InputError
from audiobook.read.book import load_book
from tests.helpers import PNG, make_epub, opf


def chapter(title: str, body: str, ident: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{title}</title><style>p {{ margin: 0 }}</style></head>
<body><section epub:type="chapter" id="{ident or 'top'}"><h2>{title}</h2>
{body}
</section></body></html>"""


CH1 = chapter("Chapter One", """<p>It was a dark and stormy night<a href="notes.xhtml#n1" epub:type="noteref">1</a>;
the rain fell in torrents.</p>
<p><span epub:type="pagebreak" id="page5" title="5">5</span>&#8220;Who is there?&#8221; asked Martha&nbsp;Hale.</p>
<figure><img src="images/map.png" alt="A map"/><figcaption>The map</figcaption></figure>
<p>Nobody<sup><a href="#fn2">2</a></sup> answered.</p>
<aside epub:type="footnote" id="fn2"><p>A footnote that is not read.</p></aside>""")
CH2 = chapter("Chapter Two", "<p>The morning came.</p><hr/><p>Later, the sea was calm.</p>")
TITLEPAGE = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<section epub:type="titlepage"><h1>The Storm</h1><p>by A. Writer</p></section></body></html>"""
NOTES = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<section epub:type="endnotes"><ol><li id="n1"><p>An endnote.</p></li></ol></section></body></html>"""


def epub3_files() -> dict[str, str | bytes]:
    nav = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<nav epub:type="toc"><ol>
<li><a href="titlepage.xhtml">Titlepage</a></li>
<li><a href="text/ch1.xhtml">I: The Night</a></li>
<li><a href="text/ch2.xhtml#top">II: The Morning</a></li>
<li><a href="notes.xhtml">Endnotes</a></li>
</ol></nav>
<nav epub:type="landmarks"><ol><li><a href="text/ch1.xhtml">Start</a></li></ol></nav></body></html>"""
    manifest = """
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="tp" href="titlepage.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
<item id="notes" href="notes.xhtml" media-type="application/xhtml+xml"/>
<item id="cov" href="images/cover.png" media-type="image/png" properties="cover-image"/>"""
    spine = """<spine><itemref idref="tp"/><itemref idref="c1"/><itemref idref="c2"/>
<itemref idref="notes" linear="no"/></spine>"""
    return {"OEBPS/content.opf": opf("3.0", manifest, spine), "OEBPS/nav.xhtml": nav,
            "OEBPS/titlepage.xhtml": TITLEPAGE, "OEBPS/text/ch1.xhtml": CH1, "OEBPS/text/ch2.xhtml": CH2,
            "OEBPS/notes.xhtml": NOTES, "OEBPS/images/cover.png": PNG}


def epub2_files() -> dict[str, str | bytes]:
    ncx = """<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="p1" playOrder="1"><navLabel><text>Part One</text></navLabel><content src="part1.html"/>
  <navPoint id="n1" playOrder="2"><navLabel><text>Chapter 1. The Night</text></navLabel>
    <content src="ch1.html"/></navPoint>
  <navPoint id="n2" playOrder="3"><navLabel><text>Chapter 2. The Morning</text></navLabel>
    <content src="ch2.html"/></navPoint>
</navPoint></navMap></ncx>"""
    part = '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Part One</h1></body></html>'
    ch1 = CH1.replace('<a href="notes.xhtml#n1" epub:type="noteref">1</a>', '<sup><a href="#n1">[1]</a></sup>')
    ch1 = ch1.replace('<span epub:type="pagebreak" id="page5" title="5">5</span>', '<span class="pagenum">[Pg 5]</span>')
    manifest = """
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="part1" href="part1.html" media-type="application/xhtml+xml"/>
<item id="c1" href="ch1.html" media-type="application/xhtml+xml"/>
<item id="c2" href="ch2.html" media-type="application/xhtml+xml"/>
<item id="cover-img" href="cover.jpg" media-type="image/jpeg"/>"""
    spine = '<spine toc="ncx"><itemref idref="part1"/><itemref idref="c1"/><itemref idref="c2"/></spine>'
    meta = '<meta name="cover" content="cover-img"/>'
    return {"OEBPS/content.opf": opf("2.0", manifest, spine, meta), "OEBPS/toc.ncx": ncx, "OEBPS/part1.html": part,
            "OEBPS/ch1.html": ch1, "OEBPS/ch2.html": CH2, "OEBPS/cover.jpg": b"\xff\xd8\xff\xe0JPEG"}


def test_epub3_chapters_metadata_and_cover(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "storm.epub", epub3_files()))
    assert (book.kind, book.title, book.author, book.language) == ("epub", "The Storm", "Ann Writer", "en-GB")
    assert (book.cover, book.cover_mime) == (PNG, "image/png")
    assert [c.title for c in book.chapters] == ["Chapter I: The Night", "Chapter II: The Morning"]
    one, two = book.chapters
    assert book.text[:one.start].rstrip().endswith("Chapter One")  # the heading is the spoken title, not text
    assert one.start == one.body_start
    body = book.text[one.body_start:one.end]
    assert "It was a dark and stormy night;\nthe rain fell" in body or "stormy night; the rain" in body
    assert "\u201cWho is there?\u201d asked Martha\u00a0Hale." in body
    for unread in ("1", "5", "map", "footnote", "Nobody2", "endnote", "by A. Writer", "p {"):
        assert unread not in body.replace("Chapter One", "")
    assert "\n\n" in body  # paragraphs stay blank-line separated
    assert book.text[two.body_start:two.end].strip() == "The morning came.\n\n* * *\n\nLater, the sea was calm."
    assert book.source_offset(5) == 5  # an EPUB's offsets index its text


def test_epub2_ncx_parts_footnote_and_page_numbers(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "storm2.epub", epub2_files()), title="Given Title")
    assert book.title == "Given Title"
    assert book.cover == b"\xff\xd8\xff\xe0JPEG" and book.cover_mime == "image/jpeg"
    assert [c.title for c in book.chapters] == ["Chapter 1. The Night", "Chapter 2. The Morning"]
    assert book.parts == (("Part One", 1),)
    first = book.chapters[0]
    assert book.text[:first.start].split() == ["Part", "One", "Chapter", "One"]  # headings, read as titles
    body = book.text[first.body_start:first.end]
    assert "[1]" not in body and "Pg 5" not in body and "Nobody answered." in body


def test_epub_without_toc_is_a_chapter_per_document(tmp_path: Path) -> None:
    files = epub3_files()
    del files["OEBPS/nav.xhtml"]
    files["OEBPS/content.opf"] = str(files["OEBPS/content.opf"]).replace(' properties="nav"', "")
    book = load_book(make_epub(tmp_path / "b.epub", files))
    assert [c.title for c in book.chapters] == ["Chapter One", "Chapter Two"]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<package xmlns="http://www.idpf.org/2007/opf"><metadata><title>&lol3;</title></metadata></package>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<package xmlns="http://www.idpf.org/2007/opf"><metadata><title>&xxe;</title></metadata></package>"""
ENCRYPTION = """<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
 xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>
<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
<enc:CipherData><enc:CipherReference URI="OEBPS/text/ch1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"""
FONTS = ENCRYPTION.replace("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.idpf.org/2008/embedding")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"OEBPS/content.opf": BOMB}, "OEBPS/content.opf declares XML entities or external references, which are refused"),
        ({"OEBPS/content.opf": XXE}, "OEBPS/content.opf declares XML entities or external references, which are refused"),
        ({"OEBPS/text/ch2.xhtml": '<!DOCTYPE html [<!ENTITY a "aaaa">]><html><body><p>&a;</p></body></html>'},
         "OEBPS/text/ch2.xhtml declares XML entities, which are refused"),
        ({"META-INF/encryption.xml": ENCRYPTION}, "is DRM-encrypted (META-INF/encryption.xml lists encrypted content)"),
        ({"META-INF/rights.xml": "<rights/>"}, "is DRM-protected (META-INF/rights.xml); it is encrypted"),
        ({"OEBPS/../../evil.txt": "x"}, "has a member whose path escapes the archive ('OEBPS/../../evil.txt')"),
        ({"OEBPS/content.opf": str(epub3_files()["OEBPS/content.opf"]).replace("text/ch1.xhtml", "../../ch1.xhtml")},
         "OEBPS/content.opf links to '../../ch1.xhtml', outside the archive"),
        ({"OEBPS/big.txt": b"\x00" * (8 * 1024 * 1024)}, "member OEBPS/big.txt unpacks to over 100 times its packed size"),
        ({"OEBPS/content.opf": "<package"}, "OEBPS/content.opf is not well-formed XML"),
    ],
)
def test_hostile_epubs_are_refused(tmp_path: Path, change: dict[str, str | bytes], message: str) -> None:
    path = make_epub(tmp_path / "bad.epub", {**epub3_files(), **change})
    with pytest.raises(InputError) as err:
        load_book(path)
    text = str(err.value)
    assert text.startswith(f"{path}: {message}"), text
    assert "\n" not in text and text.endswith("; give an EPUB 2 or 3 file without DRM")


def test_font_obfuscation_is_not_drm(tmp_path: Path) -> None:
    book = load_book(make_epub(tmp_path / "fonts.epub", {**epub3_files(), "META-INF/encryption.xml": FONTS}))
    assert len(book.chapters) == 2


def test_not_a_zip_and_no_opf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.epub"
    fake.write_text("just text", encoding="utf-8")
    with pytest.raises(InputError, match=r"fake\.epub: is not an EPUB: not a zip archive"):
        load_book(fake)
    with pytest.raises(InputError, match=r"empty\.epub: has no package document \(OPF\)"):
        load_book(make_epub(tmp_path / "empty.epub", {}, container=False))


def test_total_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audiobook.read.epub.MAX_TOTAL", 1000)
    with pytest.raises(InputError, match="more than 0 MiB; refusing a possible zip bomb"):
        load_book(make_epub(tmp_path / "big.epub", epub3_files()))
