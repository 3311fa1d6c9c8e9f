"""E-mail tests' workspace and mail server: made-up addresses for the leads of a copied project, the council's relay
settings pointed at a real SMTP server (aiosmtpd) running in the test process on a free local port, and what the
server received, parsed back.

Every address here is made up (example.gov.uk); the shipped data/leads.csv gives none.
"""

from __future__ import annotations

import csv
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import yaml

COUNCIL = "Dorset Council"
SENDER = "peer-reviews@example.gov.uk"
REPLY_TO = "policy-team@example.gov.uk"
# Two leads left without an address: they get no message, and are listed.
NO_ADDRESS = ("Cabinet", "Chief Executive")


def made_up_address(lead: str, domain: str = "example.gov.uk") -> str:
    """ "senior.leadership.team.slt@example.gov.uk" for "Senior Leadership Team (SLT)"."""
    return re.sub(r"[^a-z0-9]+", ".", lead.casefold()).strip(".") + "@" + domain


def give_addresses(data: Path, skip: tuple[str, ...] = NO_ADDRESS, domain: str = "example.gov.uk") -> dict[str, str]:
    """Add a made-up address to each lead's declaring row in data/leads.csv (not to `skip`); {lead: address}."""
    path = data / "leads.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    given: dict[str, str] = {}
    for row in rows:
        if row["council"] == COUNCIL and row["lead"] not in skip and row["lead"] not in given:
            row["email"] = given[row["lead"]] = made_up_address(row["lead"], domain)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["council", "lead", "alias", "note", "email"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: v or "" for k, v in row.items()} for row in rows)
    return given


def point_at(data: Path, port: int, **extra: object) -> None:
    """The council's `email` settings in data/report.yaml: our addresses, and the relay on 127.0.0.1:port."""
    path = data / "report.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    council = settings.setdefault("councils", {}).setdefault(COUNCIL, {})
    council["email"] = {"from": SENDER, "reply_to": REPLY_TO, "host": "127.0.0.1", "port": port}
    council["email"].update(extra)
    path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")


def free_port() -> int:
    """A local TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts; with `fail_on`, refuses that message (counted from
    1 over the server's life) with a 554, as a relay does that rejects one message."""

    def __init__(self, fail_on: int | None = None):
        self.envelopes: list = []
        self.seen = 0
        self.fail_on = fail_on

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        """Take the message, or refuse the one counted `fail_on`."""
        self.seen += 1
        if self.seen == self.fail_on:
            return "554 5.7.1 Message refused by policy"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        """What arrived, parsed back."""
        return [BytesParser(policy=policy.default).parsebytes(e.content) for e in self.envelopes]

    def recipients(self) -> list[str]:
        """The envelope recipients of every message that arrived, in order."""
        return [to for e in self.envelopes for to in e.rcpt_tos]


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """A real SMTP server on a free local port, for the duration; yields the port."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def bodies(msg: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a message, line ends as "\n" (on the wire, and in an .eml, they are CRLF)."""
    parts = (msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content())
    return tuple(part.replace("\r\n", "\n") for part in parts)


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    """{file name: bytes} of a message's attachments."""
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def sent_log(data: Path) -> list[dict[str, str]]:
    """data/emails/sent.csv's rows ([] if nothing was sent)."""
    path = data / "emails" / "sent.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
