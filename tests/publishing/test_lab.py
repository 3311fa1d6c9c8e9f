"""JupyterLab for analysts: `make lab` serves the project root on 127.0.0.1, and notebooks/scratch/ is theirs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from conftest import PROJECT
from helpers.base import config
from helpers.base.errors import InputError
from helpers.publishing.lab import lab_command


def test_lab_serves_the_root_opens_the_notebooks_and_listens_on_this_machine_only():
    command = lab_command('--port 8890 --ServerApp.token="a b"', allow_root=False, is_root=False)
    assert command[1] == "lab"
    assert f"--ServerApp.root_dir={config.PROJECT_ROOT}" in command
    assert "--ServerApp.ip=127.0.0.1" in command and "--LabApp.default_url=/lab/tree/notebooks" in command
    assert command[-3:] == ["--port", "8890", "--ServerApp.token=a b"]  # split like a shell, never run by one
    assert "--allow-root" not in command


def test_root_needs_a_clear_opt_in():
    with pytest.raises(InputError) as caught:
        lab_command("", allow_root=False, is_root=True)
    assert "make lab ALLOW_ROOT=1" in str(caught.value)
    assert "--allow-root" in lab_command("", allow_root=True, is_root=True)


def test_unbalanced_quotes_in_args_are_one_line():
    with pytest.raises(InputError) as caught:
        lab_command('--port "8890', allow_root=True, is_root=True)
    assert "does not split into options" in str(caught.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_starts_jupyterlab_at_the_project_root(tmp_path):
    port, token = _free_port(), uuid.uuid4().hex
    env = {
        **os.environ,
        "ARGS": f"--no-browser --port {port} --ServerApp.token={token} --ServerApp.port_retries=0",
        "ALLOW_ROOT": "1",
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    lab = subprocess.Popen(
        [sys.executable, "-m", "helpers.publishing.lab"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, listing = time.monotonic() + 90, None
        while time.monotonic() < deadline and listing is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as r:
                    listing = json.load(r)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer"
        names = {item["name"] for item in listing["content"]}
        assert {"README.md", "src", "data", "notebooks"} <= names
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def test_a_notebook_in_scratch_is_ignored_by_tests_lint_and_git():
    scratch = PROJECT / "notebooks" / "scratch"
    path = scratch / f"Untitled-{uuid.uuid4().hex[:8]}.ipynb"
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "execution_count": 1,
                        "id": "x",
                        "metadata": {},
                        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}],
                        "source": "def f():\n    raise RuntimeError('unfinished')\nf()",
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        encoding="utf-8",
    )
    try:
        collected = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "--nbval-lax", "notebooks"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert path.name not in collected.stdout and collected.returncode == 0, collected.stdout[-2000:]
        ignored = subprocess.run(
            ["git", "check-ignore", str(path)], cwd=PROJECT, capture_output=True, text=True, check=False
        )
        assert ignored.returncode == 0 or not (PROJECT / ".git").exists()
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "notebooks"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert path.name not in ruff.stdout
        # `make notebooks` re-executes notebooks/*.ipynb only, never a subfolder.
        assert path not in set(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    finally:
        path.unlink()
