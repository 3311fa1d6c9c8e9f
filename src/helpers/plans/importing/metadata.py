"""The review's metadata after an import: a draft data/reviews/<id>.yaml with what the document states (every
other value `unknown` with a note saying what to check), or an existing one pointed at the imported plan."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import yaml

# A word of a council's name: capitalised, perhaps hyphenated or with an apostrophe (Stoke-on-Trent, King's Lynn);
# names join words with "and" or "upon" (Bath and North East Somerset, Newcastle upon Tyne).
_NAME_WORD = r"[A-Z][A-Za-z'\u2019]*(?:-[A-Za-z]+)*"
_KIND = r"(?:Borough |District |County |City |Metropolitan )?"
_COUNCIL = re.compile(rf"(?<![\w-])((?:{_NAME_WORD} (?:(?:and|upon) )?){{1,5}}{_KIND}Council)\b")
_DATE = re.compile(
    r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4})\b"
)
_MEETING = re.compile(r"\b(Cabinet|Council|(?:[A-Z][a-z]+ (?:and )?){1,4}Committee)\b")
_PLAN_KEYS = ("action_plan_table:", "transcription:")


def stated(text: str) -> dict[str, str]:
    """What the document's own text names: the council it names most, the first dates and meetings it gives."""
    councils = Counter(c for c in _COUNCIL.findall(text) if not c.startswith(("The ", "Town ", "Parish ")))
    dates = list(dict.fromkeys(_DATE.findall(text)))[:3]
    meetings = list(dict.fromkeys(m for m in _MEETING.findall(text) if m != "Council"))[:3]
    return {
        "council": councils.most_common(1)[0][0] if councils else "",
        "dates": ", ".join(dates),
        "meetings": ", ".join(meetings),
    }


def plan_block(transcription: str, document: str) -> dict:
    """The metadata block that points extraction at the imported plan."""
    return {"transcription": {"file": transcription, "document": document, "imported": True}}


def draft(review_id: str, document: str, original: str, transcription: str, found: dict[str, str], recs: int) -> str:
    """A draft metadata file: what the document states, `unknown` elsewhere, and what to check as a YAML comment
    above each value. Comments, not notes: a note is printed in the committee paper (recommendations_note in
    its summary), so it says why a value is unknown in the analyst's words, never what the analyst should do."""
    said = f"the document names {found['meetings'] or 'no meeting'} and gives {found['dates'] or 'no full date'}"
    checks = {
        "title": "give the review's title as the feedback report does",
        "visit": "the feedback report gives the dates of the visit",
        "action_plan": f"{said}: which meeting approved the plan, and when? Give approved_on (or tracked_from)",
        "source_date": "the date the plan's statements (its progress and status cells) speak as of",
        "recommendations_expected": f"the plan's table has {recs} recommendations: check the feedback report's count",
    }
    meta = {
        "id": review_id,
        "title": f"Peer review {review_id[:4]}",
        "council": found["council"] or "unknown",
        "kind": "other peer review",
        "visit": {"start": "unknown", "end": "unknown"},
        "action_plan": {"approved_on": "unknown", "approved_by": "unknown"},
        "source_date": "unknown",
        "recommendations_expected": "unknown",
        "documents": [{"file": document, "describes": f"Action plan, imported from {original}"}],
        **plan_block(transcription, document),
    }
    head = (
        f"# Draft written by make import-plan on {dt.date.today().isoformat()} from {original}.\n"
        "# Check every `unknown` and `# check:` against the documents (council: the one the document names most),\n"
        "# set kind, then delete these comments. A value the documents do not give stays `unknown` with a note\n"
        "# saying why (visit.note, action_plan.note, source_date_note, recommendations_note); make extract asks\n"
        "# for each one missing. Notes are printed in the committee paper: write them for its readers.\n"
        "# A heading the import listed as unmatched is mapped by a line under import_columns,\n"
        '# e.g.  import_columns: {"Sponsor": lead}\n'
    )
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=110)
    for key, check in checks.items():
        comment = "# check: " + " ".join(check.split())
        text = re.sub(rf"^{key}:", lambda m, c=comment: f"{c}\n{m.group(0)}", text, count=1, flags=re.MULTILINE)
    return head + text


def pointed(text: str, transcription: str, document: str) -> str:
    """An existing metadata file's text, its plan read from the imported transcription: its action_plan_table
    or transcription block and any action_plan.not_obtained replaced, the document added to `documents`."""
    lines, out, skipping = text.split("\n"), [], False
    for line in lines:
        if line.startswith(_PLAN_KEYS):
            skipping = True
            continue
        if skipping and (not line.strip() or line[0] in " \t-"):
            continue
        skipping = False
        if re.match(r"^\s+not_obtained:", line):
            continue
        out.append(line)
    body = "\n".join(out).rstrip("\n") + "\n"
    if f"file: {document}" not in body:
        body = re.sub(
            r"^(documents:\n(?:[ \t-].*\n)*)",
            lambda m: m.group(1) + f"  - file: {document}\n    describes: Action plan, imported by make import-plan\n",
            body,
            count=1,
            flags=re.MULTILINE,
        )
    return body + yaml.safe_dump(plan_block(transcription, document), sort_keys=False, allow_unicode=True)


def import_columns(text: str) -> dict[str, str]:
    """The analyst's mapping of headings to fields in an existing metadata file ({} if none)."""
    found = (yaml.safe_load(text) or {}).get("import_columns") or {}
    return {str(k): str(v) for k, v in found.items()}
