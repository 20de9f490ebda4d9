"""Python values given as data (``params=``, ``data=``) nest no deeper than a JSON data file
may: deeper, or holding themselves, they are refused in words naming the value, never with a
RecursionError, and large shallow or shared values are checked quickly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_limits import within

import mooc
from mooc.dsl.data_nesting import MAX_JSON_DEPTH, nesting_fault
from mooc.errors import DataError, MooError, ParameterError, UsageError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAIR = "param c[1..2]\nvar x in [0, 1]\nminimize f: c[1] * x\nminimize g: c[2] * (1 - x)\n"


def nested(levels: int, leaf: object = 1.0) -> object:
    """``leaf`` in ``levels`` lists."""
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def holding_itself() -> list:
    value: list = [1.0]
    value.append([value])
    return value


@pytest.mark.parametrize("levels", [1, 5, 99])
def test_a_value_at_the_limit_is_no_fault_and_one_level_more_is(levels):
    assert nesting_fault(nested(levels), levels) is None
    assert nesting_fault(nested(levels + 1), levels) == "deep"
    assert nesting_fault({"a": nested(levels - 1)}, levels) is None
    assert nesting_fault({"a": nested(levels)}, levels) == "deep"
    assert nesting_fault({nested(levels, 1.0).__repr__(): 1}, 1) is None  # a str key: no level


def test_an_array_counts_a_level_per_dimension_and_its_objects_are_walked():
    assert nesting_fault(np.zeros((1,) * 5), 5) is None
    assert nesting_fault(np.zeros((1,) * 5), 4) == "deep"
    objects = np.empty(2, dtype=object)
    objects[:] = [nested(3), 1.0]
    assert nesting_fault(objects, 4) is None
    assert nesting_fault(objects, 3) == "deep"
    assert nesting_fault((1, (2, (3,))), 2) == "deep"  # tuples too
    assert nesting_fault({(1, (2,)): 1}, 2) == "deep"  # and a dict's keys


def test_a_value_that_holds_itself_is_told_apart_from_a_deep_one():
    assert nesting_fault(holding_itself(), 100) == "itself"
    loop: dict = {}
    loop["a"] = {"b": loop}
    assert nesting_fault(loop, 100) == "itself"
    cell = np.empty((), dtype=object)
    cell[()] = cell
    assert nesting_fault(cell, 100) == "itself"


def test_large_shallow_and_shared_values_are_checked_quickly():
    doubling: object = 1.0
    for _ in range(200):  # 2**200 leaves, each list shared twice
        doubling = [doubling, doubling]
    with within(20.0):
        assert nesting_fault([0.5] * 2_000_000, 99) is None
        assert nesting_fault([[1.0, 2.0] for _ in range(200_000)], 99) is None
        assert nesting_fault(doubling, 300) is None
        assert nesting_fault(doubling, 199) == "deep"


MESSAGE_DEEP = (f"lists, dicts and arrays are nested more than {MAX_JSON_DEPTH} levels deep "
                "here (the dict of values by name is the first level); a param's value nests "
                "one level per index")
MESSAGE_ITSELF = ("this value holds itself (a list, dict or array inside itself), so it nests "
                  "without end; a param's value nests one level per index")


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("value,message", [
    (nested(5000), MESSAGE_DEEP),
    (nested(MAX_JSON_DEPTH), MESSAGE_DEEP),
    (holding_itself(), MESSAGE_ITSELF),
    (np.array([nested(3000), 1.0], dtype=object), MESSAGE_DEEP),
], ids=["5000", "100", "itself", "object array"])
def test_deep_data_and_params_are_refused_naming_the_value(cache, value, message):
    with pytest.raises(DataError) as caught:
        mooc.load(EXAMPLES / "zdt1.moo", data={"x": value}, cache=cache)
    assert str(caught.value) == f"error: data['x']: {message}"
    with pytest.raises(DataError) as caught:
        mooc.compile(PAIR, data=[{"n": 1}, {"c": value}], cache=cache)
    assert str(caught.value) == f"error: data['c']: {message}"
    with pytest.raises(ParameterError) as caught:
        mooc.compile(PAIR, params={"c": value}, cache=cache)
    assert str(caught.value) == f"error: params['c']: {message}"


def test_a_list_of_data_sources_nested_too_deep_or_holding_itself_is_refused():
    sources: list = [{"c": [1.0, 2.0]}]
    sources.append(sources)
    for data, what in ((nested(5000, {"c": [1.0, 2.0]}), "nests lists more than 100 levels deep"),
                       (sources, "holds itself")):
        with pytest.raises(UsageError) as caught:
            mooc.compile(PAIR, data=data)
        assert str(caught.value).endswith(f"but the list given {what}")


def test_data_just_within_the_limit_reaches_the_ordinary_checks():
    with pytest.raises(DataError, match=r"data\['c'\]: 'c' has 2 elements along its first index"):
        mooc.compile(PAIR, data={"c": nested(MAX_JSON_DEPTH - 1)}, cache=False)
    problem = mooc.compile(PAIR, data={"c": np.array([[1.0], [2.0]])[:, 0]})
    assert problem.n_var == 1


@pytest.mark.parametrize("value", [nested(MAX_JSON_DEPTH - 1), [[1.0, 2.0], [3.0]],
                                   np.zeros((1,) * 40)])
def test_an_array_param_given_what_numpy_cannot_make_an_array_of_is_a_parameter_error(value):
    with pytest.raises(ParameterError, match="param 'c'") as caught:
        mooc.compile(PAIR, params={"c": value}, cache=False)
    assert len(str(caught.value)) < 400


def test_a_long_value_for_a_single_number_param_is_shown_cut():
    with pytest.raises(MooError) as caught:
        mooc.load(EXAMPLES / "zdt1.moo", params={"n": [0.5] * 100_000}, cache=False)
    assert "param 'n' takes a number, but was given [0.5, 0.5" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_telling_a_deep_shared_value_from_one_holding_itself_walks_each_part_once():
    wide: object = 1.0
    for _ in range(90):  # 2**90 paths through 90 shared lists
        wide = [wide, wide]
    deep: object = 1.0
    for _ in range(20):  # deep only through its last element, after the wide part each time
        deep = [wide, deep]
    with within(20.0):
        assert nesting_fault(deep, 99) == "deep"
        holding_itself: list = [wide]  # 91 levels, and then itself
        holding_itself.append(holding_itself)
        assert nesting_fault(holding_itself, 99) == "itself"
