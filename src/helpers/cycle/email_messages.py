"""The e-mails to leads, as standard messages: update forms out, reminders, and the committee's decisions.

Each message is an `email.message.EmailMessage` written with the SMTP policy (CRLF lines), so the .eml draft
opens in Outlook, Thunderbird or webmail, and is the same bytes that are sent. It has:

- To: the lead, named as data/leads.csv names them, at their address there (`helpers.plans.leads.lead_address`);
- From and Reply-To: the council's `email` settings in data/report.yaml (`council_settings.email_settings`);
- a Subject naming the quarter (and, for forms and reminders, the return-by date);
- a Message-ID worked out from the quarter, kind, council and lead, so making the drafts again gives the same one
  and a message already sent is known by it (helpers.cycle.email_sending);
- a plain-text and an HTML body saying the same (every value from data escaped in the HTML);
- the lead's own form attached (forms and reminders).

A name or address with a line break or an encoded word (=?utf-8?...?=) is refused with one line, never written
into a header: the standard library would fold or encode it, but a name that is not what it looks like has no
place in a message to a lead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

FORMS, REMINDER, DECISIONS = "forms", "reminder", "decisions"
KINDS = (FORMS, REMINDER, DECISIONS)
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# Outlook opens a message carrying this header as a draft to send (it is taken off before sending).
DRAFT_HEADER = "X-Unsent"


DRAFT_COLUMNS = ["council", "lead", "to", "kind", "quarter", "file", "message_id", "subject", "attachment"]


def drafts_dir(quarter, kind: str) -> Path:
    """reports/2024-25-Q1/emails/forms/: where a quarter's drafts of one kind are written (drafts.csv lists them)."""
    from helpers.base import config, quarters

    return config.reports_dir() / quarters.slug(quarter) / "emails" / kind


@dataclass(frozen=True)
class Notice:
    """What one lead is told: who they are, where to write, and what the message says about their actions."""

    council: str
    lead: str
    address: str
    quarter: str  # "2024/25 Q1"
    quarter_end: dt.date
    due: dt.date | None = None  # the return-by date (forms and reminders)
    open_actions: int = 0
    form: Path | None = None  # the lead's workbook, attached
    decisions: tuple[str, ...] = field(default_factory=tuple)  # "2021-finance action 31: ..." lines


def check_header_value(value: str, what: str) -> str:
    """`value` unchanged if it can go into a header as it is; else InputError in one line naming it."""
    from helpers.base.errors import InputError

    if any(ch in value for ch in "\r\n\x00\x0b\x0c\x85\u2028\u2029"):
        raise InputError(f"{what} {value!r} has a line break in it: refused (it could add headers to the e-mail)")
    if "=?" in value and "?=" in value:
        raise InputError(f"{what} {value!r} looks like an encoded word (=?...?=): refused")
    return value


def message_id(quarter: str, kind: str, council: str, lead: str, sender: str) -> str:
    """ "<1f0c...e2.2024-25-Q1.forms@example.gov.uk>": the same for the same quarter, kind, council and lead."""
    digest = hashlib.sha256("\x1f".join((quarter, kind, council, lead)).encode("utf-8")).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{digest}.{quarter.replace('/', '-').replace(' ', '-')}.{kind}@{domain}>"


def subject(kind: str, notice: Notice) -> str:
    """The Subject line: the quarter, and the return-by date where a return is asked for."""
    from helpers.base.quarters import long_date

    if kind == FORMS:
        return f"Update form for {notice.quarter}: please return by {long_date(notice.due)}"
    if kind == REMINDER:
        return f"Reminder: your update form for {notice.quarter} was due by {long_date(notice.due)}"
    return f"The committee's decisions on your actions ({notice.quarter} report)"


Block = str | list[str]  # a paragraph, or a bulleted list


