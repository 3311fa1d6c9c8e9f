"""The 2024/25 Q1 cycle by e-mail, on a copy of the shipped data with made-up addresses, through a real SMTP server
(aiosmtpd) in the test process: forms out, a dry run, sending; returns from 3 leads and reminders to the rest after
the return-by date; the committee's decisions recorded and the notices about them. Then a relay that refuses the
5th message, and names or addresses that try to add headers.

Worked out by hand: the Q1 quarter ends on Sunday 30 June 2024, so returns are due ten working days later, on
Friday 12 July 2024 (README, "The quarterly cycle"); a reminder is due from Monday 15 July. Every lead with a form
and an address gets one message of each kind they are due, exactly once, carrying their own form.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from decided_forms import DECISIONS_Q1, UPDATES
from email_space import (
    COUNCIL,
    NO_ADDRESS,
    REPLY_TO,
    SENDER,
    Inbox,
    attachments,
    bodies,
    give_addresses,
    point_at,
    sent_log,
    smtp_server,
)
from real_forms import QUARTER, SLUG

from conftest import PROJECT, run_on

FORMS = f"reports/{SLUG}/forms"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """data/ with made-up addresses for all leads but two, and reports/ holding the 2024/25 Q1 forms."""
    root = tmp_path_factory.mktemp("email")
    shutil.copytree(PROJECT / "data", root / "data")
    give_addresses(root / "data")
    made = run_on(root, "helpers.cycle.forms", "--quarter", QUARTER)
    assert made.returncode == 0, made.stderr
    return root


@pytest.fixture
def space(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the workspace; the commands read QUARTER (and KIND, SEND, EMAIL_DATE) from the
    environment, as make passes them."""
    for name in ("data", "reports"):
        shutil.copytree(made / name, tmp_path / name)
    for name in ("KIND", "SEND", "EMAIL_DATE", "COUNCIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUARTER", QUARTER)
    return tmp_path


def _about(workbook: bytes | Path, tmp: Path) -> dict[str, str]:
    """A form's About sheet as {key: value}."""
    if isinstance(workbook, bytes):
        (tmp / "attached.xlsx").write_bytes(workbook)
        workbook = tmp / "attached.xlsx"
    about = openpyxl.load_workbook(workbook)["About"]
    return {str(row[0].value): str(row[1].value) for row in about.iter_rows() if row[0].value}


def lead_of(workbook: bytes | Path, tmp: Path) -> str:
    """The lead a form is for, from its About sheet."""
    return _about(workbook, tmp)["lead"]


def forms_by_lead(root: Path) -> dict[str, Path]:
    """{lead: their form} for the council whose leads have addresses here (another council's forms, in a copy
    with more councils, are not this test's)."""
    forms = {}
    for path in sorted((root / FORMS).glob("*.xlsx")):
        about = _about(path, root)
        if about.get("council", COUNCIL) == COUNCIL:
            forms[about["lead"]] = path
    return forms


def addresses(root: Path) -> dict[str, str]:
    """{lead: address} of the council's leads as the copied data/leads.csv gives them (blank ones left out)."""
    with (root / "data" / "leads.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["lead"]: row["email"] for row in csv.DictReader(f) if row.get("email") and row["council"] == COUNCIL
        }


def emails(monkeypatch: pytest.MonkeyPatch, root: Path, kind: str, *, send: bool = False, real: bool = False, on=""):
    """`make emails` (or `make send-emails`, SEND=1 where `real`) as make runs it: values in the environment."""
    monkeypatch.setenv("KIND", kind)
    monkeypatch.setenv("SEND", "1" if real else "")
    monkeypatch.setenv("EMAIL_DATE", on)
    return run_on(root, "helpers.cycle.emails", "--from-env", *(["--send"] if send else []))


