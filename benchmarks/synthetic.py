"""A deterministic synthetic national-scale corpus, for benchmarks only.

Many councils, each with three reviews of about 40 recommendations (some with
several actions, half the councils with accountable and responsible leads) and
a quarterly update log over five years, with revised targets. Texts, leads and progress comments are
recombined from the real documents' vocabulary (data/processed), so the data
looks like the real thing to the code; none of it is ever shown as real.
It is written in the project's own formats (processed tables and
updates/<quarter>.csv files) so the real loaders are what gets measured.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.base import config, quarters
from helpers.plans import tables

SEED = 20240331
KINDS = [
    ("cpc", "corporate peer challenge", dt.date(2020, 1, 28)),
    ("finance", "finance peer challenge", dt.date(2021, 10, 5)),
    ("progress", "progress review", dt.date(2023, 2, 28)),
]
YEARS_OF_UPDATES = 5
SEVERAL_ACTIONS = 0.2  # share of recommendations with two or three actions
ROLES = 0.5  # share of councils whose plans name accountable and responsible leads
REVISED = 0.03  # share of quarterly updates that ask for a revised target (half of them agreed)


def _vocabulary() -> dict[str, list[str]]:
    """Real sentences and names to recombine, from the committed processed tables."""
    recs, actions = tables.read("recommendations"), tables.read("actions")
    leads = sorted(set(tables.read("action_leads")["lead"]))
    sentences = [s.strip() for text in recs["recommendation"] for s in re.split(r"(?<=[.;])\s+", text) if len(s) > 20]
    comments = [
        s.strip()
        for text in pd.concat([actions["action"], actions["progress"]])
        for s in re.split(r"(?<=\.)\s+", text)
        if 30 < len(s) < 240
    ]
    return {"sentences": sentences, "leads": leads, "comments": comments, "sections": sorted(set(recs["section"]))}


def generate(councils: int, recs_per_review: int = 40, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Tables for `councils` councils: reviews, recommendations, actions, action_leads, updates."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary()
    review_rows, parts = [], []
    for c in range(councils):
        council = f"Synthetic council {c + 1:03d}"
        roles = rng.random() < ROLES
        for short, kind, approved in KINDS:
            review_id = f"{approved.year - 1 if short == 'cpc' else approved.year}-{short}-c{c + 1:03d}"
            approved_on = pd.Timestamp(approved + dt.timedelta(days=int(rng.integers(-60, 60))))
            n = int(rng.integers(recs_per_review - 5, recs_per_review + 6))
            recs, actions, leads = _plan(rng, review_id, council, n, approved_on.date(), roles, vocab)
            parts.append((recs, actions, leads))
            review_rows.append(
                {
                    "review_id": review_id,
                    "title": f"{kind.capitalize()} ({council})",
                    "council": council,
                    "kind": kind,
                    "visit_start": approved_on - pd.Timedelta(days=120),
                    "visit_end": approved_on - pd.Timedelta(days=116),
                    "visit_month_only": False,
                    "visit_note": "",
                    "approved_on": approved_on,
                    "approved_by": "Cabinet",
                    "monitored_by": "",
                    "approval_note": "",
                    "tracked_from": approved_on,
                    "source_date": approved_on,
                    "recommendations_expected": n,
                    "recommendations_transcribed": n,
                    "actions_transcribed": len(actions),
                    "transcribed_note": f"{n} of {n} recommendations transcribed",
                    "recorded_themes": "",
                    "recorded_theme_ids": "",
                    "action_plan_published": "",
                    "progress_review_visit": "",
                    "progress_review_report": "",
                    "documents": "synthetic",
                }
            )
    reviews = _typed("reviews", pd.DataFrame(review_rows))
    recs = _typed("recommendations", pd.concat([p[0] for p in parts], ignore_index=True))
    actions = _typed("actions", pd.concat([p[1] for p in parts], ignore_index=True))
    leads = _typed("action_leads", pd.concat([p[2] for p in parts], ignore_index=True))
    return {
        "reviews": reviews,
        "recommendations": recs,
        "actions": actions,
        "action_leads": leads,
        "updates": _updates(rng, actions, reviews, vocab["comments"]),
    }


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[list(tables.SCHEMAS[name].columns)].copy()
    for col, spec in tables.SCHEMAS[name].columns.items():
        if str(spec.dtype).startswith("datetime"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


def _target(rng: np.random.Generator, approved: dt.date) -> tuple[str, object, str]:
    kind = rng.choice(["month", "season", "ongoing", "complete", "none"], p=[0.6, 0.05, 0.25, 0.05, 0.05])
    end = (pd.Period(approved, freq="M") + int(rng.integers(1, 25))).end_time.normalize()
    if kind == "month":
        return end.strftime("%B %Y"), end, "month"
    if kind == "season":
        return f"Autumn {end.year}", pd.Timestamp(end.year, 11, 30), "season"
    if kind == "complete":
        return "Complete", pd.Timestamp(approved), "complete"
    return ("Ongoing", pd.NaT, "ongoing") if kind == "ongoing" else ("", pd.NaT, "none")


def _plan(
    rng: np.random.Generator,
    review_id: str,
    council: str,
    n: int,
    approved: dt.date,
    roles: bool,
    vocab: dict[str, list[str]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A review's plan of `n` recommendations: its recommendations, their actions and the actions' leads."""
    recs, actions, leads = [], [], []
    # The draws from `rng` come in a fixed order (recommendation, then each action and its leads), so a seed
    # always gives the same corpus.
    for r in range(1, n + 1):
        recs.append(_recommendation(rng, review_id, r, vocab))
        count = int(rng.integers(2, 4)) if rng.random() < SEVERAL_ACTIONS else 1
        for k in range(1, count + 1):
            ref = str(r) if count == 1 else f"{r}.{k}"
            actions.append(_action(rng, review_id, r, ref, len(actions) + 1, approved, vocab["sentences"]))
            leads += _action_leads(rng, review_id, ref, council, roles, vocab["leads"])
    leads_frame = pd.DataFrame(leads).drop_duplicates(["review_id", "action_ref", "lead", "role"])
    return pd.DataFrame(recs), pd.DataFrame(actions), leads_frame


