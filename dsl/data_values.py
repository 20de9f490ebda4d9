"""What a data source gives for a name, as lowering asks for it: a set's labels, or a param's
values along its axes (an integer range or a named set), checked for shape, type and
finiteness. Values from JSON documents, dicts and numpy arrays are here; values from tables
(CSV, Parquet) in :mod:`mooc.dsl.data_tables`.
"""

from __future__ import annotations

import functools
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl.data_files import shown_text
from mooc.dsl.data_json import JsonDocument, path_text
from mooc.dsl.names import did_you_mean
from mooc.dsl.written_numbers import LongInteger, OutOfRangeNumber
from mooc.errors import DataError, visible_text

#: Labels named in full in a message; more are counted.
NAMED = 3


@dataclass(frozen=True)
class Axis:
    """One dimension of a param as data sees it: an integer range, or a named set whose
    labels stand at positions ``start``, ``start + 1``, ..."""

    name: str  # the set's name, or the range as written ("1..5")
    start: int
    size: int
    labels: tuple[str, ...] | None = None
    origin: str = ""  # where a set's labels come from, for messages

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each label's position from 0 (none for a range), found once per axis."""
        labels = self.labels or ()
        return dict(zip(labels, range(len(labels)), strict=True))


def listing(labels: list[str], total: int | None = None) -> str:
    """The first few of ``labels`` (of ``total`` in all) for a message."""
    total = len(labels) if total is None else total
    named = ", ".join(f"'{label}'" for label in labels[:NAMED])
    return named + (f" and {total - NAMED} more" if total > NAMED else "")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and \
        not isinstance(value, (bool, np.bool_))


