"""Leads: canonical names from the alias file data/leads.csv, joint leads split apart."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.base import config
from helpers.base.errors import InputError
from helpers.base.readers import Row as _Row

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
def _aliases(path: Path) -> dict[tuple[str, str], str]:
    from helpers.base.readers import read_csv

    frame = read_csv(path, required=["council", "lead", "alias"], optional=["note", "email"], what="lead alias file")
    table: dict[tuple[str, str], str] = {}
    for row in map(_Row, frame.to_dict("records")):
        if not row.council:
            raise InputError(
                "every lead needs its council (the same title at two councils is two leads)", path, row._row
            )
        if not row.lead:
            raise InputError("empty lead name", path, row._row)
        council = _key(row.council)
        for name in (row.lead, row.alias):
            if not name:
                continue
            known = table.get((council, _key(name)))
            if known and known != row.lead:
                raise InputError(f"{name!r} is already an alias of {known!r} at {row.council}", path, row._row)
            table[(council, _key(name))] = row.lead
    return table


def aliases(council: str) -> dict[str, str]:
    """{folded alias: canonical lead} at one council, from data/leads.csv."""
    key = _key(council)
    return {alias: lead for (c, alias), lead in _aliases(config.rules_file("leads.csv")).items() if c == key}


def split_leads(raw: str, council: str) -> list[str]:
    """Canonical leads at `council` named in a lead cell, in the order written; [] for an empty cell.

    The cell is read as the fewest known names that cover it; where two readings need as many names, the one
    found first (the last name as long as possible) is kept.
    """
    text = re.sub(r"\s+", " ", raw or "").strip()
    if not text:
        return []
    table = aliases(council)
    pieces = _SEPARATOR.split(text)
    words, seps = pieces[0::2], pieces[1::2]
    n = len(words)
    # best[i]: fewest known names covering words[:i]; prefer whole names to splits.
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(1, n + 1):
        for start in range(end):
            if best[start] is None:
                continue
            between = zip(seps[start : end - 1], words[start + 1 : end], strict=True)
            name = words[start] + "".join(s + w for s, w in between)
            lead = table.get(_key(name))
            if lead and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [lead]
    if best[n] is None:
        unknown = [w for w in words if _key(w) not in table]
        raise UnknownLead(
            f"unknown lead {text!r} at {council} (not in data/leads.csv: "
            f"{', '.join(map(repr, unknown))}); add it, or an alias for an existing lead, "
            "to data/leads.csv with that council"
        )
    return list(dict.fromkeys(best[n]))


GROUPS = {
    "open": ("not-yet-due", "ongoing", "no-target"),
    "overdue": ("overdue",),
    "not-reported": ("not-reported",),
    "complete": ("complete",),
}


class WorkloadCounter:
    """Actions per lead by status group, for any number of quarter ends (lead positions are matched once).

    An action counts for the people who do the work: its responsible leads, or
    its leads where the plan has one lead column, or, failing both, its
    accountable leads. A joint action counts for each of its leads. Leads at
    different councils are never merged.
    """

    def __init__(self, action_leads: pd.DataFrame, actions: pd.DataFrame):
        doing = working_leads(action_leads)
        keys = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
        self.position = keys.get_indexer(pd.MultiIndex.from_arrays([doing["review_id"], doing["action_ref"]]))
        self.codes, self.names = pd.MultiIndex.from_arrays([doing["council"], doing["lead"]]).factorize(sort=True)
        several = len(set(action_leads["council"])) > 1
        # Display names: the council is added only where the leads span several councils.
        self.display = [f"{lead} ({council})" if several else lead for council, lead in self.names]

    def count(self, statuses, display_names: bool = False) -> pd.DataFrame:
        """The workload table for statuses aligned with the actions given at construction (ids, or codes from
        StatusTracker.status_codes)."""
        import numpy as np

        from helpers.base.vocabulary import STATUS_IDS

        values = np.asarray(statuses)
        codes = values if values.dtype.kind == "i" else pd.Index(STATUS_IDS).get_indexer(values)  # -1: no status
        group_of = np.full(len(STATUS_IDS) + 1, -1)  # the last slot is for code -1: not counted
        for g, ids in enumerate(GROUPS.values()):
            for sid in ids:
                group_of[STATUS_IDS.index(sid)] = g
        group = group_of[codes[self.position]]
        table = pd.DataFrame(
            {name: np.bincount(self.codes[group == g], minlength=len(self.names)) for g, name in enumerate(GROUPS)},
            index=pd.Index(self.display, name="lead")
            if display_names
            else pd.MultiIndex.from_tuples(list(self.names), names=["council", "lead"]),
        )
        table["total"] = table.sum(axis=1)
        table = table[table["total"] > 0]
        return table.sort_values(["total", "overdue"], ascending=False)  # on two columns pandas sorts stably


def workload(status: pd.DataFrame, action_leads: pd.DataFrame) -> pd.DataFrame:
    """Actions per (council, lead) by status group as at one quarter end (see WorkloadCounter)."""
    return WorkloadCounter(action_leads, status).count(status["status"].to_numpy(object))


def workload_table(table: pd.DataFrame) -> pd.DataFrame:
    """A workload table (see `workload`) to show: "Lead" first, then each status group in words, then "Total"."""
    from helpers.base.vocabulary import status_labels

    labels = status_labels()
    words = {"open": "Open", "total": "Total", **{g: labels[ids[0]] for g, ids in GROUPS.items() if len(ids) == 1}}
    return table.rename(columns=words).rename_axis("Lead").reset_index()


def working_leads(action_leads: pd.DataFrame) -> pd.DataFrame:
    """The leads who do each action's work: responsible, else lead, else accountable."""
    rank = action_leads["role"].map({"responsible": 0, "lead": 0, "accountable": 1})
    best = rank.groupby([action_leads["review_id"], action_leads["action_ref"]]).transform("min")
    return action_leads[rank == best].reset_index(drop=True)