def check_arrived(inbox: Inbox, root: Path, expected: set[str], kind_subject: str) -> None:
    """Each expected lead got exactly one message at their address, with our headers and their own form."""
    book = addresses(root)
    arrived = inbox.messages()
    assert sorted(inbox.recipients()) == sorted(book[lead] for lead in expected)
    for msg in arrived:
        [to] = msg["To"].addresses
        assert to.addr_spec == book[to.display_name] and to.display_name in expected
        assert (str(msg["From"]), str(msg["Reply-To"])) == (SENDER, REPLY_TO)
        assert msg["Subject"] == kind_subject and "X-Unsent" not in msg
        assert same_words(*reversed(bodies(msg)))
        [(name, content)] = attachments(msg).items()
        own = forms_by_lead(root)[to.display_name]
        assert (name, content) == (own.name, own.read_bytes())


def test_the_q1_cycle_by_email(space: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    leads = forms_by_lead(space)
    with_address = {lead for lead in leads if lead not in NO_ADDRESS}
    assert len(with_address) == len(leads) - 2
    inbox = Inbox()
    with smtp_server(inbox) as port:
        point_at(space / "data", port)
        # Forms out: drafts, a dry run that sends nothing, then sending.
        made = emails(monkeypatch, space, "forms")
        assert made.returncode == 0, made.stderr
        assert f"Wrote {len(with_address)} forms draft(s)" in made.stdout
        for lead in NO_ADDRESS:
            assert f"{lead} ({COUNCIL})" in made.stdout
            assert f"{lead} ({COUNCIL})" in (space / FORMS / "README.md").read_text(encoding="utf-8")
        dry = emails(monkeypatch, space, "forms", send=True)
        assert dry.returncode == 0 and dry.stdout.count("would send: forms to ") == len(with_address)
        assert inbox.envelopes == [] and sent_log(space / "data") == []
        sent = emails(monkeypatch, space, "forms", send=True, real=True)
        assert sent.returncode == 0, sent.stderr
        check_arrived(inbox, space, with_address, "Update form for 2024/25 Q1: please return by 12 July 2024")
        # A rerun, even after making the drafts again, sends nothing twice.
        assert emails(monkeypatch, space, "forms").returncode == 0
        again = emails(monkeypatch, space, "forms", send=True, real=True)
        assert again.returncode == 0 and again.stdout.count("already sent: ") == len(with_address)
        assert len(inbox.envelopes) == len(with_address) == len(sent_log(space / "data"))

        # Returns from 3 leads; reminders only after 12 July, to the leads with an address whose return is missing.
        returned = sorted(with_address)[:3]
        folder = space / "data" / "updates" / "returns" / SLUG
        folder.mkdir(parents=True, exist_ok=True)
        for lead in returned:
            shutil.copy(leads[lead], folder / leads[lead].name)
        early = emails(monkeypatch, space, "reminder", on="2024-07-12")
        assert early.returncode == 0
        assert early.stdout == "Returns are due by 12 July 2024: no reminders until the day after.\n"
        assert not (space / f"reports/{SLUG}/emails/reminder").exists()
        inbox.envelopes.clear()
        assert emails(monkeypatch, space, "reminder", on="2024-07-15").returncode == 0
        assert emails(monkeypatch, space, "reminder", send=True, real=True).returncode == 0
        check_arrived(
            inbox,
            space,
            with_address - set(returned),
            "Reminder: your update form for 2024/25 Q1 was due by 12 July 2024",
        )
        reminders = len(inbox.envelopes)

        # The committee's decisions on the Q1 report are recorded; each lead named for a decided action hears of it.
        (space / "data" / "updates" / f"{SLUG}.csv").write_text(UPDATES, encoding="utf-8")
        (space / "data" / "decisions" / f"{SLUG}.csv").write_text(DECISIONS_Q1, encoding="utf-8")
        inbox.envelopes.clear()
        assert emails(monkeypatch, space, "decisions").returncode == 0
        assert emails(monkeypatch, space, "decisions", send=True, real=True).returncode == 0
        notices = check_decision_notices(inbox, space)
    log = sent_log(space / "data")
    assert [row["kind"] for row in log].count("reminder") == reminders
    assert len({row["message_id"] for row in log}) == len(log) == len(with_address) + reminders + notices
    print(f"sent: forms {len(with_address)}, reminder {reminders}, decisions {notices}")


def same_words(html: str, text: str) -> bool:
    """The HTML body's text says word for word what the plain text does (list dashes aside)."""
    shown = BeautifulSoup(html, "html.parser").body.get_text(" ", strip=True).split()
    return shown == [word for word in text.split() if word != "-"]


def decided_actions() -> dict[str, list[str]]:
    """{action ref: minutes} of DECISIONS_Q1, read as the file says (all on review 2021-finance)."""
    rows = list(csv.DictReader(DECISIONS_Q1.splitlines()))
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["action_ref"], []).append(row["minute"])
    return found