def _recommendation(rng: np.random.Generator, review_id: str, r: int, vocab: dict[str, list[str]]) -> dict:
    """Recommendation `r` of a review: one or two sentences, in a section."""
    sentences = vocab["sentences"]
    a, b = rng.integers(0, len(sentences), 2)
    return {
        "review_id": review_id,
        "rec_ref": str(r),
        "rec_order": r,
        "ref_generated": False,
        "section": vocab["sections"][int(rng.integers(0, len(vocab["sections"])))],
        "recommendation": f"{sentences[a]} {sentences[b]}" if rng.random() < 0.5 else sentences[a],
        "response": "Agreed.",
        "source_file": "synthetic",
        "source_lines": str(r),
    }


def _action(
    rng: np.random.Generator, review_id: str, r: int, ref: str, order: int, approved: dt.date, sentences: list[str]
) -> dict:
    """Action `ref` of recommendation `r`, with a target drawn as plans write them."""
    target, date, kind = _target(rng, approved)
    return {
        "review_id": review_id,
        "action_ref": ref,
        "action_order": order,
        "rec_ref": str(r),
        "ref_generated": False,
        "action": f"Agreed. {sentences[int(rng.integers(0, len(sentences)))]}",
        "lead_as_written": "",
        "target": target,
        "target_corrected": target,
        "target_date": date,
        "target_start": pd.NaT,
        "target_kind": kind,
        "timescales": "",
        "plan_status": "",
        "progress": "",
        "see_also": "",
        "follows": "",
        "source_incomplete": "",
        "correction": "",
        "source_file": "synthetic",
        "source_lines": str(r),
    }


