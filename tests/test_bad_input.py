"""Bad input stops the run with one plain line naming the file and line, and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit_file, run_module

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
PROGRESS = "raw/2022-09-progress-review-summary-and-action-plan.txt"


_edit = edit_file


def cut_document(data: Path, name: str, before: str) -> None:
    """Cut a raw document just inside the row that starts `before` (as a truncated download would), and re-sign
    its manifest line, so extraction reads the cut-off text rather than refusing a changed document."""
    import hashlib

    path = data / name
    text = path.read_text(encoding="utf-8")
    at = text.index(before) + len(before) // 2
    old_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path.write_text(text[:at], encoding="utf-8")
    manifest = data / "raw" / "manifest.csv"
    new_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, new_sha), encoding="utf-8")


# The 2022 plan's last row (line 70) begins "Maintain focus on the Local Development Plan" (44 characters):
# cut half way, the line reads "Maintain focus on the " with no tab, so the table ends there.
LAST_2022_ROW = "Maintain focus on the Local Development Plan"


CASES = {
    "malformed metadata": (
        lambda d: _edit(d, "reviews/2021-finance.yaml", "kind: finance peer challenge", "kind: [finance"),
        "reviews/2021-finance.yaml:",
        "not valid YAML",
    ),
    "metadata breaks the schema": (
        lambda d: _edit(
            d, "reviews/2022-progress.yaml", "recommendations_expected: 8", "recommendations_expected: eight"
        ),
        "reviews/2022-progress.yaml:18",
        "recommendations_expected",
    ),
    "missing raw document": (
        lambda d: (d / PROGRESS).unlink(),
        "2022-09-progress-review-summary-and-action-plan.txt",
        "is listed but is not a file",
    ),
    "table header not found": (
        lambda d: _edit(d, "reviews/2021-finance.yaml", 'header: "Rec\\tPeer', 'header: "Ref\\tPeer'),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:105",
        "was not found; the nearest line is 105",
    ),
    "duplicated recommendation number": (
        lambda d: _edit(d, FINANCE, "\n12.\tEmbed the performance", "\n11.\tEmbed the performance"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:123",
        "recommendation 11 appears twice",
    ),
    "unparseable target": (
        lambda d: _edit(
            d,
            FINANCE,
            "\tOctober 2021\tCorporate Director Finance & Commercial",
            "\tOctobre 2021\tCorporate Director Finance & Commercial",
        ),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:107",
        "cannot read target 'Octobre 2021'",
    ),
    "unknown lead": (
        lambda d: _edit(d, FINANCE, "\tCSAMG\n", "\tCSAMG and the Mayor\n"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:145",
        "unknown lead",
    ),
    "stale correction": (
        lambda d: _edit(d, "corrections.csv", "2021-finance,46,", "2021-finance,45,"),
        "corrections.csv:2",
        "correction for target of action 45",
    ),
    # From the hardening issue: each of these broke the one-line promise.
    "impossible date in metadata": (
        lambda d: _edit(d, "reviews/2021-finance.yaml", "start: 2021-06-21", "start: 2021-02-30"),
        "reviews/2021-finance.yaml:9",
        "'2021-02-30' is not a real date",
    ),
    "duplicated metadata key": (
        lambda d: _edit(
            d,
            "reviews/2022-progress.yaml",
            "source_date: 2023-02-28",
            "source_date: 2023-02-28\nsource_date: 2023-03-01",
        ),
        "reviews/2022-progress.yaml:",
        "appears twice",
    ),
    "YAML alias": (
        lambda d: _edit(
            d, "reviews/2022-progress.yaml", "approved_by: Cabinet", "approved_by: &who Cabinet\n  monitored_by: *who"
        ),
        "reviews/2022-progress.yaml:",
        "aliases",
    ),
    "metadata in Windows-1252": (
        lambda d: (d / "reviews/2022-progress.yaml").write_bytes(
            (d / "reviews/2022-progress.yaml")
            .read_bytes()
            .replace(b"Progress review 2022", b"Progress review \x96 2022")
        ),
        "reviews/2022-progress.yaml",
        "save it as UTF-8",
    ),
    "leads file in Windows-1252": (
        lambda d: (d / "leads.csv").write_bytes(
            (d / "leads.csv").read_bytes().replace(b"Children's Services", b"Children\x92s Services")
        ),
        "leads.csv",
        "save it as UTF-8",
    ),
    "unclosed quote in leads.csv": (
        lambda d: _edit(d, "leads.csv", "Dorset Council,Cabinet", 'Dorset Council,"Cabinet'),
        "leads.csv:",
        "quote",
    ),
    "a folder where a raw document should be": (
        lambda d: ((d / PROGRESS).unlink(), (d / PROGRESS).mkdir()),
        "2022-09-progress-review-summary-and-action-plan.txt",
        "folder",
    ),
    "raw document cut short": (
        lambda d: (d / FINANCE).write_text((d / FINANCE).read_text(encoding="utf-8")[:40000], encoding="utf-8"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt",
        "differs from the one recorded",
    ),
    "the same review under a second id": (
        lambda d: (d / "reviews/2021-finance-copy.yaml").write_text(
            (d / "reviews/2021-finance.yaml")
            .read_text(encoding="utf-8")
            .replace("id: 2021-finance", "id: 2021-finance-copy"),
            encoding="utf-8",
        ),
        "reviews/2021-finance",
        "reads the same action plan as review",
    ),
    "season end month of 13": (
        lambda d: _edit(d, "vocabulary.yaml", "autumn: {last_month: 11}", "autumn: {last_month: 13}"),
        "vocabulary.yaml:",
        "last_month must be a month number 1-12",
    ),
    "no ongoing target words": (
        lambda d: _edit(
            d,
            "vocabulary.yaml",
            "ongoing: [Ongoing, On-going, On going, Continuous, Continual, Business as Usual, BAU]",
            "ongoing: []",
        ),
        "vocabulary.yaml:",
        "targets.ongoing must list at least one word",
    ),
    "unknown recorded theme": (
        lambda d: _edit(d, "reviews/2019-cpc.yaml", "theme: governance-scrutiny", "theme: governance"),
        "reviews/2019-cpc.yaml",
        "theme 'governance' is not in data/themes.csv",
    ),
    # Nothing dropped silently: the 2022 plan cut inside its last row reads 7 rows where the metadata says 8.
    "cut-off plan": (
        lambda d: cut_document(d, PROGRESS, LAST_2022_ROW),
        "2022-09-progress-review-summary-and-action-plan.txt:70",
        "ends here, at a line without a tab ('Maintain focus on the'), after 7 recommendations, but",
    ),
    "cut-off plan, the count too": (
        lambda d: cut_document(d, PROGRESS, LAST_2022_ROW),
        "2022-progress.yaml expects 8 (recommendations_expected)",
        "say why in recommendations_note",
    ),
    # A status column declared on the 2021 plan's five-column header (Rec, Peer recommendation, Response,
    # Timeline, Lead): named both ways, never silently dropped.
    "declared column not in the header": (
        lambda d: _edit(
            d,
            "reviews/2021-finance.yaml",
            "columns: [rec_no, recommendation, response, target, lead]",
            "columns: [rec_no, recommendation, response, target, lead, status]",
        ),
        "reviews/2021-finance.yaml:24",
        "declares 6 columns (rec_no, recommendation, response, target, lead, status) but the header has 5 cells "
        "(Rec | Peer recommendation | Response | Timeline | Lead): column(s) status are declared",
    ),
    "header cell without a declared column": (
        lambda d: _edit(
            d,
            "reviews/2021-finance.yaml",
            "columns: [rec_no, recommendation, response, target, lead]",
            "columns: [rec_no, recommendation, response, target]",
        ),
        "reviews/2021-finance.yaml:24",
        "header cell(s) 'Lead' have no declared column",
    ),
    "header tabs in single quotes": (
        lambda d: _edit(
            d,
            "reviews/2021-finance.yaml",
            'header: "Rec\\tPeer recommendation\\tResponse\\tTimeline\\tLead"',
            "header: 'Rec\\tPeer recommendation\\tResponse\\tTimeline\\tLead'",
        ),
        "reviews/2021-finance.yaml:23",
        "header has no tab characters: write each tab as \\t inside double quotes",
    ),
    "unknown count without a note": (
        lambda d: _edit(
            d, "reviews/2022-progress.yaml", "recommendations_expected: 8", "recommendations_expected: unknown"
        ),
        "reviews/2022-progress.yaml:18",
        "recommendations_expected is unknown: say why in recommendations_note",
    ),
    "visit month without a note": (
        lambda d: _edit(d, "reviews/2021-finance.yaml", "start: 2021-06-21", "start: 2021-06"),
        "reviews/2021-finance.yaml:9",
        "visit.start gives the month only: say why in visit.note",
    ),
    "malformed themes.csv": (
        lambda d: _edit(d, "themes.csv", "theme_id,theme,description,terms", "id,theme,terms"),
        "themes.csv:1",
        "missing column",
    ),
}


def test_a_shortfall_the_review_states_as_known_is_extracted_and_said(data_copy: Path):
    cut_document(data_copy, PROGRESS, LAST_2022_ROW)
    _edit(
        data_copy,
        "reviews/2022-progress.yaml",
        "recommendations_expected: 8",
        "recommendations_expected: 8\nrecommendations_note: the copy we hold is cut off inside the eighth row",
    )
    done = run_module("helpers.plans.extract", data=data_copy)
    assert done.returncode == 0, done.stderr
    assert "7 of 8 recommendations transcribed (the copy we hold is cut off inside the eighth row)" in done.stdout


def test_a_transcription_with_fewer_rows_than_expected_names_its_last_row(data_copy: Path):
    from made_up_reviews import add_both_reviews

    add_both_reviews(data_copy)
    _edit(data_copy, "reviews/2024-wessex-planning.yaml", "recommendations_expected: 3", "recommendations_expected: 4")
    bad = run_module("helpers.plans.extract", data=data_copy)
    assert bad.returncode == 1
    assert "transcriptions/2024-wessex-planning.csv:5: the action plan ends here, at its last row (5)" in bad.stderr
    assert "after 3 recommendations" in bad.stderr and "expects 4" in bad.stderr


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    good = run_module("helpers.plans.extract", data=data_copy)
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in (data_copy / "processed").glob("*.csv")}
    assert before

    breaks, where, what = CASES[case]
    breaks(data_copy)
    bad = run_module("helpers.plans.extract", data=data_copy)

    assert bad.returncode == 1
    message = bad.stderr.strip()
    assert "Traceback" not in bad.stderr
    assert len(message.splitlines()) == 1, message
    assert where in message and what in message, message
    after = {p.name: p.read_bytes() for p in (data_copy / "processed").glob("*")}
    assert after == before  # nothing half-written, no temporary files left behind
