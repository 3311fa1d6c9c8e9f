"""The README and docs/ stay true to the tree: the README a five-minute read, every relative link landing on a file
(and heading), and every make target, module, function and file they name still there.

Read as text and `ast`, so nothing is imported to check it. When a module is split or renamed, these tests name
each page and line still using the old name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers.base import config

ROOT = config.PROJECT_ROOT
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SRC = ROOT / "src"
README_MAX_LINES = 200
STAGES = ["base", "plans", "tracking", "cycle", "committee", "publishing"]

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def pages() -> list[Path]:
    """The README and every page in docs/."""
    return [README, *sorted(DOCS.glob("*.md"))]


def _without_code_blocks(text: str) -> str:
    """The text with fenced code blocks blanked out, line numbers kept (a link there is an example, not a link)."""
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _code(text: str) -> list[tuple[int, str]]:
    """(line number, code) for every code span and every line of a fenced block: where commands and names appear."""
    out = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_fence = not in_fence
        elif in_fence:
            out.append((number, line))
        else:
            out += [(number, span) for span in CODE_SPAN.findall(line)]
    return out


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings."""
    text = _without_code_blocks(page.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def broken_links(files: list[Path]) -> list[str]:
    """ "page:line: target (why)" for every relative link to a missing file, or to a heading its page lacks."""
    out = []
    for page in files:
        text = _without_code_blocks(page.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), start=1):
            for target in INLINE_LINK.findall(line):
                if re.match(r"^[a-z][a-z+.-]*:", target):  # https:, mailto: ...
                    continue
                path, _, anchor = target.partition("#")
                dest = (page.parent / path) if path else page
                where = f"{page.name}:{number}: {target}"
                if not dest.exists():
                    out.append(f"{where} (no such file)")
                elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                    out.append(f"{where} (no such heading)")
    return out


def test_the_readme_is_a_five_minute_read():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines (at most {README_MAX_LINES}): move the detail to docs/"


def test_every_relative_link_in_the_readme_and_docs_points_to_a_file_that_exists():
    assert broken_links(pages()) == []


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A page\n\n## Who it is for\n")
    (tmp_path / "README.md").write_text(
        "![image](docs/a.md) [ok](docs/a.md#who-it-is-for) [web](https://example.org/x)\n"
        "[gone](docs/gone.md)\n\n```\n[in code](nowhere.md)\n```\n[bad](docs/a.md#nobody) [self](#a-readme)\n"
    )
    assert broken_links([tmp_path / "README.md"]) == [
        "README.md:2: docs/gone.md (no such file)",
        "README.md:7: docs/a.md#nobody (no such heading)",
        "README.md:7: #a-readme (no such heading)",
    ]


def _makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def test_every_make_target_the_readme_and_docs_show_is_in_the_makefile():
    targets = _makefile_targets()
    unknown = []
    for page in pages():
        for number, code in _code(page.read_text(encoding="utf-8")):
            for target in re.findall(r"(?:^|[\s(&])make (?:-s )?([a-z][a-z-]*)", code):
                if target not in targets:
                    unknown.append(f"{page.name}:{number}: make {target}")
    assert unknown == []


def _module_file(dotted: str) -> Path | None:
    """The file of a module in src/ or the project root (helpers.tracking.status, benchmarks.bench), or None."""
    parts = dotted.split(".")
    for base in (SRC, ROOT):
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def _defines(module: Path, name: str) -> bool:
    """Whether a module defines `name` at its top level (a function, class, or assignment)."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def unknown_python_names(text: str) -> list[tuple[int, str]]:
    """(line, name) for every `python -m` module, dotted helpers name or source path in code that is not there."""
    out = []
    for number, code in _code(text):
        for module in re.findall(r"python -m ((?:helpers|benchmarks|tools)\b[\w.]*)", code):
            if _module_file(module) is None:
                out.append((number, f"python -m {module}"))
        for dotted in re.findall(r"\bhelpers(?:\.\w+)+", code):
            if "__mutmut_" in dotted:  # a mutant's name (docs/testing.md), not importable
                continue
            parts = dotted.split(".")
            known = next((n for n in range(len(parts), 0, -1) if _module_file(".".join(parts[:n]))), 0)
            module = _module_file(".".join(parts[:known])) if known else None
            rest = parts[known:]
            if module is None or len(rest) > 1 or (rest and not _defines(module, rest[0])):
                out.append((number, dotted))
        for path in re.findall(r"\b((?:src/|tests/|benchmarks/|tools/)?helpers/[\w/]+\.py|tests/[\w/]+\.py)", code):
            full = ROOT / path if not path.startswith("helpers/") else SRC / path
            if not full.is_file():
                out.append((number, path))
    return out


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_module_function_and_file_a_page_names_is_there(page):
    missing = [f"{page.name}:{n}: {name}" for n, name in unknown_python_names(page.read_text(encoding="utf-8"))]
    assert missing == [], "rename these to where the code now lives"


def test_the_name_check_finds_what_is_gone():
    # Each line: what is there (a module, a function where it lives now, a file), then what is gone (a module
    # never made, a function under the module it moved out of, a file); a mutant's name is never checked.
    text = (
        "`python -m helpers.publishing.report` `python -m helpers.report` `helpers.tracking.durations.calendar_span`\n"
        "`helpers.tracking.status.calendar_span` `src/helpers/tracking/status.py` `src/helpers/status.py`\n"
        "`helpers.committee.action_tables.x_action_notes__mutmut_142` `tests/tracking/test_durations.py` "
        "`tests/test_gone.py`\n"
    )
    assert unknown_python_names(text) == [
        (1, "python -m helpers.report"),
        (1, "helpers.report"),
        (2, "helpers.tracking.status.calendar_span"),
        (2, "src/helpers/status.py"),
        (3, "tests/test_gone.py"),
    ]


def _architecture_modules() -> dict[str, set[str]]:
    """{stage: the module files docs/architecture.md lists under that stage's heading}."""
    found: dict[str, set[str]] = {}
    stage = None
    for line in (DOCS / "architecture.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\w+):", line)
        if heading:
            stage = heading[1] if heading[1] in STAGES else None
        elif stage and line.startswith("| `"):
            found.setdefault(stage, set()).update(re.findall(r"`(\w+\.py)`", line.split("|")[1]))
    return found


def test_the_architecture_page_lists_every_module_of_every_stage():
    listed = _architecture_modules()
    assert sorted(listed) == sorted(STAGES)
    for stage in STAGES:
        present = {p.name for p in (SRC / "helpers" / stage).glob("*.py") if p.name != "__init__.py"}
        assert listed[stage] == present, (
            f"docs/architecture.md, {stage}: not listed {sorted(present - listed[stage])}, "
            f"gone {sorted(listed[stage] - present)}"
        )


def test_the_readme_names_every_notebook_and_how_many_there_are():
    row = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `notebooks/`"))
    found = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    assert f"the {words[len(found)]} notebooks" in row
    missing = [s for s in found if s.split("-", 1)[1].replace("-", " ") not in row.casefold()]
    assert not missing, f"README's notebooks row does not name {missing}"


def test_the_readme_says_a_report_without_chromium_needs_require_pdf_0():
    # make report refuses without its PDF (helpers.publishing.pdf); only REQUIRE_PDF=0 writes the HTML alone
    text = " ".join(README.read_text(encoding="utf-8").split())
    said = text[text.index("Without Chromium") :].split(". ")[0]
    assert "REQUIRE_PDF=0" in said and "fails" in said
