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


def odf(mimetype: bytes) -> bytes:
    """A zip laid out as an OpenDocument file whose ``mimetype`` member says ``mimetype``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize("mimetype", [
    b"text/html",  # a well-formed type, but not an OpenDocument one
    b"image/svg+xml",
    b"application/vnd.oasis.opendocument.text<script>",  # an OpenDocument prefix, junk after
    b"application/vnd.oasis.opendocument.text\nContent-Type: text/html",
    "application/vnd.oasis.opendocument.tëxt".encode(),  # not ASCII
    b"application/vnd.oasis.opendocument.text\xff",
])
def test_an_opendocument_zip_declaring_another_type_is_refused(mimetype):
    with pytest.raises(files.Refused) as refused:
        files.sniff(odf(mimetype))
    assert refused.value.reason == files.UNSUPPORTED


def test_an_opendocument_type_is_read_from_its_first_100_bytes():
    declared = "application/vnd.oasis.opendocument." + "x" * 100
    assert files.sniff(odf(declared.encode())) == declared[:100]
    assert files.sniff(odf(b"  application/vnd.oasis.opendocument.spreadsheet\n")) == \
        "application/vnd.oasis.opendocument.spreadsheet"


@pytest.mark.parametrize("data", [
    b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0",  # a WAV sound
    b"RIFF\x24\0\0\0AVI LIST\x10\0\0\0hdrl",  # an AVI video
    b"RIFX\x24\0\0\0WEBPVP8 ",  # not RIFF
])
def test_only_a_riff_webp_is_a_webp(data):
    with pytest.raises(files.Refused) as refused:
        files.sniff(data)
    assert refused.value.reason == files.UNSUPPORTED


def test_zip_limits_defaults():
    limits = files.ZipLimits()
    assert (limits.max_total, limits.max_ratio, limits.max_members) == (
        100 * 1024 * 1024, 100, 1000)


def test_a_zip_may_hold_exactly_the_maximum_number_of_members():
    members = [(f"word/{i}.xml", "") for i in range(999)]
    assert files.sniff(zipped(*members, OOXML)) == files.DOCX  # 1000 members
    assert files.check_zip(zipped(("a", ""), ("b", "")), files.ZipLimits(max_members=2)) == \
        ["a", "b"]
    with pytest.raises(files.Refused) as refused:
        files.check_zip(zipped(("a", ""), ("b", ""), ("c", "")),
                        files.ZipLimits(max_members=2))
    assert refused.value.reason == files.ZIP_BOMB


def with_total(total: int) -> bytes:
    """A docx whose members' declared sizes add up to ``total`` (the first one lies)."""
    rest = len("<Types/>")
    return zipped(("word/document.xml", "x"), OOXML, declared=total - rest)


def test_a_zip_may_inflate_to_exactly_the_maximum_ratio():
    length = len(with_total(1000))
    assert files.sniff(with_total(100 * length)) == files.DOCX  # default ratio: 100
    with pytest.raises(files.Refused) as refused:
        files.sniff(with_total(100 * length + 1))
    assert refused.value.reason == files.ZIP_BOMB
    assert files.sniff(with_total(5 * length), files.ZipLimits(max_ratio=5)) == files.DOCX
    with pytest.raises(files.Refused):
        files.sniff(with_total(5 * length + 1), files.ZipLimits(max_ratio=5))


def test_a_zip_may_inflate_to_exactly_the_maximum_total():
    limits = files.ZipLimits(max_total=5000, max_ratio=10**9)
    assert files.sniff(with_total(5000), limits) == files.DOCX
    with pytest.raises(files.Refused) as refused:
        files.sniff(with_total(5001), limits)
    assert refused.value.reason == files.ZIP_BOMB


def test_the_default_total_is_100_mib():
    # Over 1 MiB of (stored) data, so that the ratio of 100 allows the 100 MiB total.
    payload = bytes(range(256)) * 4200
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/media/image.bin", payload)
        archive.writestr(*OOXML)
    data = bytearray(out.getvalue())
    central = data.find(b"PK\x01\x02")
    for total, accepted in ((100 * 1024 * 1024, True), (100 * 1024 * 1024 + 1, False)):
        data[central + 24:central + 28] = (total - len("<Types/>")).to_bytes(4, "little")
        if accepted:
            assert files.sniff(bytes(data)) == files.DOCX
        else:
            with pytest.raises(files.Refused):
                files.sniff(bytes(data))


