"""The front's text table (and its Jupyter HTML) never shows two different values of a column
alike: a column whose values 6 significant digits cannot tell apart gets the digits that can,
and every other column stays as short as 6 digits make it."""

from __future__ import annotations

import re

import numpy as np
import pytest

import mooc
from mooc.cli import main
from mooc.table import ALL_DIGITS, SHORT_DIGITS, column_digits, format_columns, format_table

CLOSE = """var a int in [0, 1]
var b int in [0, 1]
minimize f: 10000000 * a + 10000002 * b
minimize g: 3 - 2 * a - 3 * b
constraint one: a + b >= 1
"""


def table_rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()[2:] if not line.startswith("...")]


def test_an_exact_front_with_objectives_two_apart_at_1e7_shows_them_apart():
    result = mooc.compile(CLOSE).solve(method="exact")
    assert len(result) == 3 and len(set(result.F[:, 0])) == 3
    column = [row[0] for row in table_rows(result.table())]
    assert len(set(column)) == 3, column  # each printed as 1e+07, twice
    assert sorted(float(text) for text in column) == sorted(result.F[:, 0])
    at = result.columns().index("f")
    html_rows = re.findall(r"<tr>((?:<td>[^<]*</td>)+)</tr>", result._repr_html_())
    html_column = [re.findall(r"<td>([^<]*)</td>", row)[at] for row in html_rows]
    assert sorted(float(text) for text in html_column) == sorted(result.F[:, 0])


def test_the_command_prints_the_close_values_apart(tmp_path, capsys):
    model = tmp_path / "close.moo"
    model.write_text(CLOSE)
    assert main(["solve", str(model), "--method", "exact", "--quiet"]) == 0
    assert main(["solve", str(model), "--method", "exact"]) == 0
    column = [row[0] for row in table_rows(capsys.readouterr().out)]
    assert len(column) == 3 and len(set(column)) == 3, column


def test_an_ordinary_table_keeps_six_significant_digits():
    result = mooc.load("zdt1", params={"n": 5}).solve(population=20, generations=5, seed=1)
    for row in table_rows(result.table()):
        for cell in row[:2]:  # f1 and f2: no two alike to 6 digits in a small front
            mantissa = cell.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
            assert len(mantissa) <= SHORT_DIGITS, cell


def _near_duplicates(rng: np.random.Generator) -> list[float]:
    """Floats with neighbours 1 to 1000 units in the last place away, some repeated."""
    base = rng.choice([1e-300, 1e-5, 0.1, 1.0, 1e7, 123456.789, 1e300]) * rng.uniform(0.5, 2)
    values = [float(base)]
    for _ in range(rng.integers(1, 6)):
        steps = int(rng.choice([1, 2, 10, 1000]))
        values.append(float(np.nextafter(values[-1], np.inf) + steps * np.spacing(values[-1])))
    values += [values[0], -values[-1]]
    return [float(v) for v in rng.permutation(np.array(values))]


@pytest.mark.parametrize("seed", range(40))
def test_different_floats_of_a_column_never_share_a_text_and_equal_ones_always_do(seed):
    rng = np.random.default_rng(seed)
    values = _near_duplicates(rng)
    texts = [row[0] for row in format_columns([[v] for v in values])]
    assert len(set(texts)) == len(set(values))
    for value, text in zip(values, texts, strict=True):
        assert float(text) == pytest.approx(value, rel=10.0 ** (1 - column_digits(values)))


def test_a_column_gets_more_digits_only_where_they_are_needed():
    assert column_digits([0.5, 1e7, None, True, 3]) == SHORT_DIGITS
    assert column_digits([1e7, 1e7 + 2]) == 8
    neighbours = [0.1, float(np.nextafter(0.1, 1)), 0.25]
    assert column_digits(neighbours) == ALL_DIGITS
    assert [row[0] for row in format_columns([[v] for v in neighbours])] == \
        ["0.1", "0.10000000000000002", "0.25"]  # as repr gives them, no longer
    assert column_digits([float("nan"), float("nan"), 1.0]) == SHORT_DIGITS
    text = format_table(["x", "y"], [[1e7, 0.5], [1e7 + 2, 0.25], [1e7 + 2, 0.125]])
    assert [row for row in table_rows(text)] == [["10000000", "0.5"], ["10000002", "0.25"],
                                                 ["10000002", "0.125"]]
