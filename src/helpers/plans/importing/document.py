"""What a document really is, checked before any reader opens it: its format, a password, a scan.

Each refusal is one line naming the file: a file that is not what its extension says, a password-protected
file, and (from the PDF reader) a scan with no text layer, which needs the existing transcription route.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers.base.errors import InputError

FORMATS = {".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx", ".ods": "ods", ".html": "html", ".htm": "html"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: old .doc/.xls, or an encrypted Office file
_ZIP_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
PROTECTED = (
    "is password-protected: save an unprotected copy (File > Info > Protect, remove the password) and import that"
)


def kind_of(path: Path) -> str:
    """The document's format ("docx", "pdf", "xlsx", "ods", "html"), checked against its content."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"cannot import a {path.suffix or 'file without an extension'}: give a .docx, .pdf, .xlsx, .ods or .html",
            path,
        )
    if not path.is_file():
        raise InputError("document not found", path)
    head = path.read_bytes()[:2048]
    if head.startswith(_OLE):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(PROTECTED, path)
        raise InputError(
            f"is not a {path.suffix} but an older Office binary file (.doc or .xls): save it as {path.suffix}", path
        )
    found = _found_kind(path, head)
    if found != kind:
        said = f"a {found} file" if found else "not a document this command reads"
        raise InputError(f"is not what its extension says ({path.suffix}): its content is {said}", path)
    if kind == "ods" and _ods_encrypted(path):
        raise InputError(PROTECTED, path)
    return kind


def _found_kind(path: Path, head: bytes) -> str:
    """The format the bytes show ("" if none this command reads)."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == _ODS_TYPE:
                    return "ods"
        except zipfile.BadZipFile:
            return ""
        return next((k for k, part in _ZIP_PART.items() if part in names), "")
    text = head.decode("utf-8", errors="ignore").lower()
    if "<html" in text or "<!doctype html" in text or "<table" in text:
        return "html"
    return ""


def _ods_encrypted(path: Path) -> bool:
    """True where the spreadsheet's content is encrypted (saved with a password)."""
    with zipfile.ZipFile(path) as archive:
        try:
            manifest = archive.read("META-INF/manifest.xml")
        except KeyError:
            return False
    return b"encryption-data" in manifest
