"""Uploaded files: what they are, decided by their content (magic bytes), never by their
name or the browser's content type; zip archives checked for decompression bombs before
anything parses them; original names made safe to store and to send back.

Plain Python: the services map the ``Refused`` reasons to translated messages.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

# Reasons a file is refused (``Refused.reason``).
EMPTY = "empty"
EXECUTABLE = "executable"
UNSUPPORTED = "unsupported"
ZIP_BOMB = "zip_bomb"
NOT_A_ZIP = "not_a_zip"

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE = "application/vnd.ms-office"  # legacy .doc/.xls/.ppt: one container format
TEXT = "text/plain"
CSV = "text/csv"
ODF_PREFIX = "application/vnd.oasis.opendocument."

IMAGES = (PNG, JPEG)  # what a letterhead logo may be

_SIGNATURES = (  # (prefix, type): simple magic bytes
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
)
_EXECUTABLES = (  # (and "MZ", Windows PE / DOS, unless the file is text)
    b"\x7fELF",  # Linux
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"\x00asm",  # WebAssembly
)
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_CSV_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ZipLimits:
    """How far a zip may inflate: all members together, as a ratio of the upload, and
    how many members."""

    max_total: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_members: int = 1000


class Refused(ValueError):
    """The file is not accepted; ``reason`` is one of the codes above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> list[str]:
    """The member names of a zip, after checking its declared sizes (nothing inflated).

    Python's zipfile never inflates a member past its declared size, so checking the
    declared sizes bounds what any later parsing can inflate.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Refused(NOT_A_ZIP) from None
    total = sum(member.file_size for member in members)
    if (len(members) > limits.max_members or total > limits.max_total
            or total > limits.max_ratio * max(len(data), 1)):
        raise Refused(ZIP_BOMB)
    return [member.filename for member in members]


def sniff(data: bytes, limits: ZipLimits = ZipLimits()) -> str:
    """The content type of an upload, from its bytes; ``Refused`` when it is empty, an
    executable, a zip bomb or of a type that is not accepted."""
    if not data:
        raise Refused(EMPTY)
    if data.startswith(_EXECUTABLES) or (data.startswith(b"MZ") and not _is_text(data[:512])):
        raise Refused(EXECUTABLE)
    for prefix, mime in _SIGNATURES:
        if data.startswith(prefix):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data, limits)
    if _is_text(data):
        return CSV if _looks_like_csv(data) else TEXT
    raise Refused(UNSUPPORTED)


def _zip_type(data: bytes, limits: ZipLimits) -> str:
    try:
        names = check_zip(data, limits)
    except Refused as refused:
        if refused.reason == NOT_A_ZIP:
            raise Refused(UNSUPPORTED) from None
        raise
    if "[Content_Types].xml" in names:
        for prefix, mime in _OOXML_PARTS:
            if any(name.startswith(prefix) for name in names):
                return mime
    if names and names[0] == "mimetype":
        # ODF: an uncompressed "mimetype" member first; sizes are checked already.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        if declared.startswith(ODF_PREFIX) and re.fullmatch(r"[\w.+-]+/[\w.+-]+", declared):
            return declared
    raise Refused(UNSUPPORTED)  # a plain zip may hold anything


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Control characters other than tab, newlines and form feed mean binary data.
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"
                   for ch in text[:65536])


def _looks_like_csv(data: bytes) -> bool:
    lines = [line for line in data[:65536].decode("utf-8", "ignore").splitlines()
             if line.strip()][:20]
    if len(lines) < 2:
        return False
    for delimiter in _CSV_DELIMITERS:
        counts = {line.count(delimiter) for line in lines[:-1] or lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False


def clean_filename(name: str, fallback: str = "file") -> str:
    """The original name, Unicode kept, without any path, control character or a
    length that a header or a file system would refuse."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name or fallback
