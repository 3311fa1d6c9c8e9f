"""One e-mail to a lead (helpers.cycle.email_messages), the addresses in data/leads.csv (helpers.plans.leads) and the
`email` settings in data/report.yaml (helpers.tracking.council_settings). Made-up leads and addresses.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.headerregistry import Address
from pathlib import Path

import pytest
import yaml
from email_space import Inbox, attachments, bodies, smtp_server

from conftest import error
from helpers.cycle import email_messages as em
from helpers.plans import leads

SENDER = {"from": "peer-reviews@example.gov.uk", "reply_to": "policy-team@example.gov.uk"}
WHEN = dt.datetime(2024, 7, 1, 9, 30, tzinfo=dt.UTC)


def notice(tmp_path: Path, lead: str = "Café Team", address: str = "cafe.team@example.gov.uk", **extra) -> em.Notice:
    """A forms notice for a made-up lead with 2 open actions, their form a few made-up bytes."""
    form = tmp_path / "Cafe-Team--Vale-District-Council--2024-25-Q1.xlsx"
    form.write_bytes(b"PK\x03\x04 not really a workbook \x00\xff")
    fields = {
        "council": "Vale District Council",
        "lead": lead,
        "address": address,
        "quarter": "2024/25 Q1",
        "quarter_end": dt.date(2024, 6, 30),
        "due": dt.date(2024, 7, 12),
        "open_actions": 2,
        "form": form,
        "decisions": ("vale-cpc action 3: Audit Committee, 12 September 2024 (minute 7): revised target agreed",),
    }
    return em.Notice(**(fields | extra))


def test_a_lead_with_an_accent_arrives_intact_through_a_real_smtp_server(tmp_path: Path):
    msg = em.build_message(em.FORMS, notice(tmp_path), SENDER, WHEN)
    del msg[em.DRAFT_HEADER]
    inbox = Inbox()
    with smtp_server(inbox) as port, smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg, from_addr=SENDER["from"], to_addrs=["cafe.team@example.gov.uk"])
    [got] = inbox.messages()
    assert got["To"].addresses == (Address("Café Team", addr_spec="cafe.team@example.gov.uk"),)
    text, html = bodies(got)
    assert text.startswith("Dear Café Team,\n") and "<p>Dear Café Team,</p>" in html
    assert "It lists 2 open actions at Vale District Council as at 30 June 2024" in text
    assert "by 12 July 2024" in text and "by replying to this e-mail" in text
    assert "- vale-cpc action 3: Audit Committee, 12 September 2024 (minute 7): revised target agreed" in text
    assert got["Subject"] == "Update form for 2024/25 Q1: please return by 12 July 2024"
    assert attachments(got) == {"Cafe-Team--Vale-District-Council--2024-25-Q1.xlsx": notice(tmp_path).form.read_bytes()}


def test_the_draft_parses_back_to_the_same_message(tmp_path: Path):
    msg = em.build_message(em.REMINDER, notice(tmp_path, open_actions=1), SENDER, WHEN)
    path = tmp_path / "draft.eml"
    path.write_bytes(em.draft_bytes(msg))
    back = em.read_draft(path)
    for header in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "X-Unsent"):
        assert str(back[header]) == str(msg[header]), header
    assert back["Subject"] == "Reminder: your update form for 2024/25 Q1 was due by 12 July 2024"
    assert bodies(back) == bodies(msg) and attachments(back) == attachments(msg)
    assert "It lists 1 open action at" in bodies(back)[0]
    assert b"\r\n" in path.read_bytes() and b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_the_html_body_escapes_every_value_from_data(tmp_path: Path):
    hostile = notice(
        tmp_path,
        lead="Team <b>&</b>",
        decisions=('r action 1: <script>alert("x")</script>',),
    )
    msg = em.build_message(em.FORMS, hostile, SENDER, WHEN)
    _, html = bodies(msg)
    assert "<script>" not in html and "<b>" not in html
    assert "Dear Team &lt;b&gt;&amp;&lt;/b&gt;," in html and "&lt;script&gt;alert(&quot;x&quot;)" in html


@pytest.mark.parametrize(
    "lead, address",
    [
        ("Finance Team\r\nBcc: everyone@example.com", "finance@example.gov.uk"),
        ("Finance Team\nX-Injected: 1", "finance@example.gov.uk"),
        ("=?utf-8?q?Chief_Executive?=", "finance@example.gov.uk"),
        ("Finance Team", "finance@example.gov.uk\r\nBcc: everyone@example.com"),
    ],
)
def test_a_name_or_address_that_could_add_headers_is_refused_in_one_line(tmp_path: Path, lead: str, address: str):
    err = error(em.build_message, em.FORMS, notice(tmp_path, lead=lead, address=address), SENDER, WHEN)
    assert "refused" in str(err)


def test_the_message_id_is_the_same_for_the_same_lead_kind_and_quarter_only():
    one = em.message_id("2024/25 Q1", "forms", "Vale District Council", "Cabinet", "a@example.gov.uk")
    assert one == em.message_id("2024/25 Q1", "forms", "Vale District Council", "Cabinet", "a@example.gov.uk")
    assert one.startswith("<") and one.endswith(".2024-25-Q1.forms@example.gov.uk>")
    others = {
        em.message_id("2024/25 Q2", "forms", "Vale District Council", "Cabinet", "a@example.gov.uk"),
        em.message_id("2024/25 Q1", "reminder", "Vale District Council", "Cabinet", "a@example.gov.uk"),
        em.message_id("2024/25 Q1", "forms", "Fenland Council", "Cabinet", "a@example.gov.uk"),
        em.message_id("2024/25 Q1", "forms", "Vale District Council", "Chief Executive", "a@example.gov.uk"),
    }
    assert one not in others and len(others) == 4


def test_the_decisions_notice_attaches_nothing(tmp_path: Path):
    msg = em.build_message(em.DECISIONS, notice(tmp_path), SENDER, WHEN)
    assert attachments(msg) == {}
    assert msg["Subject"] == "The committee's decisions on your actions (2024/25 Q1 report)"
    assert "vale-cpc action 3:" in bodies(msg)[0]


# --- Addresses in data/leads.csv ----------------------------------------------------------------------------

LEADS = """council,lead,alias,note,email
Vale District Council,Cabinet,,,cabinet@vale.example.gov.uk
Vale District Council,Head of Parks,Parks,,
Vale District Council,Head of Parks,,,parks@vale.example.gov.uk
Fenland Council,Cabinet,,,cabinet@fenland.example.gov.uk
Fenland Council,Chief Executive,,
"""


@pytest.fixture
def leads_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write data/leads.csv in a fresh data folder; returns the writer."""
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path))

    def write(text: str) -> Path:
        path = tmp_path / "leads.csv"
        path.write_text(text, encoding="utf-8")
        leads._addresses.cache_clear()
        return path

    yield write
    leads._addresses.cache_clear()


