"""Mutation testing of the rule modules (`make mutants`): run mutmut one module at a time, then report.

    python -m tools.mutation                       # every rule module (hours on 2 cores: not for CI)
    python -m tools.mutation quarters readers      # some of them
    python -m tools.mutation tracking.status cycle # a module by its stage path; every rule module of a stage
    python -m tools.mutation --from-env            # MODULES="quarters readers" from the environment
    python -m tools.mutation --report              # only the per-module report of the last runs

mutmut 3 (configured in pyproject.toml, [tool.mutmut]) copies the project into
mutants/ (git-ignored), makes many small changes ("mutants") to each function of
the rule modules, and runs the tests that reach that function against each one.
A mutant the tests notice is killed; one they do not is a survivor: a bug of that
shape would pass `make test`. The report gives, per module, the share killed,
and names each survivor not yet explained in docs/testing.md ("Equivalent survivors").

A rule module is named by its path under helpers, stage first ("tracking.status", whose
mutants mutmut names `helpers.tracking.status.x_func__mutmut_1`). `only_mutate` may hold
patterns ("src/helpers/cycle/decision_sheet*.py"): each module a pattern matches is a rule
module, so a module split in two stays mutated.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from helpers.base import config
from helpers.base.errors import ArgumentParser, InputError, run_cli

MUTANTS_DIR = "mutants"
SOURCE = "src/helpers"  # where the rule modules are, as pyproject.toml and mutmut name their files
REPORT_FILE = "report.md"
EXPLAINED = "docs/testing.md"  # the equivalent survivors, each with the reason it cannot be killed
KILLED = ("killed", "timeout", "segfault", "caught by type check")  # the tests (or the run) noticed the change


@dataclass
class ModuleResult:
    """What mutmut recorded for one module: a status per mutant."""

    module: str
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counter:
        """The number of mutants per status."""
        return Counter(self.statuses.values())

    @property
    def tested(self) -> int:
        """Mutants with a verdict (those not yet run are left out of the share)."""
        return len(self.statuses) - self.counts["not checked"]

    @property
    def killed(self) -> int:
        """Mutants the tests (or the run) noticed."""
        return sum(self.counts[s] for s in KILLED)

    @property
    def share_killed(self) -> float | None:
        """Killed mutants as a share of those tested; None when none were tested."""
        return self.killed / self.tested if self.tested else None

    @property
    def survivors(self) -> list[str]:
        """Mutants the tests let through: survived, no test reaches them, or a verdict mutmut could not trust."""
        return sorted(name for name, s in self.statuses.items() if s not in (*KILLED, "not checked", "skipped"))


def rule_modules(project: Path | None = None) -> list[str]:
    """The modules mutmut mutates (["tracking.status", "base.targets", ...]): `only_mutate` in pyproject.toml, the
    one list, each pattern in it standing for the modules it matches, less those `do_not_mutate` matches."""
    project = project or config.PROJECT_ROOT
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return modules_matching(settings["only_mutate"], source_files(project), settings.get("do_not_mutate", []))


def source_files(project: Path) -> list[str]:
    """Every module of the helpers package, as `only_mutate` names its file ("src/helpers/tracking/status.py")."""
    return sorted(path.relative_to(project).as_posix() for path in (project / SOURCE).rglob("*.py"))


def module_name(path: str) -> str:
    """ "tracking.status" for "src/helpers/tracking/status.py": the module's name under helpers."""
    return path.removeprefix(f"{SOURCE}/").removesuffix(".py").replace("/", ".")


def modules_matching(patterns: list[str], files: list[str], left_out: Sequence[str] = ()) -> list[str]:
    """The rule modules `patterns` name, in their order: a path is its module; a pattern with `*`, `?` or `[` is
    every module in `files` it matches as mutmut matches it (fnmatch, `*` spanning folders), packages'
    `__init__.py` left out. A module whose path a `left_out` pattern (`do_not_mutate`) matches is not one."""
    modules: list[str] = []
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            matched = [f for f in files if fnmatch.fnmatch(f, pattern) and not f.endswith("/__init__.py")]
        else:
            matched = [pattern]
        kept = [f for f in matched if not any(fnmatch.fnmatch(f, out) for out in left_out)]
        modules += [m for m in map(module_name, kept) if m not in modules]
    return modules