def lead_names(table: pd.DataFrame) -> list[str]:
    """Display names for a (council, lead) index: the council is added only where the table spans several."""
    councils = table.index.get_level_values("council")
    several = len(set(councils)) > 1
    return [f"{lead} ({council})" if several else lead for council, lead in table.index]


# --- E-mail addresses ------------------------------------------------------------------------------

# A plain address as councils' mail systems use them: ASCII letters, digits and . _ % + - before one @, then a
# domain of two or more labels (letters, digits, inner hyphens). Stricter than RFC 5322 on purpose: no quoted
# local parts, comments, display names or non-ASCII, so what is written is what is sent.
_ADDRESS = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


def address_problem(address: str) -> str | None:
    """Why `address` is not a plain e-mail address (None if it is one): see `_ADDRESS` for the rule."""
    from email.utils import parseaddr

    if any(ch in address for ch in "\r\n"):
        return f"{address!r} has a line break in it"
    if "=?" in address:
        return f"{address!r} looks like an encoded word (=?...?=), not an address"
    if not _ADDRESS.fullmatch(address) or parseaddr(address) != ("", address):
        return f"{address!r} is not an e-mail address like name@example.gov.uk"
    return None


@lru_cache(maxsize=4)
def _addresses(path: Path) -> dict[tuple[str, str], str]:
    """{(folded council, canonical lead): address} from the `email` column, checked row by row."""
    from helpers.base.readers import read_csv

    frame = read_csv(path, required=["council", "lead", "alias"], optional=["note", "email"], what="lead alias file")
    found: dict[tuple[str, str], tuple[str, int]] = {}
    for row in map(_Row, frame.to_dict("records")):
        if not row.email:
            continue
        problem = address_problem(row.email)
        if problem:
            raise InputError(f"email: {problem}", path, row._row)
        key = (_key(row.council), row.lead)
        known = found.get(key)
        if known and known[0].casefold() != row.email.casefold():
            raise InputError(
                f"{row.lead} at {row.council} already has the address {known[0]} (row {known[1]}); give one only",
                path,
                row._row,
            )
        found.setdefault(key, (row.email, row._row))
    return {key: address for key, (address, _) in found.items()}


def lead_address(council: str, lead: str) -> str:
    """The lead's e-mail address at `council` from data/leads.csv ("" where none is given)."""
    return _addresses(config.rules_file("leads.csv")).get((_key(council), lead), "")