def test_each_lead_has_their_own_councils_address(leads_file):
    leads_file(LEADS)
    assert leads.lead_address("Vale District Council", "Cabinet") == "cabinet@vale.example.gov.uk"
    assert leads.lead_address("Fenland Council", "Cabinet") == "cabinet@fenland.example.gov.uk"
    assert leads.lead_address("Vale District Council", "Head of Parks") == "parks@vale.example.gov.uk"
    assert leads.lead_address("Fenland Council", "Chief Executive") == ""
    assert leads.lead_address("Fenland Council", "Head of Parks") == ""


@pytest.mark.parametrize(
    "address, message",
    [
        ("cabinet.example.gov.uk", "'cabinet.example.gov.uk' is not an e-mail address like name@example.gov.uk"),
        ("cabinet@localhost", "'cabinet@localhost' is not an e-mail address like name@example.gov.uk"),
        ("Cabinet <cabinet@example.gov.uk>", "is not an e-mail address like name@example.gov.uk"),
        ("=?utf-8?b?Y2FiaW5ldA==?=@example.gov.uk", "looks like an encoded word (=?...?=), not an address"),
        ('"cabinet@example.gov.uk\nBcc: x@example.com"', "has a line break in it"),
    ],
)
def test_a_malformed_address_is_one_line_naming_the_file_and_row(leads_file, address: str, message: str):
    cell = address if address.startswith('"') else f'"{address}"'
    path = leads_file(LEADS + f"Fenland Council,Head of Planning,,,{cell}\n")
    err = error(leads.lead_address, "Fenland Council", "Cabinet")
    assert (Path(err.file), err.line) == (path, 7) and message in err.message


def test_two_addresses_for_one_lead_are_refused(leads_file):
    path = leads_file(LEADS + "Vale District Council,Cabinet,The Cabinet,,leader@vale.example.gov.uk\n")
    err = error(leads.lead_address, "Vale District Council", "Cabinet")
    assert (Path(err.file), err.line) == (path, 7) and "already has the address cabinet@vale.example.gov.uk" in str(err)