def test_sniff_applies_the_limits_it_is_given():
    docx = zipped(OOXML, ("word/document.xml", "x"), ("word/styles.xml", "y"))
    assert files.sniff(docx) == files.DOCX
    with pytest.raises(files.Refused) as refused:
        files.sniff(docx, files.ZipLimits(max_members=2))
    assert refused.value.reason == files.ZIP_BOMB


def test_a_refusal_says_its_reason():
    assert str(files.Refused(files.ZIP_BOMB)) == "zip_bomb"
    assert (files.EMPTY, files.EXECUTABLE, files.UNSUPPORTED, files.ZIP_BOMB,
            files.NOT_A_ZIP) == ("empty", "executable", "unsupported", "zip_bomb", "not_a_zip")


def test_mz_is_an_executable_header_when_its_first_512_bytes_are_not_text():
    # Text for 512 bytes, then a control character: not an executable, not text either.
    with pytest.raises(files.Refused) as refused:
        files.sniff(b"MZ" + b"a" * 510 + b"\x01")
    assert refused.value.reason == files.UNSUPPORTED


@pytest.mark.parametrize(("data", "expected"), [
    (b"nom;montant\nJean;3", files.CSV),  # two lines are enough
    (b"a,b\nc,d\ne", files.CSV),  # the last line may be cut short
    (b"a\tb\tc\nd\te\tf\n", files.CSV),
    (b"Bonjour\nMerci\nAu revoir\n", files.TEXT),  # no delimiter at all
    (b"Objet ; retard\nMerci\nCordialement\n", files.TEXT),  # a delimiter on one line only
    (b"a;b\nc;d\nplain\nplain\n", files.TEXT),  # the delimiters stop before the end
    (b"a;b\nc;d;e\nf;g\n", files.TEXT),  # not the same count on every line
    # Only the first 20 non-empty lines are read, the 20th as a last line (maybe cut).
    (b"a;b\n" * 19 + b"plain\n" + b"c;d\n", files.CSV),
    (b"a;b\n" * 18 + b"plain\n" + b"c;d\n" * 2, files.TEXT),
    (b"a;b\n" * 20 + b"plain\n" + b"c;d\n", files.CSV),
    (b"a;b\n\n\n   \nc;d\n", files.CSV),  # blank lines are skipped
    # Only the first 64 KiB count: a third line starting at byte 65536 is not read.
    (b"a;b\n" + b"x" * 65531 + b"\nz\n", files.CSV),
])
def test_csv_or_plain_text(data, expected):
    assert files.sniff(data) == expected


def test_a_csv_cut_in_the_middle_of_a_character_at_64_kib():
    data = b"nom;ville\nx" + "é".encode() * 40000 + b";x\n"
    assert data[65535:65537] == "é".encode()  # the 64 KiB window ends inside an "é"
    assert files.sniff(data) == files.CSV


def test_text_is_judged_on_its_first_64_kib_of_characters():
    assert files.sniff(b"a" * 65536 + b"\x01") == files.TEXT
    with pytest.raises(files.Refused):
        files.sniff(b"a" * 65535 + b"\x01")


@pytest.mark.parametrize(("raw", "clean"), [
    # Over 200 characters without a dot: cut to 200, not to an "extension".
    ("y" * 250, "y" * 200),
    ("y" * 201, "y" * 200),
    ("y" * 200, "y" * 200),  # exactly 200: kept
    ("z" * 196 + ".pdf", "z" * 196 + ".pdf"),  # 200 with an extension: kept
    ("z" * 197 + ".pdf", "z" * 190 + ".pdf"),  # 201: the stem is cut, the extension kept
    ("w" * 250 + ".123456789", "w" * 190 + ".123456789"),  # a 9-character extension
    ("w" * 250 + ".1234567890", ("w" * 250 + ".1234567890")[:200]),  # 10: not an extension
    ("w" * 250 + ".documentation", ("w" * 250 + ".documentation")[:200]),
    ("v1.2" + "x" * 250 + ".pdf", ("v1.2" + "x" * 250)[:190] + ".pdf"),  # the last dot
    ("Xavier.pdf", "Xavier.pdf"),
    ("XX.pdf.", "XX.pdf"),
    ("  .rapport.pdf . ", "rapport.pdf"),
])
def test_clean_filename_lengths(raw, clean):
    assert files.clean_filename(raw) == clean