def check_decision_notices(inbox: Inbox, root: Path) -> int:
    """Each lead named (any role, in the plan) for a decided action got one notice listing those decisions."""
    decided = decided_actions()
    named: dict[str, set[str]] = {}
    with (root / "data" / "processed" / "action_leads.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["review_id"] == "2021-finance" and row["action_ref"] in decided:
                named.setdefault(row["lead"], set()).add(row["action_ref"])
    book = addresses(root)
    expected = {lead for lead in named if lead in book}
    assert sorted(inbox.recipients()) == sorted(book[lead] for lead in expected)
    for msg in inbox.messages():
        lead = msg["To"].addresses[0].display_name
        text, html = bodies(msg)
        assert msg["Subject"] == "The committee's decisions on your actions (2024/25 Q1 report)"
        assert attachments(msg) == {}
        mentioned = {line.split(" action ")[1].split(":")[0] for line in text.splitlines() if line.startswith("- ")}
        assert mentioned == named[lead]
        for ref in named[lead]:
            for minute in filter(None, decided[ref]):
                assert f"(minute {minute})" in text
        assert same_words(html, text)
    return len(inbox.envelopes)


def test_a_relay_that_refuses_the_5th_message_then_a_rerun_sends_the_rest_once_each(
    space: Path, monkeypatch: pytest.MonkeyPatch
):
    failing = Inbox(fail_on=5)
    with smtp_server(failing) as port:
        point_at(space / "data", port)
        assert emails(monkeypatch, space, "forms").returncode == 0
        with (space / f"reports/{SLUG}/emails/forms/drafts.csv").open(encoding="utf-8", newline="") as f:
            drafts = list(csv.DictReader(f))
        first = emails(monkeypatch, space, "forms", send=True, real=True)
    assert first.returncode == 1
    fifth = drafts[4]
    errors = [line for line in first.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {fifth['lead']} <{fifth['to']}> ({COUNCIL}): refused by the server: 554 5.7.1 Message refused by policy"
    ]
    logged = [row["message_id"] for row in sent_log(space / "data")]
    assert sorted(logged) == sorted(d["message_id"] for d in drafts if d is not fifth)
    rest = Inbox()
    with smtp_server(rest) as port:
        point_at(space / "data", port)
        second = emails(monkeypatch, space, "forms", send=True, real=True)
    assert second.returncode == 0, second.stderr
    assert rest.recipients() == [fifth["to"]]
    assert len(failing.envelopes) + len(rest.envelopes) == len(drafts)
    assert sorted(row["message_id"] for row in sent_log(space / "data")) == sorted(d["message_id"] for d in drafts)


@pytest.mark.parametrize(
    "address, problem",
    [
        ("finance.team@example.gov.uk\r\nBcc: everyone@example.com", "has a line break in it"),
        ("=?utf-8?q?finance?=@example.gov.uk", "looks like an encoded word"),
        ("finance team@example.gov.uk", "is not an e-mail address"),
    ],
)
def test_an_address_that_could_add_headers_is_refused_in_one_line(
    space: Path, monkeypatch: pytest.MonkeyPatch, address: str, problem: str
):
    leads = space / "data" / "leads.csv"
    with leads.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    at = next(n for n, row in enumerate(rows) if row["lead"] == "Finance Team")
    rows[at]["email"] = address
    with leads.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    row = at + 2  # the header is row 1; no cell before it spans lines
    point_at(space / "data", 25)
    made = emails(monkeypatch, space, "forms")
    assert made.returncode == 1
    [line] = made.stderr.strip().splitlines()
    assert line.startswith(f"error: {leads}:{row}: email: ") and problem in line
    assert not (space / f"reports/{SLUG}/emails").exists()


def test_no_message_for_the_leads_of_another_council(space: Path, monkeypatch: pytest.MonkeyPatch):
    point_at(space / "data", 25)
    monkeypatch.setenv("COUNCIL", "Vale District Council")
    made = emails(monkeypatch, space, "forms")
    assert made.returncode == 0 and "Wrote 0 forms draft(s)" in made.stdout
    assert list((space / f"reports/{SLUG}/emails/forms").glob("*.eml")) == []


class RefusesOne(Inbox):
    """A relay that refuses one recipient at RCPT time (550), as for a mailbox that does not exist."""

    def __init__(self, refused: str):
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # aiosmtpd's hook name
        """Refuse `refused`; take any other recipient."""
        if address == self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_is_one_line_naming_the_lead_and_the_others_are_sent(
    space: Path, monkeypatch: pytest.MonkeyPatch
):
    book = addresses(space)
    inbox = RefusesOne(book["Finance Team"])
    with smtp_server(inbox) as port:
        point_at(space / "data", port)
        assert emails(monkeypatch, space, "forms").returncode == 0
        sent = emails(monkeypatch, space, "forms", send=True, real=True)
    assert sent.returncode == 1
    assert [line for line in sent.stderr.splitlines() if line.startswith("error: ")] == [
        f"error: Finance Team <{book['Finance Team']}> ({COUNCIL}): refused by the server: 550 5.1.1 No such mailbox here"
    ]
    others = {lead for lead in forms_by_lead(space) if lead not in NO_ADDRESS} - {"Finance Team"}
    assert sorted(inbox.recipients()) == sorted(book[lead] for lead in others)
    assert {row["lead"] for row in sent_log(space / "data")} == others


def test_the_password_comes_only_from_the_variable_settings_name(space: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PEER_REVIEW_TEST_SMTP_PASSWORD", raising=False)
    point_at(space / "data", 25, password_env="PEER_REVIEW_TEST_SMTP_PASSWORD")  # noqa: S106 - a variable name
    assert emails(monkeypatch, space, "forms").returncode == 0
    sent = emails(monkeypatch, space, "forms", send=True, real=True)
    assert sent.returncode == 1
    [line] = sent.stderr.strip().splitlines()
    assert line == "error: the environment variable PEER_REVIEW_TEST_SMTP_PASSWORD (email.password_env) is not set"
    assert sent_log(space / "data") == []


LONG_DOMAIN = "dorsetcouncil.example.gov.uk"


def header_lines(eml: bytes, name: str) -> list[str]:
    """The header `name` as written in the .eml: its first line and any folded lines after it."""
    head = eml.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    at = next(n for n, line in enumerate(head) if line.startswith(f"{name}:"))
    rest = head[at + 1 :]
    return [head[at], *rest[: next((n for n, line in enumerate(rest) if not line.startswith(" ")), len(rest))]]


def test_every_kind_goes_with_a_long_domain_and_long_lead_names(space: Path, monkeypatch: pytest.MonkeyPatch):
    # Worked out by hand: "Message-ID: <" + 24 hex digits + ".2024-25-Q1." + kind + "@" + the domain + ">" is
    # 51 characters plus the kind's and the domain's: 84 for forms with dorsetcouncil.example.gov.uk (28), past
    # the 78 at which a header is folded; so every draft's Message-ID is written on a second line. The longest
    # lead name (over 50 characters) with its address makes a To header past 78 characters too.
    give_addresses(space / "data", domain=LONG_DOMAIN)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        point_at(space / "data", port, **{"from": f"peer-reviews@{LONG_DOMAIN}", "reply_to": f"policy@{LONG_DOMAIN}"})
        for kind, on in (("forms", ""), ("reminder", "2024-07-15"), ("decisions", "")):
            if kind == "decisions":
                (space / "data" / "updates" / f"{SLUG}.csv").write_text(UPDATES, encoding="utf-8")
                (space / "data" / "decisions" / f"{SLUG}.csv").write_text(DECISIONS_Q1, encoding="utf-8")
            made = emails(monkeypatch, space, kind, on=on)
            assert made.returncode == 0, made.stderr
            folder = space / f"reports/{SLUG}/emails/{kind}"
            with (folder / "drafts.csv").open(encoding="utf-8", newline="") as f:
                drafts = list(csv.DictReader(f))
            assert drafts, kind
            for draft in drafts:
                eml = (folder / draft["file"]).read_bytes()
                assert header_lines(eml, "Message-ID") == ["Message-ID:", f" {draft['message_id']}"]
                assert draft["message_id"].endswith(f".2024-25-Q1.{kind}@{LONG_DOMAIN}>")
            longest = max(drafts, key=lambda d: len(d["lead"]))
            assert len("".join(header_lines((folder / longest["file"]).read_bytes(), "To"))) > 78
            dry = emails(monkeypatch, space, kind, send=True)
            assert dry.returncode == 0, dry.stderr
            assert dry.stdout.count(f"would send: {kind} to ") == len(drafts)
            inbox.envelopes.clear()
            sent = emails(monkeypatch, space, kind, send=True, real=True)
            assert sent.returncode == 0, sent.stderr
            assert sorted(inbox.recipients()) == sorted(d["to"] for d in drafts)
            arrived = sorted(" ".join(str(msg["Message-ID"]).split()) for msg in inbox.messages())
            assert arrived == sorted(d["message_id"] for d in drafts)
    logged = [row["message_id"] for row in sent_log(space / "data")]
    assert len(logged) == len(set(logged)) and all(i.endswith(f"@{LONG_DOMAIN}>") for i in logged)


def only_addresses(data: Path, **block: str) -> None:
    """The council's `email` block with only the given keys (no relay at all)."""
    point_at(data, 0)
    path = data / "report.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["councils"][COUNCIL]["email"] = block
    path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_drafts_need_only_the_addresses_and_sending_the_relay(space: Path, monkeypatch: pytest.MonkeyPatch):
    # docs/email.md: from and reply_to before the drafts; host, port, starttls only for sending.
    only_addresses(space / "data", **{"from": SENDER, "reply_to": REPLY_TO})
    made = emails(monkeypatch, space, "forms")
    assert made.returncode == 0, made.stderr
    drafts = list((space / f"reports/{SLUG}/emails/forms").glob("*.eml"))
    assert drafts
    dry = emails(monkeypatch, space, "forms", send=True)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.count("would send: forms to ") == len(drafts)
    sent = emails(monkeypatch, space, "forms", send=True, real=True)
    assert sent.returncode == 1
    [line] = sent.stderr.strip().splitlines()
    assert line.startswith(f"error: {space / 'data' / 'report.yaml'}: email.host is not set for {COUNCIL}: ")
    assert sent_log(space / "data") == []
    # Without reply_to (or from), no drafts: one line naming the key; the drafts made before are left whole.
    only_addresses(space / "data", **{"from": SENDER})
    refused = emails(monkeypatch, space, "forms")
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert f"email.reply_to is not set for {COUNCIL}: drafts need the council's from and reply_to" in line
    assert sorted((space / f"reports/{SLUG}/emails/forms").glob("*.eml")) == sorted(drafts)
