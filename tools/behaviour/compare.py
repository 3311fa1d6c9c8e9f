"""Compare two captures made by capture.sh, file by file.

    python3 tools/behaviour/compare.py BEFORE_DIR AFTER_DIR [--diff] [--moved]

--moved is for a change that moves modules (the layout of src/helpers): names of our modules
(`helpers.presentation` / `helpers.committee.presentation`) are masked wherever an output names one,
and summary.json's digests are masked; the input files whose digest differs are listed, so what
changed in the inputs (a comment naming a moved module, say) is said, not hidden.

Every file is compared byte for byte after the normalisations below (and only those), which
README.md lists with the reason for each. PDFs were captured as `pdftotext -layout` text. Prints
one line per differing file (with its first differing line; --diff prints a unified diff of the
normalised text), then "N files identical, M differ". Exit status 1 if any differ (or a file is
in one capture only), 0 otherwise. Standard library only.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

SKIP = {"meta.json"}  # what capture.sh wrote about the run itself (folder, dates, commit)
DIGEST = re.compile(r'("(?:data/(?:updates|decisions)/[^"/]+\.csv|digest)": )"[0-9a-f]{64}"')
# make echoes each recipe line before running it: `.venv/bin/python -m helpers.report --from-env`
RECIPE = re.compile(r"^(\S*python3?) -m [A-Za-z_][\w.]*", re.MULTILINE)
MODULE = re.compile(r"\bhelpers(?:\.[a-z_]+)+")
ANY_DIGEST = re.compile(r'("[^"]+": )"[0-9a-f]{64}"')


def meta(capture: Path) -> dict:
    path = capture / "meta.json"
    if not path.is_file():
        sys.exit(f"compare: {capture} has no meta.json: is it a capture made by capture.sh?")
    return json.loads(path.read_text(encoding="utf-8"))


def date_patterns(dates: list[str]) -> list[re.Pattern[str]]:
    """The capture day(s) as the outputs write them: 2026-12-08, and 8 December 2026 (any spacing: PDF text)."""
    import datetime as dt

    patterns = []
    for iso in dates:
        day = dt.date.fromisoformat(iso)
        patterns.append(re.compile(re.escape(iso)))
        patterns.append(re.compile(rf"\b{day.day}\s+{day:%B}\s+{day.year}\b"))
    return patterns


def normalise(rel: str, data: bytes, dates: list[re.Pattern[str]], mask_digests: bool, moved: bool = False) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    for pattern in dates:
        text = pattern.sub("<CAPTURE-DATE>", text)
    if mask_digests and rel.endswith("summary.json"):
        text = DIGEST.sub(r'\1"<DIGEST OF A FILE HOLDING THE CAPTURE DATE>"', text)
    if rel.startswith("logs/"):
        text = RECIPE.sub(r"\1 -m <MODULE>", text)
    if moved:
        text = MODULE.sub("helpers.<MODULE>", text)
        if rel.endswith("summary.json"):
            text = ANY_DIGEST.sub(r'\1"<DIGEST>"', text)
    return text.encode("utf-8")


def digests_that_differ(a: bytes, b: bytes) -> list[str]:
    """The input files (and "digest", the overall one) whose digest differs between two summary.json files."""
    found_a = dict(re.findall(r'"([^"]+)": "([0-9a-f]{64})"', a.decode("utf-8")))
    found_b = dict(re.findall(r'"([^"]+)": "([0-9a-f]{64})"', b.decode("utf-8")))
    return sorted(k for k in found_a.keys() | found_b.keys() if found_a.get(k) != found_b.get(k))


def files(capture: Path) -> set[str]:
    return {p.relative_to(capture).as_posix() for p in capture.rglob("*") if p.is_file()} - SKIP


def first_difference(a: bytes, b: bytes) -> str:
    la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for n, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
        if x != y:
            return f"line {n}: {x.strip()[:100]!r} != {y.strip()[:100]!r}"
    return f"{len(la)} vs {len(lb)} lines" if len(la) != len(lb) else "differ in line endings or bytes"


def main(argv: list[str]) -> int:
    show_diff, moved = "--diff" in argv, "--moved" in argv
    args = [a for a in argv if a not in ("--diff", "--moved")]
    changed_inputs: set[str] = set()
    if len(args) != 2:
        sys.exit(__doc__)
    before, after = Path(args[0]), Path(args[1])
    meta_b, meta_a = meta(before), meta(after)
    dates_b, dates_a = date_patterns(meta_b["capture_dates"]), date_patterns(meta_a["capture_dates"])
    # A digest of a file that holds the capture date (collected_on, recorded_on) can only match if the
    # captures ran on the same day(s); otherwise such digests are masked, and the files themselves are
    # compared (with the date normalised).
    mask = sorted(meta_b["capture_dates"]) != sorted(meta_a["capture_dates"])
    if mask:
        print(
            f"note: captures ran on different days ({', '.join(meta_b['capture_dates'])} and "
            f"{', '.join(meta_a['capture_dates'])}): digests of data/updates/*.csv, data/decisions/*.csv "
            "and the overall input digest in summary.json are masked"
        )
    names_b, names_a = files(before), files(after)
    same = differ = 0
    for rel in sorted(names_b | names_a):
        if rel not in names_a:
            print(f"ONLY IN BEFORE  {rel}")
            differ += 1
            continue
        if rel not in names_b:
            print(f"ONLY IN AFTER   {rel}")
            differ += 1
            continue
        if moved and rel.endswith("summary.json"):
            changed_inputs.update(digests_that_differ((before / rel).read_bytes(), (after / rel).read_bytes()))
        a = normalise(rel, (before / rel).read_bytes(), dates_b, mask, moved)
        b = normalise(rel, (after / rel).read_bytes(), dates_a, mask, moved)
        if a == b:
            same += 1
            continue
        differ += 1
        print(f"DIFFERS         {rel}: {first_difference(a, b)}")
        if show_diff:
            diff = difflib.unified_diff(
                a.decode("utf-8", "replace").splitlines(),
                b.decode("utf-8", "replace").splitlines(),
                f"before/{rel}",
                f"after/{rel}",
                lineterm="",
                n=1,
            )
            for line in list(diff)[:60]:
                print("    " + line[:200])
    if changed_inputs:
        print(f"note: summary.json digests that differ (masked by --moved): {', '.join(sorted(changed_inputs))}")
    print(f"{same} files identical, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