def body(kind: str, notice: Notice) -> list[Block]:
    """What the message says, as paragraphs and lists (the same for the text and the HTML body)."""
    from helpers.base.quarters import long_date

    blocks: list[Block] = [f"Dear {notice.lead},"]
    if kind == DECISIONS:
        blocks += [
            f"The committee has considered the {notice.quarter} progress report on {notice.council}'s peer review "
            "actions. It decided on actions you are named for:",
            list(notice.decisions),
            "Your next update form will show these decisions too.",
        ]
        return blocks
    as_at = long_date(notice.quarter_end)
    name = notice.form.name if notice.form else ""
    if kind == REMINDER:
        blocks.append(
            f"We have not yet had your update for {notice.quarter}, which was due by {long_date(notice.due)}. "
            f"Your form ({name}) is attached again."
        )
    else:
        blocks.append(f"Your update form for {notice.quarter} is attached ({name}).")
    if notice.open_actions:
        blocks.append(
            f"It lists {_count(notice.open_actions, 'open action')} at {notice.council} as at {as_at}: please "
            f"give each one's progress on the Updates sheet by {long_date(notice.due)}."
        )
    else:
        blocks.append(f"You have no open actions at {notice.council} as at {as_at}: nothing needs to come back.")
    if notice.open_actions:
        blocks.append(
            "Save the filled-in form as an Excel workbook (.xlsx) under its own file name, "
            f"{name}, and send it back by replying to this e-mail with it attached."
        )
    if notice.decisions:
        blocks += ["The committee's decisions on your actions since your last form:", list(notice.decisions)]
    else:
        blocks.append("The committee has made no decisions on your actions since your last form.")
    return [*blocks, "Thank you."]


def _count(n: int, noun: str) -> str:
    """ "1 open action", "3 open actions"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def as_text(blocks: list[Block]) -> str:
    """The plain-text body: paragraphs apart, list items as "- item"."""
    parts = [block if isinstance(block, str) else "\n".join(f"- {item}" for item in block) for block in blocks]
    return "\n\n".join(parts) + "\n"


def as_html(blocks: list[Block], title: str) -> str:
    """The HTML body: every value escaped, so text from data never becomes markup."""
    parts = [
        f"<p>{html.escape(block)}</p>"
        if isinstance(block, str)
        else "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in block) + "</ul>"
        for block in blocks
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
        + html.escape(title)
        + '</title></head>\n<body style="font-family: Arial, sans-serif; font-size: 11pt; line-height: 1.4">\n'
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def build_message(kind: str, notice: Notice, sender: dict, when: dt.datetime) -> EmailMessage:
    """The message for one lead; `sender` is the council's `email` settings (from, reply_to)."""
    from helpers.base.errors import InputError
    from helpers.tracking.council_settings import settings_file

    for key in ("from", "reply_to"):
        if not sender.get(key):
            raise InputError(
                f"email.{key} is not set for {notice.council}: drafts need the council's from and reply_to "
                "addresses in the `email` block (the relay's host and port only for sending; see docs/email.md)",
                settings_file(),
            )
    who = f"lead at {notice.council}:"
    name = check_header_value(notice.lead, who)
    address = check_header_value(notice.address, f"address of {notice.lead} at {notice.council}:")
    title = subject(kind, notice)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(addr_spec=sender["from"])
    msg["To"] = Address(display_name=name, addr_spec=address)
    msg["Reply-To"] = Address(addr_spec=sender["reply_to"])
    msg["Subject"] = title
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id(notice.quarter, kind, notice.council, notice.lead, sender["from"])
    msg[DRAFT_HEADER] = "1"
    blocks = body(kind, notice)
    msg.set_content(as_text(blocks))
    msg.add_alternative(as_html(blocks, title), subtype="html")
    if kind != DECISIONS and notice.form is not None:
        msg.add_attachment(notice.form.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=notice.form.name)
    return msg


def draft_bytes(msg: EmailMessage) -> bytes:
    """The .eml file: the message as sent, CRLF line ends (what mail programs expect of an .eml)."""
    return msg.as_bytes(policy=policy.SMTP)


def header_text(msg: EmailMessage, name: str) -> str:
    """A header's value as one line, unfolded and stripped ("" where it is missing). A header longer than 78
    characters is folded when the draft is written (Message-ID: a line break and a space before its `<...>`) and
    reads back with that space, so headers are compared by this, never as read."""
    return " ".join(str(msg.get(name, "")).split())


def read_draft(path: Path) -> EmailMessage:
    """An .eml draft read back as a message (email.parser, the default policy)."""
    from email.parser import BytesParser

    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())
