"""A deterministic synthetic national-scale corpus, for benchmarks only.

Many councils, each with three reviews of about 40 recommendations and a
quarterly update log over five years. Texts, leads and progress comments are
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

from helpers import config, quarters, tables
from helpers.leads import leads_long

SEED = 20240331
KINDS = [("cpc", "corporate peer challenge", dt.date(2020, 1, 28)),
         ("finance", "finance peer challenge", dt.date(2021, 10, 5)),
         ("progress", "progress review", dt.date(2023, 2, 28))]
YEARS_OF_UPDATES = 5


def _vocabulary() -> dict[str, list[str]]:
    """Real sentences and names to recombine, from the committed processed tables."""
    recs = tables.read("recommendations")
    leads = sorted(set(tables.read("recommendation_leads")["lead"]))
    sentences = [s.strip() for text in recs["recommendation"] for s in re.split(r"(?<=[.;])\s+", text) if len(s) > 20]
    comments = [s.strip() for text in pd.concat([recs["response"], recs["progress"]])
                for s in re.split(r"(?<=\.)\s+", text) if 30 < len(s) < 240]
    return {"sentences": sentences, "leads": leads, "comments": comments,
            "sections": sorted(set(recs["section"]))}


def generate(councils: int, recs_per_review: int = 40, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Tables for `councils` councils: reviews, recommendations, recommendation_leads, updates."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary()
    sentences, lead_names, comments = vocab["sentences"], vocab["leads"], vocab["comments"]
    review_rows, rec_frames = [], []
    for c in range(councils):
        council = f"Synthetic council {c + 1:03d}"
        for short, kind, approved in KINDS:
            review_id = f"{approved.year - 1 if short == 'cpc' else approved.year}-{short}-c{c + 1:03d}"
            approved_on = approved + dt.timedelta(days=int(rng.integers(-60, 60)))
            n = int(rng.integers(recs_per_review - 5, recs_per_review + 6))
            review_rows.append({
                "review_id": review_id, "title": f"{kind.capitalize()} ({council})", "council": council, "kind": kind,
                "visit_start": pd.Timestamp(approved_on - dt.timedelta(days=120)),
                "visit_end": pd.Timestamp(approved_on - dt.timedelta(days=116)),
                "approved_on": pd.Timestamp(approved_on), "approved_by": "Cabinet",
                "source_date": pd.Timestamp(approved_on), "recommendations_expected": n,
                "recommendations_transcribed": n, "transcribed_note": f"{n} of {n} transcribed",
                "recorded_themes": "", "recorded_theme_ids": "", "documents": "synthetic"})
            rec_frames.append(_recommendations(rng, review_id, n, approved_on, sentences, lead_names,
                                               vocab["sections"]))
    recs = pd.concat(rec_frames, ignore_index=True)
    reviews = pd.DataFrame(review_rows, columns=list(tables.REVIEWS.columns))
    for col in ("visit_start", "visit_end", "approved_on", "source_date"):
        reviews[col] = reviews[col].astype("datetime64[ns]")
    return {"reviews": reviews, "recommendations": recs, "recommendation_leads": leads_long(recs),
            "updates": _updates(rng, recs, reviews, comments)}


def _recommendations(rng: np.random.Generator, review_id: str, n: int, approved: dt.date, sentences: list[str],
                     lead_names: list[str], sections: list[str]) -> pd.DataFrame:
    picks = rng.integers(0, len(sentences), size=(n, 2))
    text = [f"{sentences[a]} {sentences[b]}" if rng.random() < 0.5 else sentences[a] for a, b in picks]
    joint = rng.random(n) < 0.25
    first = rng.integers(0, len(lead_names), n)
    second = (first + rng.integers(1, len(lead_names), n)) % len(lead_names)
    lead_lists = [[lead_names[f], lead_names[s]] if j else [lead_names[f]] for f, s, j in zip(first, second, joint)]
    kind = rng.choice(["month", "season", "ongoing", "complete", "none"], p=[0.6, 0.05, 0.25, 0.05, 0.05], size=n)
    months_ahead = rng.integers(1, 25, n)
    target, target_date = [], []
    for k, ahead in zip(kind, months_ahead):
        end = (pd.Period(approved, freq="M") + int(ahead)).end_time.normalize()
        if k == "month":
            target.append(end.strftime("%B %Y")); target_date.append(end)
        elif k == "season":
            autumn = pd.Timestamp(end.year, 11, 30)
            target.append(f"Autumn {end.year}"); target_date.append(autumn)
        elif k == "complete":
            target.append("Complete"); target_date.append(pd.Timestamp(approved))
        else:
            target.append("Ongoing" if k == "ongoing" else ""); target_date.append(pd.NaT)
    frame = pd.DataFrame({
        "review_id": review_id, "rec_no": np.arange(1, n + 1, dtype="int64"),
        "section": rng.choice(sections, size=n), "recommendation": text,
        "response": [f"Agreed. {sentences[i]}" for i in rng.integers(0, len(sentences), n)],
        "lead": [" / ".join(names) for names in lead_lists], "leads": ["; ".join(names) for names in lead_lists],
        "target": target, "target_date": pd.to_datetime(target_date).astype("datetime64[ns]"), "target_kind": kind,
        "progress": "", "see_also": "", "follows": pd.array([pd.NA] * n, dtype="Int64"), "correction": "",
        "source_file": "synthetic", "source_lines": [str(i) for i in range(1, n + 1)],
    })
    return frame


def _updates(rng: np.random.Generator, recs: pd.DataFrame, reviews: pd.DataFrame, comments: list[str]) -> pd.DataFrame:
    """Quarterly updates for five years after each plan: ~60% of open actions report each quarter."""
    approved = recs["review_id"].map(reviews.set_index("review_id")["approved_on"])
    first_q = [quarters.quarter_of(d) + 1 for d in approved]
    done_after = rng.geometric(0.12, size=len(recs))  # quarters until complete
    rows = {"review_id": [], "rec_no": [], "status": [], "comment": [], "updated_on": []}
    for offset in range(4 * YEARS_OF_UPDATES):
        reports = rng.random(len(recs)) < 0.6
        still_open = done_after >= offset
        chosen = np.nonzero(reports & still_open)[0]
        day_in_quarter = rng.integers(0, 85, len(chosen))
        for i, day in zip(chosen, day_in_quarter):
            start = quarters.start(first_q[i] + offset)
            rows["review_id"].append(recs.at[i, "review_id"])
            rows["rec_no"].append(int(recs.at[i, "rec_no"]))
            rows["status"].append("Complete" if done_after[i] == offset else "In progress")
            rows["comment"].append(comments[int(rng.integers(0, len(comments)))])
            rows["updated_on"].append(start + dt.timedelta(days=int(day)))
    updates = pd.DataFrame(rows)
    updates["updated_on"] = pd.to_datetime(updates["updated_on"])
    return updates.sort_values("updated_on", kind="stable", ignore_index=True)


RULES = ("vocabulary.yaml", "themes.csv", "leads.csv")


def write(corpus: dict[str, pd.DataFrame], data_dir: Path) -> None:
    """Write a corpus as a data folder: processed/*.csv, updates/<quarter>.csv and the real rules files."""
    processed, updates_dir = data_dir / "processed", data_dir / "updates"
    processed.mkdir(parents=True, exist_ok=True)
    updates_dir.mkdir(parents=True, exist_ok=True)
    for name in RULES:
        shutil.copyfile(config.rules_file(name), data_dir / name)
    for name in ("reviews", "recommendations", "recommendation_leads"):
        (processed / f"{name}.csv").write_text(tables.to_csv_text(corpus[name]), encoding="utf-8")
    updates = corpus["updates"]
    labels = updates["updated_on"].dt.to_period(quarters.FREQ)
    for quarter, part in updates.groupby(labels, sort=True):
        part = part.assign(updated_on=part["updated_on"].dt.strftime("%Y-%m-%d"))
        (updates_dir / f"{quarters.slug(quarter)}.csv").write_text(
            part[["review_id", "rec_no", "status", "comment", "updated_on"]].to_csv(index=False, lineterminator="\n"),
            encoding="utf-8")
