"""Mutation testing of the rule modules (`make mutants`): run mutmut one module at a time, then report.

    python -m tools.mutation                       # every rule module (hours on 2 cores: not for CI)
    python -m tools.mutation quarters readers      # some of them
    python -m tools.mutation --from-env            # MODULES="quarters readers" from the environment
    python -m tools.mutation --report              # only the per-module report of the last runs

mutmut 3 (configured in pyproject.toml, [tool.mutmut]) copies the project into
mutants/ (git-ignored), makes many small changes ("mutants") to each function of
the rule modules, and runs the tests that reach that function against each one.
A mutant the tests notice is killed; one they do not is a survivor: a bug of that
shape would pass `make test`. The report gives, per module, the share killed,
and names each survivor not yet explained in docs/testing.md ("Equivalent survivors").
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from helpers.base import config
from helpers.base.errors import ArgumentParser, InputError, run_cli

MUTANTS_DIR = "mutants"
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
    """The modules mutmut mutates (["status", "targets", ...]): `only_mutate` in pyproject.toml, the one list."""
    project = project or config.PROJECT_ROOT
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return [Path(pattern).stem for pattern in settings["only_mutate"]]


def read_results(modules: list[str], project: Path | None = None) -> list[ModuleResult]:
    """Each module's verdicts from mutmut's own record (mutants/src/helpers/<module>.py.meta)."""
    import json

    from mutmut.stats import status_by_exit_code

    project = project or config.PROJECT_ROOT
    results = []
    for module in modules:
        meta = project / MUTANTS_DIR / "src" / "helpers" / f"{module}.py.meta"
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
    parser.add_argument("modules", nargs="*", help="rule modules to mutate (default: all of them)")
    parser.add_argument("--from-env", action="store_true", help="take the modules from the MODULES variable")
    parser.add_argument("--report", action="store_true", help="only report on the last runs")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    project = config.PROJECT_ROOT
    known = rule_modules(project)
    chosen = os.environ.get("MODULES", "").split() if args.from_env else args.modules
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise InputError(f"not a rule module: {', '.join(unknown)}; choose from {', '.join(known)}")
    chosen = chosen or known
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
