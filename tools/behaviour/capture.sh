#!/usr/bin/env bash
# Capture what the project's commands make, so a restructure can be shown to change nothing.
#
#   tools/behaviour/capture.sh PROJECT_DIR OUT_DIR
#
# PROJECT_DIR: a throwaway clone with its own venv (`make -C PROJECT_DIR venv`); its data/ and
# reports/ must be as committed (the run writes into them). Only make targets are run, plus
# fill.py (openpyxl) to fill returns and a decision sheet as a lead and an analyst would.
# OUT_DIR must not exist or be empty. See README.md in this folder.
set -euo pipefail

die() { echo "capture: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 PROJECT_DIR OUT_DIR"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "$1" && pwd) || die "no such project folder: $1"
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
PY="$PROJECT/.venv/bin/python"
FILL="$HERE/fill.py"

# --- Preconditions --------------------------------------------------------------------------
[ -f "$PROJECT/Makefile" ] || die "$PROJECT has no Makefile"
[ -z "$(ls -A "$OUT")" ] || die "$OUT is not empty"
[ -f "$PROJECT/.venv/.installed-stamp" ] || die "$PROJECT/.venv is not built: run make -C $PROJECT venv"
# The install is editable with an absolute path: the venv must be this copy's, or the commands
# would write into another checkout. find_spec locates the package without importing it.
where=$("$PY" -c 'import importlib.util as u; print(u.find_spec("helpers").submodule_search_locations[0])') \
  || die "$PY cannot find the project's package"
case "$where" in "$PROJECT"/*) ;; *) die "$PROJECT/.venv runs the code in $where, not this copy's: rebuild it inside $PROJECT" ;; esac
command -v pdftotext >/dev/null || die "pdftotext is not installed (poppler-utils)"
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || die "chromium is not installed"
dirty=$(git -C "$PROJECT" status --porcelain --untracked-files=all --ignored -- data reports)
[ -z "$dirty" ] || die "$PROJECT has data or report changes (use a fresh clone):
$dirty"

# --- Running ---------------------------------------------------------------------------------
mkdir -p "$OUT/logs"
STEP=0
CAPTURE_START=$(date +%F)
run() {  # run NAME COMMAND...: log to OUT/logs/NN-NAME.log, stop on failure with the log's tail
  STEP=$((STEP + 1))
  local log
  log=$(printf '%s/logs/%02d-%s.log' "$OUT" "$STEP" "$1")
  shift
  echo "capture: [$STEP] $*"
  if ! (cd "$PROJECT" && "$@") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "step $STEP failed: $* (full output: $log)"
  fi
}
snapshot_index() {  # reports/index.html as it is after a step
  [ -f "$PROJECT/reports/index.html" ] || die "no reports/index.html after $1"
  mkdir -p "$OUT/index-after"
  cp "$PROJECT/reports/index.html" "$OUT/index-after/$1.html"
}

# a. Every council's reports for 2023/24 Q4
run report-2023-24-Q4 make report QUARTER="2023/24 Q4"
snapshot_index report-2023-24-Q4

# b. A scripted 2024/25 Q1 cycle, then the Q2 forms and report
Q1=2024-25-Q1
run forms-2024-25-Q1 make forms QUARTER="2024/25 Q1"
run fill-returns "$PY" "$FILL" updates "reports/$Q1/forms" "data/updates/returns/$Q1"
run collect-2024-25-Q1 make collect QUARTER="2024/25 Q1"
run collect-again-2024-25-Q1 make collect QUARTER="2024/25 Q1"
run report-2024-25-Q1 make report QUARTER="2024/25 Q1"
snapshot_index report-2024-25-Q1
run decisions-2024-25-Q1 make decisions QUARTER="2024/25 Q1"
run fill-decisions "$PY" "$FILL" decisions "reports/$Q1/decisions" "data/decisions/sheets/$Q1"
run record-decisions-2024-25-Q1 make record-decisions QUARTER="2024/25 Q1"
run record-decisions-again-2024-25-Q1 make record-decisions QUARTER="2024/25 Q1"
run forms-2024-25-Q2 make forms QUARTER="2024/25 Q2"
run report-2024-25-Q2 make report QUARTER="2024/25 Q2"
snapshot_index report-2024-25-Q2

# --- Saving what was made ----------------------------------------------------------------------
echo "capture: saving outputs"
cd "$PROJECT"
copy() { mkdir -p "$OUT/$(dirname "$1")"; cp "$1" "$OUT/$1"; }
shopt -s nullglob
n_reports=0
for html in reports/*/*/report.html; do
  folder=$(dirname "$html")
  copy "$html"
  [ -f "$folder/summary.json" ] && copy "$folder/summary.json"
  [ -f "$folder/report.pdf" ] || die "$folder has report.html but no report.pdf"
  pdftotext -layout "$folder/report.pdf" "$OUT/$folder/report.pdf.txt" || die "pdftotext failed on $folder/report.pdf"
  n_reports=$((n_reports + 1))
done
[ "$n_reports" -gt 0 ] || die "no reports were written"
[ -d reports/_failed ] && die "reports/_failed exists: a report failed"
copy reports/index.html
for f in reports/*/forms/README.md reports/*/forms/chase-list.csv data/updates/*.csv data/decisions/*.csv; do
  copy "$f"
done
for book in reports/*/forms/*.xlsx reports/*/decisions/*.xlsx data/updates/returns/*/*.xlsx data/decisions/sheets/*/*.xlsx; do
  mkdir -p "$OUT/$(dirname "$book")"
  "$PY" "$FILL" dump "$book" "$OUT/$book.json" || die "could not dump $book"
done
CAPTURE_END=$(date +%F)

# What compare.py needs to normalise: where the project was, and the day(s) the capture ran.
"$PY" - "$OUT/meta.json" "$PROJECT" "$CAPTURE_START" "$CAPTURE_END" "$(git rev-parse HEAD)" <<'EOF'
import json, sys
out, project, start, end, head = sys.argv[1:]
json.dump({"project_dir": project, "capture_dates": sorted({start, end}), "git_head": head},
          open(out, "w"), indent=1)
EOF
echo "capture: $(find "$OUT" -type f | wc -l) files in $OUT ($n_reports reports)"