def choose(names: list[str], known: list[str]) -> list[str]:
    """The rule modules `names` ask for, in that order: a module by its path under helpers ("tracking.status"),
    its full name ("helpers.tracking.status") or its own name ("status"); or a stage ("cycle"), for each of its
    rule modules. No names: every rule module. A name that is none of these is refused, saying what to choose."""
    chosen: list[str] = []
    for name in names:
        wanted = name.removeprefix("helpers.")
        matched = [m for m in known if wanted in (m, m.rsplit(".", 1)[-1], m.split(".", 1)[0])]
        if not matched:
            raise InputError(f"not a rule module: {name}; choose from {', '.join(known)}")
        chosen += [m for m in matched if m not in chosen]
    return chosen or known


def read_results(modules: list[str], project: Path | None = None) -> list[ModuleResult]:
    """Each module's verdicts from mutmut's own record (mutants/src/helpers/<stage>/<module>.py.meta)."""
    import json

    from mutmut.stats import status_by_exit_code

    project = project or config.PROJECT_ROOT
    results = []
    for module in modules:
        meta = project / MUTANTS_DIR / SOURCE / (module.replace(".", "/") + ".py.meta")
        result = ModuleResult(module)
        if meta.is_file():
            codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
            result.statuses = {name: status_by_exit_code[code] for name, code in codes.items()}
        results.append(result)
    return results


def report(results: list[ModuleResult], explained: str = "") -> str:
    """The per-module table (Markdown), then every survivor whose name `explained` (docs/testing.md) does not give."""
    lines = [
        "| module | mutants | killed | survived | no test reaches it | not run | killed, of those run |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        c = r.counts
        share = "not run" if r.share_killed is None else f"{100 * r.share_killed:.1f}%"
        lines.append(
            f"| {r.module} | {len(r.statuses)} | {r.killed} | {c['survived'] + c['suspicious']} | {c['no tests']} | "
            f"{c['not checked']} | {share} |"
        )
    unexplained = [name for r in results for name in r.survivors if name not in explained]
    if unexplained:
        lines += ["", f"{len(unexplained)} survivor(s) not listed in {EXPLAINED} as equivalent:", ""]
        lines += [f"- `{name}` (`.venv/bin/mutmut show {name}`)" for name in unexplained]
    return "\n".join(lines) + "\n"


def run_mutmut(module: str, jobs: int, project: Path) -> int:
    """`mutmut run` over one module's mutants (a fixed argument list: the module name was checked)."""
    return subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), f"helpers.{module}.*"],
        cwd=project,
        check=False,
    ).returncode


def main(argv: list[str] | None = None) -> int:
    """The mutation command (`make mutants`): run mutmut on the rule modules, or report the last runs."""
    parser = ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n")[0])
    parser.add_argument(
        "modules", nargs="*", help="rule modules (status or tracking.status) or stages to mutate (default: all of them)"
    )
    parser.add_argument("--from-env", action="store_true", help="take the modules from the MODULES variable")
    parser.add_argument("--report", action="store_true", help="only report on the last runs")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    project = config.PROJECT_ROOT
    names = os.environ.get("MODULES", "").split() if args.from_env else args.modules
    chosen = choose(names, rule_modules(project))
    if not args.report:
        for module in chosen:
            print(f"mutmut: helpers.{module}", flush=True)
            if run_mutmut(module, max(args.jobs, 1), project) != 0:
                raise InputError(f"mutmut stopped on helpers.{module} (its output above says why)")
    explained = (project / EXPLAINED).read_text(encoding="utf-8")
    text = report(read_results(chosen, project), explained)
    out = project / MUTANTS_DIR / REPORT_FILE
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text + f"\nwritten: {config.relative(out)}")
    return 0


if __name__ == "__main__":
    run_cli(main)
