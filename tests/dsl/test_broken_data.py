"""Mistakes in data files: each tests/dsl/broken_data/NAME.moo reads its data with 'data'
statements and fails with exactly NAME.expected, located in the data file where the mistake is
(file:line:col, the line and a caret), or at the 'data' statement when the file cannot be read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mooc.dsl.compiler import compile_text
from mooc.dsl.source import read_model
from mooc.errors import DataError, MooError

BROKEN = Path(__file__).with_name("broken_data").resolve()
CASES = sorted(p.stem for p in BROKEN.glob("*.moo"))
HEAD = re.compile(r"^broken_data/(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")


def _error(name: str) -> MooError:
    path = BROKEN / f"{name}.moo"
    with pytest.raises(MooError) as caught:
        compile_text(read_model(path, str(path)), filename=str(path))
    return caught.value


def _text(error: MooError) -> str:
    return str(error).replace(f"{BROKEN}/", "broken_data/")


def test_every_case_has_an_expected_message():
    assert CASES == sorted(p.stem for p in BROKEN.glob("*.expected"))
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_broken_data_gives_exact_message(name):
    expected = (BROKEN / f"{name}.expected").read_text(encoding="utf-8").rstrip("\n")
    assert _text(_error(name)) == expected


@pytest.mark.parametrize("name", CASES)
def test_broken_data_message_points_at_the_file_it_names(name):
    error = _error(name)
    assert isinstance(error, DataError)
    head, quoted, caret = _text(error).split("\n")[:3]
    match = HEAD.match(head)
    assert match, head
    lines = (BROKEN / match["file"]).read_text(encoding="utf-8").splitlines()
    assert quoted == "    " + lines[int(match["line"]) - 1]
    assert caret.startswith("    " + " " * (int(match["col"]) - 1) + "^")
    assert "Traceback" not in str(error)
