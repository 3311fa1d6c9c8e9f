"""Bad documents for make import-plan: one line each naming the file, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from plan_documents import soffice, write_docx

from conftest import PROJECT, error, run_module
from helpers.plans.import_plan import import_plan, settings

REVIEW = "2025-bad"


def manifest(data: Path) -> str:
    """The manifest's text (to check nothing was added)."""
    return (data / "raw" / "manifest.csv").read_text(encoding="utf-8")


def test_a_scanned_pdf_with_no_text_layer_needs_transcription(data_copy, tmp_path):
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (400, 300), "white").save(scan, "PDF")
    before = manifest(data_copy)
    err = error(import_plan, scan, REVIEW, None)
    assert "no text layer" in err.message and "transcriptions/TEMPLATE.csv" in err.message
    assert err.file == scan and manifest(data_copy) == before
    assert not (data_copy / "reviews" / f"{REVIEW}.yaml").exists()


def test_a_password_protected_office_file_is_refused(data_copy, tmp_path):
    # An encrypted Word or Excel file is an OLE compound file holding an "EncryptedPackage" stream.
    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    assert "is password-protected" in error(import_plan, locked, REVIEW, None).message


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_password_protected_pdf_is_refused(data_copy, tmp_path):
    source = write_docx("2022-progress", tmp_path / "plan.docx")
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"x"}}'
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    to = f"pdf:writer_pdf_Export:{options}"
    subprocess.run(
        [soffice(), profile, "--headless", "--convert-to", to, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert "is password-protected" in error(import_plan, tmp_path / "plan.pdf", REVIEW, None).message


def test_a_document_without_a_plan_table_says_no_table_was_found(data_copy, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Cabinet agreed the action plan.")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Meeting", "Date"
    document.save(str(tmp_path / "cover.docx"))
    err = error(import_plan, tmp_path / "cover.docx", REVIEW, None)
    assert err.message.startswith("no action-plan table found: its 1 table(s) have no heading row")


def test_a_document_already_in_the_manifest_under_another_name_is_refused(data_copy, tmp_path):
    first = write_docx("2022-progress", tmp_path / "plan.docx")
    import_plan(first, REVIEW, None)
    again = tmp_path / "Copy of plan.docx"
    again.write_bytes(first.read_bytes())
    before = manifest(data_copy)
    err = error(import_plan, again, "2025-other", None)
    assert err.message == f"this document is already in data/raw/manifest.csv as plan.docx (review {REVIEW})"
    assert err.file == again  # the line names the document given
    assert manifest(data_copy) == before


def test_a_text_file_saved_as_html_is_refused(data_copy, tmp_path):
    text = (data_copy / "raw" / "2022-09-progress-review-summary-and-action-plan.txt").read_bytes()
    page = tmp_path / "plan.html"
    page.write_bytes(text)  # the shipped text renamed .html: not a web page at all
    assert "is not what its extension says (.html)" in error(import_plan, page, REVIEW, None).message


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("plan.docx", b"%PDF-1.4\n%...", "its content is a pdf file"),
        ("plan.pdf", b"Recommendation\tAction\n", "its content is not a document this command reads"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "an older Office binary file (.doc or .xls)"),
        ("plan.doc", b"anything", "cannot import a .doc"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_is_refused(data_copy, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    assert says in error(import_plan, path, REVIEW, None).message


def test_the_command_prints_one_line_and_exits_1(tmp_path, monkeypatch):
    (tmp_path / "plan.pdf").write_text("not a pdf", encoding="utf-8")
    monkeypatch.setenv("FILE", str(tmp_path / "plan.pdf"))
    monkeypatch.setenv("REVIEW", REVIEW)
    monkeypatch.setenv("TABLE", "")
    result = run_module("helpers.plans.import_plan", "--from-env", data=PROJECT / "data")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path}/plan.pdf: is not what its extension says "
        "(.pdf): its content is not a document this command reads"
    ]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (("", REVIEW, ""), "FILE is missing: give the document, e.g. make import-plan FILE="),
        (("plan.pdf", "", ""), "REVIEW is missing: give the review id, e.g. make import-plan FILE=plan.pdf REVIEW="),
        (("plan.pdf", "  ", ""), "REVIEW is missing"),
        (("", "", ""), "FILE is missing"),
        (("plan.pdf", "Example", ""), "is not a review id"),
        (("plan.pdf", REVIEW, "two"), "is not a table number"),
    ],
)
def test_file_review_and_table_are_checked(values, says):
    assert says in error(settings, *values).message


def test_make_hands_file_review_and_table_to_python_verbatim(tmp_path):
    fake = tmp_path / "python"
    fake.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print(json.dumps({'argv': sys.argv[1:], 'env': {k: os.environ.get(k) for k in ('FILE', 'REVIEW', 'TABLE')}}))\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    values = {
        "FILE": f"plan $(shell touch {tmp_path}/pwned-make).pdf",
        "REVIEW": f"2025-x'; touch {tmp_path}/pwned-review; echo '",
        "TABLE": f"1 `touch {tmp_path}/pwned-table`",
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-o", ".venv/.installed-stamp", "import-plan", f"PY={fake}"]
        + [f"{k}={v}" for k, v in values.items()],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k not in values},
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"argv": ["-m", "helpers.plans.import_plan", "--from-env"], "env": values}
    assert not list(tmp_path.glob("pwned*"))


def test_a_document_that_is_not_there_is_one_line_naming_it(tmp_path: Path):
    from helpers.plans.importing.document import kind_of

    missing = tmp_path / "plan.docx"
    err = error(kind_of, missing)
    assert (err.file, err.message) == (missing, "document not found")


def test_a_draft_metadata_says_unknown_for_every_fact_the_document_does_not_state():
    import yaml

    from helpers.plans.importing.metadata import draft

    found = {"council": "", "meetings": "", "dates": ""}
    meta = yaml.safe_load(draft("2025-x", "plan.docx", "Plan.docx", "2025-x.csv", found, 4))
    facts = [meta["council"], meta["visit"]["start"], meta["visit"]["end"], meta["source_date"]]
    facts += [meta["action_plan"]["approved_on"], meta["action_plan"]["approved_by"], meta["recommendations_expected"]]
    assert facts == ["unknown"] * 7
