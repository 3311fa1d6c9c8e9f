"""Leads: canonical names from the alias file data/leads.csv, joint leads split apart."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import config
from helpers.errors import InputError

# Joint leads are written "A / B", "A, B and C", "A and B"; but "and" and commas
# also occur inside single names ("Service Manager Change, Transformation,
# Innovation and Digital"), so a split is kept only where every part is a known lead.
_SEPARATOR = re.compile(r"(\s*/\s*|\s*,\s*|\s+and\s+)")


class UnknownLead(ValueError):
    """A lead (or part of a joint lead) that is not in the alias file."""


def _key(name: str) -> str:
    name = name.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", name).strip().rstrip(".").casefold()


@lru_cache(maxsize=4)
def _aliases(path: Path) -> dict[str, str]:
    if not path.exists():
        raise InputError("lead alias file not found", path)
    table: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not {"lead", "alias"} <= set(reader.fieldnames):
            raise InputError("expected columns 'lead' and 'alias'", path, 1)
        for row_no, row in enumerate(reader, start=2):
            lead = (row["lead"] or "").strip()
            if not lead:
                raise InputError("empty lead name", path, row_no)
            for name in (lead, (row["alias"] or "").strip()):
                if not name:
                    continue
                known = table.get(_key(name))
                if known and known != lead:
                    raise InputError(f"{name!r} is already an alias of {known!r}", path, row_no)
                table[_key(name)] = lead
    return table


def aliases() -> dict[str, str]:
    """{folded alias: canonical lead} from data/leads.csv."""
    return _aliases(config.rules_file("leads.csv"))


def split_leads(raw: str) -> list[str]:
    """Canonical leads named in a lead cell, in the order written; [] for an empty cell."""
    text = re.sub(r"\s+", " ", raw or "").strip()
    if not text:
        return []
    table = aliases()
    pieces = _SEPARATOR.split(text)
    words, seps = pieces[0::2], pieces[1::2]
    n = len(words)
    # best[i]: fewest known names covering words[:i]; prefer whole names to splits.
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(1, n + 1):
        for start in range(end):
            if best[start] is None:
                continue
            name = words[start] + "".join(s + w for s, w in zip(seps[start:end - 1], words[start + 1:end]))
            lead = table.get(_key(name))
            if lead and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [lead]
    if best[n] is None:
        unknown = [w for w in words if _key(w) not in table]
        raise UnknownLead(f"unknown lead {text!r} (not in data/leads.csv: {', '.join(map(repr, unknown))}); "
                          "add it, or an alias for an existing lead, to data/leads.csv")
    return list(dict.fromkeys(best[n]))


def leads_long(recommendations: pd.DataFrame) -> pd.DataFrame:
    """One row per (recommendation, canonical lead): a joint action counts once per lead."""
    rows = []
    for rec in recommendations.itertuples(index=False):
        names = [n for n in str(rec.leads or "").split("; ") if n]
        for position, name in enumerate(names, start=1):
            rows.append({"review_id": rec.review_id, "rec_no": rec.rec_no, "lead": name,
                         "lead_position": position, "joint": len(names) > 1})
    return pd.DataFrame(rows, columns=["review_id", "rec_no", "lead", "lead_position", "joint"])


def workload(status: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """Actions per canonical lead as at a quarter end: open, overdue and complete (joint actions count for each lead)."""
    from helpers.status import COMPLETE, NOT_YET_DUE, ONGOING, OVERDUE

    keys = pd.MultiIndex.from_arrays([status["review_id"], status["rec_no"]])
    pos = keys.get_indexer(pd.MultiIndex.from_arrays([long["review_id"], long["rec_no"]]))
    counted = pos >= 0
    state = status["status"].to_numpy(object)[pos[counted]]
    codes, names = pd.factorize(long["lead"].to_numpy(object)[counted], sort=True)

    def per_lead(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=len(names))

    table = pd.DataFrame({
        "open": per_lead(np.isin(state, [NOT_YET_DUE, ONGOING])),
        "overdue": per_lead(state == OVERDUE),
        "complete": per_lead(state == COMPLETE),
    }, index=pd.Index(names, name="lead"))
    table = table[table.sum(axis=1) > 0]
    table["total"] = table.sum(axis=1)
    return table.sort_values(["total", "overdue"], ascending=False, kind="stable")


def without_lead(status: pd.DataFrame) -> pd.DataFrame:
    """Actions with no lead named in the document."""
    return status[status["leads"] == ""].reset_index(drop=True)
