"""How deep Python values given as data nest: ``params=`` and ``data=`` values (dicts, lists,
tuples, numpy arrays) are held to the nesting a JSON data file may have
(:data:`MAX_JSON_DEPTH` levels), before any step that walks them by
recursion (the compile cache's key, the data's checks, a message's repr) can fail with a
RecursionError.

The walk is a loop, not a recursion: it goes level by level and stops at the first level too
many, so a value that holds itself (``a = []; a.append(a)``) ends too; it looks at a list
shared by many rows once, and at a level of plain numbers in one pass in C, so a large shallow
value is checked quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain, compress
from typing import Any, Literal

import numpy as np

#: Deepest nesting of lists and objects in a JSON data file: one level per index of a param,
#: and one for the object of values by name, so far more than any model needs, and well within
#: what Python's JSON reader (and the code after it) can follow.
MAX_JSON_DEPTH = 100
#: What a value may nest in.
CONTAINERS = (list, tuple, Mapping, np.ndarray)

#: What is wrong with a value's nesting: it is too deep, or it holds itself.
Fault = Literal["deep", "itself"]

_END = object()


def nesting_fault(value: object, limit: int, kinds: tuple[type, ...] = CONTAINERS
                  ) -> Fault | None:
    """``"deep"`` when ``value`` nests more than ``limit`` levels of ``kinds`` (an array counts
    one level per dimension), ``"itself"`` when it holds itself, else None."""
    if not isinstance(value, kinds):
        return None
    # level by level: every value at one depth at once, each looked at once however often it
    # is shared; a value that holds itself never ends, so it is caught at the limit
    by_depth: dict[int, dict[int, Any]] = {_levels(value): {id(value): value}}
    while by_depth:
        depth = min(by_depth)
        if depth > limit:
            return _first_fault(value, limit, kinds)
        inner = _inner(list(by_depth.pop(depth).values()), kinds)
        if not inner:
            continue
        if not any(issubclass(kind, np.ndarray) for kind in set(map(type, inner))):
            by_depth.setdefault(depth + 1, {}).update(zip(map(id, inner), inner, strict=True))
            continue
        for item in inner:  # arrays add a level per dimension
            by_depth.setdefault(depth + _levels(item), {})[id(item)] = item
    return None


def _levels(value: object) -> int:
    """The levels ``value`` itself adds: one, or an array's dimensions (one at least)."""
    return max(value.ndim, 1) if isinstance(value, np.ndarray) else 1


def _inner(values: list[Any], kinds: tuple[type, ...]) -> list[Any]:
    """The values of ``kinds`` directly inside any of ``values`` (a dict's keys and values, an
    object array's elements), found in passes in C: by type, not a Python step per value."""
    if all(issubclass(kind, (list, tuple)) for kind in set(map(type, values))):
        groups: list[Iterable[Any]] = values  # the common case: lists of lists
    else:
        groups = []
        for value in values:
            if isinstance(value, Mapping):
                groups += [value.keys(), value.values()]
            elif isinstance(value, np.ndarray):
                if value.dtype == object:
                    groups.append(value.ravel().tolist())
            else:
                groups.append(value)
    found = {kind for kind in set(map(type, chain.from_iterable(groups)))
             if issubclass(kind, kinds)}
    if not found:
        return []  # plain numbers or labels
    items = list(chain.from_iterable(groups))
    return list(compress(items, map(found.__contains__, map(type, items))))


def _first_fault(value: object, limit: int, kinds: tuple[type, ...]) -> Fault:
    """Which fault a value too deep for :func:`nesting_fault` has: walked depth first (as far as
    the limit), to tell a value that holds itself from one merely deep. A value walked once is
    not walked again (its levels are kept), so a shared one costs no more than once."""
    heights: dict[int, int] = {}  # levels of a value walked, down to its deepest
    on_path = {id(value)}
    # each frame: a value, its inner values still to walk, the levels down to and including
    # it, and the most levels found below it so far
    frames: list[list[Any]] = [[value, iter(_inner([value], kinds)), _levels(value), 0]]
    while frames:
        frame = frames[-1]
        inner = next(frame[1], _END)
        if inner is _END:
            frames.pop()
            on_path.discard(id(frame[0]))
            height = heights[id(frame[0])] = _levels(frame[0]) + frame[3]
            if frames:
                frames[-1][3] = max(frames[-1][3], height)
            continue
        if id(inner) in on_path:
            return "itself"
        if id(inner) in heights:
            if frame[2] + heights[id(inner)] > limit:
                return "deep"
            frame[3] = max(frame[3], heights[id(inner)])
            continue
        reached = frame[2] + _levels(inner)
        if reached > limit:
            return "deep"
        on_path.add(id(inner))
        frames.append([inner, iter(_inner([inner], kinds)), reached, 0])
    return "deep"


def nesting_message(fault: Fault) -> str:
    """``fault`` in words, for a message that names the value first."""
    if fault == "itself":
        what = "this value holds itself (a list, dict or array inside itself), so it nests " \
            "without end"
    else:
        what = f"lists, dicts and arrays are nested more than {MAX_JSON_DEPTH} levels deep " \
            "here (the dict of values by name is the first level)"
    return what + "; a param's value nests one level per index"
