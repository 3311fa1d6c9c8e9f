"""read_yaml: every bad YAML file gives one InputError naming the file and line."""

from __future__ import annotations

import resource
import textwrap
import time
from pathlib import Path

import pytest

from conftest import edit_file, error, write
from helpers.base.errors import InputError
from helpers.base.readers import MB, check_date
from helpers.base.yaml_reader import YamlLines, read_yaml
from made_up_reviews import extract_refuses

REVIEW = textwrap.dedent("""\
    # 2021 finance peer challenge
    id: 2021-finance
    title: Finance peer challenge 2021
    council: Dorset Council
    kind: finance peer challenge
    visit:
      start: 2021-06-21
      end: 2021-07-02
    action_plan:
      approved_on: 2021-10-05
      approved_by: Cabinet
    source_date: 2021-10-05
    recommendations_expected: 48
    documents:
      - file: 2021-10-05-cabinet-finance-peer-challenge-action-plan.txt
        describes: Cabinet report with the action plan
    """)


def fails(call, *args, **kwargs) -> tuple[object, object, str]:
    """(file, line, message) of the InputError a call raises."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.file, info.value.line, info.value.message


def test_yaml_reads_a_review_with_dates_as_strings_and_lines(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW)
    data, lines = read_yaml(path)
    assert data["visit"] == {"start": "2021-06-21", "end": "2021-07-02"}
    assert data["recommendations_expected"] == 48
    assert lines.line_of(["recommendations_expected"]) == 13
    assert lines.line_of(["visit", "end"]) == 8
    assert lines.line_of(["documents", 0, "describes"]) == 16
    assert lines.line_of(["action_plan", "monitored_by"]) == 10  # nearest parent: where to add it
    assert lines.line_of(["action_plan", "monitored_by"], nearest=False) is None


def test_impossible_yaml_date_is_kept_as_text_then_refused_by_check_date(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW.replace("start: 2021-06-21", "start: 2021-02-30"))
    data, lines = read_yaml(path)
    assert data["visit"]["start"] == "2021-02-30"
    err = error(check_date, data["visit"]["start"], path, lines.line_of(["visit", "start"]), "visit.start", kind="key")
    assert err.line == 7
    assert err.message == "2021-02-30 is not a real date (key visit.start)"


def test_yaml_alias_bomb_fails_at_the_first_alias_fast_and_small(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ",".join([f"*{chr(ord('a') + i - 1)}"] * 9) + "]"
        for i in range(1, 9)
    ]
    path = write(tmp_path, "reviews/bomb.yaml", "\n".join(lines) + "\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    err = error(read_yaml, path)
    assert time.perf_counter() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB on Linux
    assert (err.line, err.message.split(":")[0]) == (2, "YAML aliases (*a) are not allowed")


def test_yaml_duplicate_key_names_both_lines(tmp_path):
    path = write(
        tmp_path,
        "reviews/2021-finance.yaml",
        REVIEW.replace("  end: 2021-07-02\n", "  end: 2021-07-02\n  start: 2021-06-22\n"),
    )
    err = error(read_yaml, path)
    assert (err.line, err.message) == (9, "key 'start' appears twice (first at line 7)")


def test_yaml_duplicate_top_level_key(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW + "id: 2021-finance-again\n")
    err = error(read_yaml, path)
    assert (err.line, err.message) == (17, "key 'id' appears twice (first at line 2)")


@pytest.mark.parametrize("content", ["", "# only a comment\n", "~\n"])
def test_empty_yaml(tmp_path, content):
    assert error(read_yaml, write(tmp_path, "vocabulary.yaml", content)).message == "file is empty"


def test_yaml_syntax_error_has_pyyamls_line(tmp_path):
    path = write(
        tmp_path, "reviews/2021-finance.yaml", REVIEW.replace("kind: finance peer challenge", "kind: [finance")
    )
    err = error(read_yaml, path)
    assert err.message.startswith("not valid YAML")
    assert err.line == 6


def test_yaml_unsafe_tag_is_refused(tmp_path):
    path = write(tmp_path, "vocabulary.yaml", "targets: !!python/object/apply:os.system ['echo hi']\n")
    assert error(read_yaml, path).message.startswith("not valid YAML")


def test_yaml_cp1252_and_size_limit(tmp_path):
    path = write(tmp_path, "vocabulary.yaml", b"statuses:\n  - Children\x92s\n")
    assert error(read_yaml, path).line == 2
    assert "too large" in error(read_yaml, write(tmp_path, "big.yaml", "a: 1\n" * 300), max_bytes=1_000).message


def test_yaml_deep_nesting_is_one_line(tmp_path):
    path = write(tmp_path, "deep.yaml", "[" * 50_000 + "]" * 50_000)
    assert "nested too deeply" in error(read_yaml, path).message


def test_yaml_limits_names_and_empty_files(tmp_path):
    path = write(tmp_path, "v.yaml", "".join(f"k{n:03d}: 1\n" for n in range(300)))  # 2,400 bytes
    assert fails(read_yaml, path, 2_399, "vocabulary") == (
        path,
        None,
        "vocabulary is too large (2,400 bytes; the limit is 2,399 bytes)",
    )
    assert len(read_yaml(path, 2_400)[0]) == 300
    assert fails(read_yaml, tmp_path / "none.yaml", what="review metadata")[2] == "review metadata not found"
    empty = write(tmp_path, "e.yaml", "")
    assert fails(read_yaml, empty) == (empty, None, "file is empty")
    null = write(tmp_path, "n.yaml", "\n\n~\n")
    assert fails(read_yaml, null) == (null, 3, "file is empty")


def test_yaml_duplicates_and_aliases_name_their_file_and_line(tmp_path):
    nested = write(tmp_path, "d.yaml", "top:\n  a: 1\n  b: 2\n  a: 3\n")
    assert fails(read_yaml, nested) == (nested, 4, "key 'a' appears twice (first at line 2)")
    alias = write(tmp_path, "al.yaml", "a: &x 1\nb: 2\nc: *x\n")
    assert fails(read_yaml, alias) == (alias, 3, "YAML aliases (*x) are not allowed: write the value out in full")
    # A merge key (<<) is not a duplicate of anything; keys after it are still checked.
    merged = write(tmp_path, "m.yaml", "base:\n  x: 1\nuse:\n  <<: {x: 1}\n  y: 2\n  y: 3\n")
    assert fails(read_yaml, merged) == (merged, 6, "key 'y' appears twice (first at line 5)")
    complex_key = write(tmp_path, "k.yaml", "? [a, b]\n: 1\nz: 2\nz: 3\n")
    assert fails(read_yaml, complex_key) == (complex_key, 4, "key 'z' appears twice (first at line 3)")


def test_yaml_nested_values_and_dates_stay_as_written(tmp_path):
    path = write(tmp_path, "r.yaml", "when: 2021-10-05\nlist:\n  - {a: [1, 2], b: 2021-02-30}\n")
    data, lines = read_yaml(path)
    assert data == {"when": "2021-10-05", "list": [{"a": [1, 2], "b": "2021-02-30"}]}
    assert lines.line_of(["list", 0, "b"]) == 3
    assert lines.line_of(["list", 1]) == 3  # past the end of the list: the list itself (it starts on line 3)
    assert lines.line_of(["list", 1], nearest=False) is None
    assert lines.line_of(["list", -1], nearest=False) is None  # a negative index is not a position
    assert lines.line_of(["list", "0"], nearest=False) is None  # a list is indexed by number, not text
    assert lines.line_of(["when", "x"]) == 1  # a scalar has no children
    assert YamlLines(None).line_of(["when"]) is None


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = write(tmp_path, "s.yaml", "a: 1\nb: [2\nc: 3\n")
    file, line, message = fails(read_yaml, path)
    assert (file, message.startswith("not valid YAML (")) == (path, True)
    assert line == 3


def test_yaml_too_deep_names_the_file(tmp_path):
    path = write(tmp_path, "deep.yaml", "[" * 50_000 + "]" * 50_000)
    assert fails(read_yaml, path) == (path, None, "not valid YAML (nested too deeply)")


def test_yaml_says_file_when_no_name_is_given(tmp_path):
    assert fails(read_yaml, tmp_path / "missing.yaml")[2] == "file not found"
    big = write(tmp_path, "big.yaml", "k: " + "x" * MB + "\n")
    assert fails(read_yaml, big)[2] == "file is too large (1.0 MB; the limit is 1.0 MB)"


# --- Bad input: a review's metadata that is not YAML as the project reads it.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "malformed metadata": (
        lambda d: edit_file(d, "reviews/2021-finance.yaml", "kind: finance peer challenge", "kind: [finance"),
        "reviews/2021-finance.yaml:",
        "not valid YAML",
    ),
    "duplicated metadata key": (
        lambda d: edit_file(
            d,
            "reviews/2022-progress.yaml",
            "source_date: 2023-02-28",
            "source_date: 2023-02-28\nsource_date: 2023-03-01",
        ),
        "reviews/2022-progress.yaml:",
        "appears twice",
    ),
    "YAML alias": (
        lambda d: edit_file(
            d, "reviews/2022-progress.yaml", "approved_by: Cabinet", "approved_by: &who Cabinet\n  monitored_by: *who"
        ),
        "reviews/2022-progress.yaml:",
        "aliases",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
