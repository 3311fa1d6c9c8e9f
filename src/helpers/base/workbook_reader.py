"""Excel workbooks (.xlsx), opened read-only, or one line saying what the file is instead.

    read_workbook(path)             an .xlsx workbook opened read-only (openpyxl), or one line saying what the
                                    file is instead (password-protected, .xls, .ods, damaged)

Every problem becomes ``InputError(message, file)``, as in `helpers.base.readers`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.base.errors import InputError
from helpers.base.readers import MB, size_text

WORKBOOK_MAX_BYTES = 200 * MB
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls files and of password-protected .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx keeps its workbook in
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
SAVE_AS_XLSX = "open it and save it as an Excel workbook (.xlsx)"


def _not_a_workbook(data: bytes) -> str | None:
    """What a file that should be an .xlsx workbook is instead, from its first bytes; None if it may be one."""
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            return (
                "the workbook is password-protected (encrypted), so it cannot be checked: ask for it without "
                "the password (File > Info > Protect Workbook > Encrypt with Password, and clear the password)"
            )
        return f"an Excel 97-2003 workbook (.xls), not .xlsx: {SAVE_AS_XLSX}"
    if data.startswith(b"PK\x03\x04") and data[30 : 30 + len(_ODS)] == _ODS:
        return f"an OpenDocument spreadsheet (.ods), not .xlsx: {SAVE_AS_XLSX}"
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return f"not an Excel workbook (.xlsx): the file is not a workbook, or is damaged; {SAVE_AS_XLSX}"
    return None


def read_workbook(
    path: Path | str, what: str = "workbook", max_bytes: int = WORKBOOK_MAX_BYTES, read_only: bool = True
) -> Any:
    """An .xlsx workbook opened read-only by openpyxl (formulas as their text, never run); close it when done.

    Read-only mode streams each sheet as it is read, so a large return costs the
    sheets it reads, not the whole file (`read_only=False` loads it whole, for a
    small workbook read cell by cell). Refused with one line saying what the
    file is: missing, too large, password-protected, an .xls or .ods saved under
    an .xlsx name, or damaged (cut short, or not a workbook at all).
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found" if not path.exists() else "is not a file, expected a workbook", path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{what} is too large ({size_text(size)}; the limit is {size_text(max_bytes)})", path)
    try:
        with path.open("rb") as f:
            head = f.read(128)
            if head.startswith(_OLE2):  # the names of its streams may be anywhere in the container
                head += f.read()
    except OSError as err:
        raise InputError(f"cannot read {what}: {(err.strerror or str(err)).lower()}", path) from None
    problem = _not_a_workbook(head)
    if problem:
        raise InputError(problem, path)
    try:
        return load_workbook(path, read_only=read_only)  # formulas are read as their text (data_only is off)
    except Exception:  # zipfile, XML and openpyxl's own errors: all mean the file cannot be read as a workbook
        raise InputError(
            f"the workbook is damaged (cut short, or its parts are not a workbook's) and cannot be read; "
            f"ask for it again, or {SAVE_AS_XLSX} again",
            path,
        ) from None