def _action_leads(
    rng: np.random.Generator, review_id: str, ref: str, council: str, roles: bool, names: list[str]
) -> list[dict]:
    """An action's leads: one, or a quarter of the time two jointly; with `roles`, responsible and accountable."""
    picks = rng.choice(len(names), size=2 if rng.random() < 0.25 else 1, replace=False)
    people = [("responsible" if roles else "lead", names[i]) for i in picks]
    if roles:
        people.append(("accountable", names[int(rng.integers(0, len(names)))]))
    return [
        {
            "review_id": review_id,
            "action_ref": ref,
            "council": council,
            "lead": lead,
            "role": role,
            "lead_position": position,
            "joint": len(picks) > 1,
        }
        for position, (role, lead) in enumerate(people, start=1)
    ]


def _updates(
    rng: np.random.Generator, actions: pd.DataFrame, reviews: pd.DataFrame, comments: list[str]
) -> pd.DataFrame:
    """Quarterly returns for five years after each plan: ~60% of open actions report each quarter."""
    approved = actions["review_id"].map(reviews.set_index("review_id")["approved_on"])
    first_q = np.array([quarters.quarter_of(d) + 1 for d in approved])
    done_after = rng.geometric(0.12, size=len(actions))  # quarters until complete
    frames = []
    for offset in range(4 * YEARS_OF_UPDATES):
        chosen = np.nonzero((rng.random(len(actions)) < 0.6) & (done_after >= offset))[0]
        starts = pd.to_datetime([quarters.start(q + offset) for q in first_q[chosen]])
        day = starts + pd.to_timedelta(rng.integers(0, 85, len(chosen)), unit="D")
        revised = rng.random(len(chosen)) < REVISED
        agreed = revised & (rng.random(len(chosen)) < 0.5)
        new_target = (day + pd.DateOffset(months=6)).strftime("%B %Y")
        frames.append(
            pd.DataFrame(
                {
                    "review_id": actions["review_id"].to_numpy()[chosen],
                    "action_ref": actions["action_ref"].to_numpy()[chosen],
                    "status": np.where(done_after[chosen] == offset, "Complete", "In progress"),
                    "comment": [comments[i] for i in rng.integers(0, len(comments), len(chosen))],
                    "updated_on": day,
                    "revised_target": np.where(revised, new_target, ""),
                    "revision_reason": np.where(revised, "Capacity moved to statutory work", ""),
                    "revision_approved_by": np.where(agreed, "Audit and Governance Committee", ""),
                    "revision_approved_on": np.where(agreed, (day + pd.Timedelta(days=2)).strftime("%Y-%m-%d"), ""),
                    "evidence": "",
                    "lead": "",
                    "source": "",
                    "collected_on": "",
                }
            )
        )
    updates = pd.concat(frames, ignore_index=True)
    return updates.sort_values("updated_on", kind="stable", ignore_index=True)


RULES = ("vocabulary.yaml", "themes.csv", "leads.csv", "report.yaml")


def write(corpus: dict[str, pd.DataFrame], data_dir: Path) -> None:
    """Write a corpus as a data folder: processed/*.csv, updates/<quarter>.csv and the real rules files."""
    processed, updates_dir = data_dir / "processed", data_dir / "updates"
    processed.mkdir(parents=True, exist_ok=True)
    updates_dir.mkdir(parents=True, exist_ok=True)
    for name in RULES:
        shutil.copyfile(config.rules_file(name), data_dir / name)
    for name in tables.SCHEMAS:
        frame = corpus.get(name, pd.DataFrame(columns=list(tables.SCHEMAS[name].columns)))
        (processed / f"{name}.csv").write_text(tables.to_csv_text(frame), encoding="utf-8")
    updates = corpus["updates"]
    labels = updates["updated_on"].dt.to_period(quarters.FREQ)
    for quarter, part in updates.groupby(labels, sort=True):
        part = part.assign(updated_on=part["updated_on"].dt.strftime("%Y-%m-%d"))
        (updates_dir / f"{quarters.slug(quarter)}.csv").write_text(
            part.to_csv(index=False, lineterminator="\n"), encoding="utf-8"
        )