# --- The `email` settings in data/report.yaml ---------------------------------------------------------------


def test_the_email_settings_merge_a_councils_block_over_the_defaults_and_are_checked(data_copy: Path):
    from helpers.tracking import council_settings

    path = data_copy / "report.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["email"] = {"host": "smtp.example.gov.uk", "port": 587, "starttls": True}
    settings["councils"]["Dorset Council"]["email"] = {"from": "a@example.gov.uk", "reply_to": "b@example.gov.uk"}
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    council_settings._load.cache_clear()
    assert council_settings.email_settings("Dorset Council") == {
        "host": "smtp.example.gov.uk",
        "port": 587,
        "starttls": True,
        "from": "a@example.gov.uk",
        "reply_to": "b@example.gov.uk",
    }
    settings["councils"]["Dorset Council"]["email"]["reply_to"] = "b at example.gov.uk"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    council_settings._load.cache_clear()
    err = error(council_settings.email_settings, "Dorset Council")
    assert "councils.Dorset Council.email.reply_to: 'b at example.gov.uk' is not an e-mail address" in str(err)
    assert err.line is not None
    settings["email"]["password"] = "not-here"  # noqa: S105 - a password never goes in the file
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    council_settings._load.cache_clear()
    err = error(council_settings.email_settings, "Dorset Council")
    assert "email: unknown setting 'password'" in str(err)
    council_settings._load.cache_clear()


@pytest.mark.parametrize("kind", em.KINDS)
def test_the_html_body_says_what_the_plain_text_says_under_the_subject_as_its_title(tmp_path: Path, kind: str):
    # The module's rule: a plain-text and an HTML body saying the same. Read the HTML as a browser shows it (its text,
    # lines and bullets aside) and compare word for word; its title is the subject.
    import lxml.html

    msg = em.build_message(kind, notice(tmp_path), SENDER, WHEN)
    text, html = bodies(msg)
    page = lxml.html.document_fromstring(html)
    assert page.findtext(".//title") == msg["Subject"]
    shown = " ".join(page.find("body").text_content().split())
    assert shown == " ".join(text.replace("\n- ", "\n").split())


def test_a_message_id_is_the_same_for_the_same_lead_and_names_the_sender_s_domain():
    first = em.message_id("2024/25 Q1", em.FORMS, "Vale District Council", "Café Team", "peer-reviews@example.gov.uk")
    assert first == em.message_id("2024/25 Q1", em.FORMS, "Vale District Council", "Café Team", "x@example.gov.uk")
    assert first.startswith("<") and first.endswith(".2024-25-Q1.forms@example.gov.uk>")
    assert first != em.message_id("2024/25 Q1", em.REMINDER, "Vale District Council", "Café Team", "x@example.gov.uk")
    # A sender with no domain (never in settings, which check the address) still gives a well-formed identifier.
    assert em.message_id("2024/25 Q1", em.FORMS, "Vale District Council", "Café Team", "").endswith("@localhost>")


def test_a_draft_that_is_not_the_one_listed_is_refused_naming_the_list_and_its_row(tmp_path, monkeypatch):
    # drafts.csv lists the Café Team's draft under another Message-ID (the draft was made again, or edited by hand):
    # sending is refused in one line naming drafts.csv and the row (row 2, the first after the header).
    import pandas as pd

    from helpers.cycle import email_sending

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    quarter = pd.Period(year=2025, quarter=1, freq="Q-MAR")
    folder = em.drafts_dir(quarter, em.FORMS)
    folder.mkdir(parents=True)
    (folder / "cafe.eml").write_bytes(em.draft_bytes(em.build_message(em.FORMS, notice(tmp_path), SENDER, WHEN)))
    listing = folder / "drafts.csv"
    listing.write_text(
        ",".join(em.DRAFT_COLUMNS) + "\n"
        "Vale District Council,Café Team,cafe.team@example.gov.uk,forms,2024/25 Q1,cafe.eml,<other@example.gov.uk>,"
        "Update form,form.xlsx\n",
        encoding="utf-8",
    )
    err = error(email_sending.send_drafts, quarter, em.FORMS, False)
    assert (err.file, err.line) == (listing, 2)
    assert err.message == "cafe.eml is not the draft listed for Café Team: run make emails again"
