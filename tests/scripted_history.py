"""Three quarters of scripted returns and two committee meetings on the 2021 finance plan: the small history the
status history, slippage and "Progress over time" tests work out by hand (tests/tracking/test_status_history.py
describes it; targets from Appendix 1 of the Cabinet report of 5 October 2021).
"""

from __future__ import annotations

from pathlib import Path

UPDATES = "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead\n"
DECISIONS = "review_id,action_ref,kind,decision,decided_on,requested_on,lead,decided_by,minute,amended_target,note\n"
FIN = "2021-finance"
Q3, Q4, Q1 = "2021/22 Q3", "2021/22 Q4", "2022/23 Q1"
SCRIPTED = ["3", "33", "5", "4", "9", "6"]  # the actions the script touches, and 6 (ongoing)


def _write(data: Path, folder: str, name: str, text: str) -> None:
    (data / folder).mkdir(parents=True, exist_ok=True)
    (data / folder / name).write_text(text, encoding="utf-8")


def script(data: Path) -> None:
    """The three quarters of returns and the two meetings described in tests/tracking/test_status_history.py's docstring."""
    _write(
        data,
        "updates",
        "2021-22-Q3.csv",
        UPDATES + f"{FIN},3,Complete,Framework agreed.,2021-12-10,,,,Executive Director Corporate Development\n"
        f"{FIN},33,Complete,Training delivered.,2021-12-14,,,https://example.org/log,"
        "Corporate Director Finance & Commercial\n"
        f"{FIN},5,In progress,Consultation running late.,2021-12-16,June 2022,Consultation extended.,,Cabinet\n",
    )
    _write(data, "updates", "2021-22-Q4.csv", UPDATES + f"{FIN},4,,Draft with legal.,2022-02-10,,,,\n")
    _write(data, "updates", "2022-23-Q1.csv", UPDATES + f"{FIN},9,Complete,Done.,2022-05-20,,,,\n")
    _write(
        data,
        "decisions",
        "2021-22-Q3.csv",
        DECISIONS + f"{FIN},33,closure,refused,2022-02-15,2021-12-14,Corporate Director Finance & Commercial,"
        ",12/22,,The log covers one directorate.\n",
    )
    _write(
        data,
        "decisions",
        "2021-22-Q4.csv",
        DECISIONS + f"{FIN},5,revision,agreed,2022-04-20,2021-12-16,Cabinet,,31/22,,\n",
    )


def script_2024(data: Path) -> None:
    """A scripted 2024/25 Q1 and Q2 (the report's "done when"): in Q1 the lead of 31 (target March 2022) asks to
    move it to March 2025 and 33 (target November 2021) is reported complete; on 12 September 2024 (in Q2) the
    committee agrees 31's revision and refuses 33's closure. In Q2, 2 gets a comment with no status."""
    _write(
        data,
        "updates",
        "2024-25-Q1.csv",
        UPDATES + f"{FIN},31,In progress,Fieldwork delayed.,2024-06-20,March 2025,Restructure.,,"
        "Corporate Services Leadership Team\n"
        f"{FIN},33,Complete,Training delivered.,2024-06-14,,,https://example.org/log,"
        "Corporate Director Finance & Commercial\n",
    )
    _write(data, "updates", "2024-25-Q2.csv", UPDATES + f"{FIN},2,,Awaiting the new system.,2024-08-01,,,,\n")
    _write(
        data,
        "decisions",
        "2024-25-Q1.csv",
        DECISIONS + f"{FIN},31,revision,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,,45/24,,\n"
        f"{FIN},33,closure,refused,2024-09-12,2024-06-14,Corporate Director Finance & Commercial,,46/24,,\n",
    )
