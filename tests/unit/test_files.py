"""What an upload is, from its bytes only; decompression bombs; safe original names."""

import io
import zipfile

import pytest

from app.domain import files


def zipped(*members, declared=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    data = bytearray(out.getvalue())
    if declared is not None:  # lie about the first member's inflated size
        central = data.find(b"PK\x01\x02")
        data[central + 24:central + 28] = declared.to_bytes(4, "little")
    return bytes(data)


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


OOXML = "[Content_Types].xml", "<Types/>"


@pytest.mark.parametrize(("data", "expected"), [
    (b"%PDF-1.7\n...", files.PDF),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", files.PNG),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", files.JPEG),
    (b"GIF89a\x01\0\x01\0", files.GIF),
    (b"RIFF\x24\0\0\0WEBPVP8 ", files.WEBP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, files.OLE),
    (zipped(OOXML, ("word/document.xml", "<w:document/>")), files.DOCX),
    (zipped(OOXML, ("xl/workbook.xml", "<workbook/>")), files.XLSX),
    (zipped(OOXML, ("ppt/presentation.xml", "<p/>")), files.PPTX),
    (odt(), "application/vnd.oasis.opendocument.text"),
    ("Bonjour, voici ma réclamation.\n".encode(), files.TEXT),
    ("\ufeffnom;montant\nHélène;42,5\nJean;3\n".encode(), files.CSV),
    (b"MZ is how my notes begin\n", files.TEXT),  # text, not a DOS header
])
def test_accepted_types_are_sniffed(data, expected):
    assert files.sniff(data) == expected


@pytest.mark.parametrize(("data", "reason"), [
    (b"", files.EMPTY),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 60, files.EXECUTABLE),
    (b"\x7fELF\x02\x01\x01\0", files.EXECUTABLE),
    (b"#!/usr/bin/env python\nprint(1)\n", files.EXECUTABLE),
    (b"\xcf\xfa\xed\xfe\x07\0\0\x01", files.EXECUTABLE),
    (zipped(("payload.exe", "MZ")), files.UNSUPPORTED),  # a plain zip
    (zipped(OOXML, ("word/document.xml", "x"), declared=2 * 1024**3), files.ZIP_BOMB),
    (zipped(*[(f"word/{i}.xml", "") for i in range(1001)], OOXML), files.ZIP_BOMB),
    (zipped(OOXML, ("word/document.xml", b"\0" * 2_000_000)), files.ZIP_BOMB),  # ratio
    (b"PK\x03\x04 truncated", files.UNSUPPORTED),
    ("café".encode("latin-1") + b"\n", files.UNSUPPORTED),  # not UTF-8
    (b"text with a \x00 NUL", files.UNSUPPORTED),
    (b"\x01\x02\x03 binary", files.UNSUPPORTED),
])
def test_refused(data, reason):
    with pytest.raises(files.Refused) as refused:
        files.sniff(data)
    assert refused.value.reason == reason


@pytest.mark.parametrize(("raw", "clean"), [
    ("Réponse été.pdf", "Réponse été.pdf"),
    ("C:\\Users\\h\\rapport.docx", "rapport.docx"),
    ("../../etc/passwd", "passwd"),
    ("a\r\nb\x00.txt", "ab.txt"),
    ("", "file"),
    ("...", "file"),
    ("x" * 300 + ".pdf", "x" * 190 + ".pdf"),
    ("Cafe\u0301.txt", "Café.txt"),  # NFC
])
def test_clean_filename(raw, clean):
    assert files.clean_filename(raw) == clean
