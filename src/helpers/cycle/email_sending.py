"""Sending the drafts through each council's SMTP relay, and the log of every message sent.

`make send-emails QUARTER=... KIND=...` reads reports/<quarter>/emails/<kind>/drafts.csv and its .eml files.
Without SEND=1 it is a dry run: one line per message saying what would go to whom. With SEND=1 each council's
messages go through its relay (data/report.yaml `email`: host, port, starttls, from, username, password_env); the
password is read only from the environment variable `password_env` names.

Each message sent is appended to data/emails/sent.csv (time, council, quarter, kind, lead, address, Message-ID),
flushed to disk before the next is sent, so the log stays true if a run stops part way. A Message-ID already in
the log is never sent again: a rerun sends only what is left. A message the server refuses (a bounce at SMTP
time, a 5xx on the recipient or the data) is one line naming the lead; the others are still sent, and the
command exits non-zero at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import smtplib
import sys
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import InputError
from helpers.cycle.email_messages import DRAFT_COLUMNS, DRAFT_HEADER, drafts_dir, header_text, read_draft

LOG_COLUMNS = ["sent_at", "council", "quarter", "kind", "lead", "to", "message_id"]


def sent_log() -> Path:
    """data/emails/sent.csv: every message sent to a lead."""
    return config.data_dir() / "emails" / "sent.csv"


def logged_ids(path: Path | None = None) -> set[str]:
    """The Message-IDs already sent (from the log)."""
    from helpers.base.readers import read_csv

    path = path or sent_log()
    if not path.is_file():
        return set()
    return set(read_csv(path, required=LOG_COLUMNS, what="sent e-mail log")["message_id"])


def _log_sent(row: dict[str, str], path: Path | None = None) -> None:
    """Append one line to the log and flush it to disk (the header first, for a new log)."""
    from helpers.plans.tables import csv_cell

    path = path or sent_log()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        if new:
            writer.writerow(LOG_COLUMNS)
        writer.writerow([csv_cell(row[key]) for key in LOG_COLUMNS])
        f.flush()
        os.fsync(f.fileno())


def _drafts(quarter: pd.Period, kind: str, council: str | None) -> list[dict[str, str]]:
    """The drafts listed in drafts.csv, each checked against its .eml file and the lead's address now."""
    from helpers.base.readers import read_csv
    from helpers.plans.leads import lead_address

    listing = drafts_dir(quarter, kind) / "drafts.csv"
    if not listing.is_file():
        raise InputError(
            f'no {kind} drafts for {quarters.label(quarter)}: run make emails QUARTER="..." KIND={kind}', listing
        )
    rows = read_csv(listing, required=DRAFT_COLUMNS, what="list of drafts").to_dict("records")
    for row in rows:
        msg = read_draft(listing.parent / row["file"])
        to = [a.addr_spec for a in msg["To"].addresses] if msg["To"] else []
        listed = (row["message_id"].strip(), " ".join(row["subject"].split()), [row["to"]])
        if (header_text(msg, "Message-ID"), header_text(msg, "Subject"), to) != listed:
            raise InputError(
                f"{row['file']} is not the draft listed for {row['lead']}: run make emails again", listing, row["_row"]
            )
        if lead_address(row["council"], row["lead"]) != row["to"]:
            raise InputError(
                f"{row['lead']} ({row['council']}): data/leads.csv now gives another address: run make emails again",
                listing,
                row["_row"],
            )
        row["message"] = msg
    return [row for row in rows if council is None or row["council"] == council]


def send_drafts(quarter: pd.Period, kind: str, for_real: bool, council: str | None = None) -> int:
    """Send (or, unless `for_real`, list) the quarter's drafts of `kind` not yet logged; 1 if any was refused."""
    drafts = _drafts(quarter, kind, council)
    done = logged_ids()
    waiting = [row for row in drafts if row["message_id"] not in done]
    for row in drafts:
        if row["message_id"] in done:
            print(f"already sent: {row['lead']} <{row['to']}> ({row['council']}), {row['message_id']}")
    if not for_real:
        for row in waiting:
            print(f"would send: {kind} to {row['lead']} <{row['to']}> ({row['council']}): {row['subject']}")
        print(
            f"Dry run: {len(waiting)} message(s) would be sent, {len(drafts) - len(waiting)} already sent; SEND=1 sends"
        )
        return 0
    failed = sent = 0
    councils = list(dict.fromkeys(row["council"] for row in waiting))
    relays = {name: _relay(name) for name in councils}  # every council's settings checked before any message goes
    for name in councils:
        mine = [row for row in waiting if row["council"] == name]
        n_sent, n_failed = _send_council(name, mine, *relays[name])
        sent, failed = sent + n_sent, failed + n_failed
    label, log = quarters.label(quarter), config.relative(sent_log())
    print(f"Sent {sent} {kind} message(s) for {label}; {failed} not sent; log: {log}")
    return 1 if failed else 0


def _relay(council: str) -> tuple[dict, str | None]:
    """The council's relay settings and password (None where no login is set), checked: only sending needs
    them (the drafts and the dry run need only the addresses)."""
    from helpers.tracking.council_settings import email_settings, settings_file

    relay = email_settings(council)
    for key in ("host", "from"):
        if not relay.get(key):
            raise InputError(
                f"email.{key} is not set for {council}: sending needs the relay (host, port, starttls; "
                "see docs/email.md)",
                settings_file(),
            )
    password = None
    if relay.get("password_env"):
        password = os.environ.get(relay["password_env"], "")
        if not password:
            raise InputError(f"the environment variable {relay['password_env']} (email.password_env) is not set")
    return relay, password


def _send_council(council: str, rows: list[dict], relay: dict, password: str | None) -> tuple[int, int]:
    """Send one council's messages over one connection to its relay (`_relay`): (sent, refused)."""
    import ssl

    sent = failed = 0
    try:
        with smtplib.SMTP(relay["host"], int(relay.get("port") or 25), timeout=60) as smtp:
            if relay.get("starttls"):
                smtp.starttls(context=ssl.create_default_context())
            if password is not None:
                smtp.login(relay.get("username") or relay["from"], password)
            for row in rows:
                if _send_one(smtp, relay["from"], row):
                    sent += 1
                else:
                    failed += 1
    except (smtplib.SMTPException, OSError) as err:
        left = len(rows) - sent - failed
        print(
            f"error: {council}: the relay {relay['host']} failed ({err}); {left} message(s) not sent", file=sys.stderr
        )
        failed += left
    return sent, failed


def _send_one(smtp: smtplib.SMTP, sender: str, row: dict) -> bool:
    """Send one draft and log it; False (with one line naming the lead) if the server refused it."""
    msg = row["message"]
    del msg[DRAFT_HEADER]
    try:
        smtp.send_message(msg, from_addr=sender, to_addrs=[row["to"]])
    except smtplib.SMTPRecipientsRefused as err:
        code, text = next(iter(err.recipients.values()))
        return _refused(row, code, text)
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as err:
        return _refused(row, err.smtp_code, err.smtp_error)
    _log_sent(
        {
            "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "council": row["council"],
            "quarter": row["quarter"],
            "kind": row["kind"],
            "lead": row["lead"],
            "to": row["to"],
            "message_id": row["message_id"],
        }
    )
    return True


def _refused(row: dict, code: int, text: bytes | str) -> bool:
    """One line for a message the server refused; False."""
    reason = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    print(
        f"error: {row['lead']} <{row['to']}> ({row['council']}): refused by the server: {code} {reason}",
        file=sys.stderr,
    )
    return False