def _finite(value: object) -> float | None:
    """``value`` as a float when it is a finite number (not a bool), else None."""
    if not _is_number(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an integer beyond floating point
        return None
    return number if np.isfinite(number) else None


def shown_value(value: object) -> str:
    """``value`` for a message, cut short; a number beyond the float range as written."""
    if isinstance(value, OutOfRangeNumber):
        text = value.text if len(value.text) <= 40 else value.text[:37] + "..."
        return f"{text}, {value.range_note}"
    try:
        text = repr(value) if not isinstance(value, str) else f'"{value}"'
    except ValueError:  # an integer with more digits than Python prints
        return "an integer of too many digits"
    except RecursionError:  # lists nested too deep for repr: the first levels
        text = reprlib.repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class DataValue:
    """A value a data source gives for a name: a set's labels or a param's values."""

    if TYPE_CHECKING:
        where: str  # the source, for messages

    def labels(self, name: str) -> tuple[str, ...]:
        raise DataError(f"'{name}' is a set, but {self.where} gives it no list of labels")

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        raise NotImplementedError


# JSON documents, dicts and arrays -------------------------------------------------------


@dataclass
class TreeValue(DataValue):
    """A value in a JSON document or a Python dict: a number, nested lists, objects keyed by
    labels, a list of labels (a set), or a numpy array."""

    value: Any
    where: str
    path: tuple[object, ...]
    document: JsonDocument | None = None

    def error(self, path: tuple[object, ...], message: str, *, key: bool = False) -> DataError:
        if self.document is not None:
            return self.document.error(path, message, key=key)
        return DataError(f"{self.where}{path_text(path)}: {message}")

    def labels(self, name: str) -> tuple[str, ...]:
        value = self.value
        if not isinstance(value, (list, tuple)) or not value:
            raise self.error(self.path, f"'{name}' is a set: give its labels as a list, as in "
                                        '["bolt", "nut"]')
        labels = []
        for k, item in enumerate(value):
            if isinstance(item, (bool, np.bool_)) or \
                    not isinstance(item, (str, int, np.integer, LongInteger)):
                raise self.error((*self.path, k), f"a label of '{name}' is a name or a whole "
                                                  f"number, not {shown_value(item)}")
            label = str(item).strip()
            if not label:
                raise self.error((*self.path, k), f"a label of '{name}' is empty")
            labels.append(label)
        return checked_labels(labels, name, lambda k, message: self.error((*self.path, k), message))

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        return self._values(self.value, name, axes, self.path, 0)

    def _values(self, node: Any, name: str, axes: tuple[Axis, ...], path: tuple[object, ...],
                depth: int) -> Any:
        if isinstance(node, np.ndarray):  # a 0-d array is a number, as in a .npy file
            return ArrayValue(node, self.where).values(name, axes)
        if not axes:
            number = _finite(node)
            if number is None:
                raise self.error(path, f"'{name}' takes a finite number here, but this is "
                                       f"{shown_value(node)}")
            return number
        if isinstance(node, Mapping):
            return self._by_key(node, name, axes, path, depth)
        if isinstance(node, (list, tuple)):
            fast = _regular_numbers(node, axes)
            if fast is not None:
                return fast
            if len(node) != axes[0].size:
                elements = "element" if axes[0].size == 1 else "elements"
                raise self.error(path, f"'{name}' has {axes[0].size} {elements} along its "
                                       f"{_ordinal(depth)} index ({axes[0].name}), but this list "
                                       f"gives {len(node)}")
            return np.array([self._values(item, name, axes[1:], (*path, k), depth + 1)
                             for k, item in enumerate(node)], dtype=float)
        wanted = "a list or an object by label" if axes[0].labels else "a list"
        raise self.error(path, f"'{name}' has {len(axes)} "
                               f"{'index' if len(axes) == 1 else 'indices'}: expected {wanted}, "
                               f"but this is {shown_value(node)}")

    def _by_key(self, node: Mapping, name: str, axes: tuple[Axis, ...],
                path: tuple[object, ...], depth: int) -> np.ndarray:
        axis = axes[0]
        rows: list[Any] = [None] * axis.size
        keys: list[object] = [None] * axis.size
        for key, item in node.items():
            offset = offset_on(axis, key)
            if offset is None:
                raise self.error((*path, key), not_on_axis(key, axis), key=True)
            if keys[offset] is not None:  # "1" and "1.0", or "a" and " a": one element
                same = f"{shown_value(key)} and {shown_value(keys[offset])}"
                raise self.error((*path, key), f"{same} are the same element "
                                               f"'{axis_label(axis, offset)}' of "
                                               f"{axis_words(axis)}", key=True)
            keys[offset] = key
            rows[offset] = self._values(item, name, axes[1:], (*path, key), depth + 1)
        missing = [axis_label(axis, k) for k, row in enumerate(rows) if row is None]
        if missing:
            raise self.error(path, f"'{name}' has no value for {listing(missing)} of "
                                   f"{axis_words(axis)}")
        return np.array(rows, dtype=float)


def _ordinal(depth: int) -> str:
    return ("first", "second", "third")[depth] if depth < 3 else f"{depth + 1}th"


def axis_words(axis: Axis) -> str:
    return f"the set '{axis.name}'" if axis.labels is not None else f"the range {axis.name}"


def axis_label(axis: Axis, offset: int) -> str:
    return axis.labels[offset] if axis.labels is not None else str(axis.start + offset)


def offset_on(axis: Axis, key: object) -> int | None:
    """The position of ``key`` along ``axis`` from 0, or None when it is not on it."""
    if axis.labels is not None:
        text = str(key).strip() if isinstance(key, (str, int, np.integer)) else None
        return axis.positions.get(text) if text is not None else None
    try:
        number = float(key.strip() if isinstance(key, str) else key)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not number.is_integer() or not axis.start <= number < axis.start + axis.size:
        return None
    return int(number) - axis.start




def not_on_axis(key: object, axis: Axis) -> str:
    if axis.labels is not None:
        origin = f" (its labels are from {axis.origin})" if axis.origin else ""
        return (f"{shown_text(str(key))} is not a label of the set '{axis.name}'{origin}"
                f"{did_you_mean(str(key), axis.labels)}")
    return f"{shown_text(str(key))} is not an index in the range {axis.name}"


def _regular_numbers(node: list | tuple, axes: tuple[Axis, ...]) -> np.ndarray | None:
    """``node`` as an array when it is nested lists of plain finite numbers of exactly the
    axes' sizes (the common case, checked without a Python step per number); else None."""
    if not _plain_numbers(node, len(axes)):
        return None
    try:
        array = np.array(node, dtype=float)
    except (ValueError, OverflowError):  # ragged, or an integer beyond floating point
        return None
    if array.shape != tuple(a.size for a in axes) or not np.isfinite(array).all():
        return None
    return array


def _plain_numbers(node: object, depth: int) -> bool:
    if not isinstance(node, list):
        return False
    if depth == 1:
        return all(type(v) is float or type(v) is int for v in node)
    return all(_plain_numbers(item, depth - 1) for item in node)


@dataclass
class ArrayValue(DataValue):
    """A numpy array (a ``.npy`` file, or an array in a dict): taken as it is, if its shape
    and type fit."""

    array: np.ndarray
    where: str

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        array = self.array
        if np.ma.is_masked(array):  # its masked elements would be read as their hidden data
            masked = [int(i) for i in np.argwhere(np.ma.getmaskarray(array))[0]]
            raise DataError(f"{self.where}: '{name}' takes numbers, but the element at {masked} "
                            "of the masked array is masked")
        if array.dtype.kind not in "iuf":
            raise DataError(f"{self.where}: '{name}' takes numbers, but the array holds "
                            f"{array.dtype}")
        shape = tuple(a.size for a in axes)
        if array.shape != shape:
            raise DataError(f"{self.where}: '{name}' has shape {shape}, but the array has "
                            f"shape {array.shape}")
        values = np.asarray(array, dtype=float)  # a masked array with nothing masked: its data
        bad = ~np.isfinite(values)
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise DataError(f"{self.where}: '{name}' takes finite numbers, but the element at "
                            f"{list(at)} is {values[at]}")
        return float(values) if not axes else values


#: What a label from data may not hold: element names are written ``make[bolt]``,
#: ``use[lathe, bolt]`` (in tables, CSV headers read back, ``mooc pick``), so a ',' or a
#: bracket would make one name read as another; a '"' could not be written quoted in the
#: model; a control character would garble the line it is shown on.
_NOT_IN_A_LABEL = re.compile(r'[,\[\]"\x00-\x1f\x7f]')


def _bad_label(label: str) -> str:
    char = _NOT_IN_A_LABEL.search(label).group()  # type: ignore[union-attr]
    what = f"'{char}'" if char in ',[]"' else "a control character"
    visible = visible_text(label)
    return (f"the label {shown_text(visible)} holds {what}: labels name elements as in "
            "make[bolt] (in tables, CSV headers and 'mooc pick'), so they hold no ',', '[', "
            "']', '\"' or control characters; rename it")


def checked_labels(labels: list[str], name: str, error: Any) -> tuple[str, ...]:
    """A set's ``labels`` from data as a tuple; ``error(k, message)`` for the first one that
    holds what no label may (:data:`_NOT_IN_A_LABEL`) or is given twice."""
    if _NOT_IN_A_LABEL.search("".join(labels)):
        k = next(k for k, label in enumerate(labels) if _NOT_IN_A_LABEL.search(label))
        raise error(k, _bad_label(labels[k]))
    found = tuple(labels)
    if len(set(found)) != len(found):
        seen: set[str] = set()
        for k, label in enumerate(labels):
            if label in seen:
                raise error(k, f"'{label}' appears twice among the labels of '{name}'")
            seen.add(label)
    return found
