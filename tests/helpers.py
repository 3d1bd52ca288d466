"""Helpers the tests share: small EPUBs built in the test, never copied from a real book."""

from __future__ import annotations

import zipfile
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def opf(version: str, manifest: str, spine: str, meta: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="{version}" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
<dc:identifier id="id">urn:x</dc:identifier><dc:title>The Storm</dc:title>
<dc:creator id="a1">Ann Writer</dc:creator><dc:creator id="a2">Ed Itor</dc:creator>
<meta refines="#a2" property="role" scheme="marc:relators">edt</meta>
<dc:language>en-GB</dc:language>{meta}
</metadata>
<manifest>{manifest}</manifest>
{spine}
</package>"""


def make_epub(path: Path, files: dict[str, str | bytes], container: bool = True) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        if container:
            z.writestr("META-INF/container.xml", CONTAINER)
        for name, data in files.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path
