"""How the compile cache writes a compiled model down: plain JSON and numpy arrays, never
pickle. A value of a kind not listed here raises :class:`Uncacheable`, and the model is then
compiled without the cache.

A stored value is JSON, with tagged objects for what JSON lacks: ``{"$tuple": [...]}``,
``{"$dict": [[key, value], ...]}`` (any keys, in order), ``{"$array": k}`` (the k-th numpy
array, stored beside the JSON), ``{"$objects": [...], "shape": [...]}`` (an object array of
strings), ``{"$scalar": dtype, "value": v}`` (a numpy scalar), ``{"$source": k}`` and
``{"$span": [source, line, column, end_line, end_column]}`` (source files stored once), and
``{"$class": name, "fields": {...}}`` for the dataclasses of :data:`CLASSES`, field by field,
so a field added to one is stored with no change here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from typing import Any

import numpy as np

from mooc.dsl.generated import DerivativeInfo, GeneratedCode
from mooc.dsl.layout import BlockLayout, ModelLayout
from mooc.dsl.span import SourceFile, Span


class Uncacheable(Exception):
    """A value the cache cannot store or key on."""


class _Classes(dict):  # type: ignore[type-arg]
    """The dataclasses stored field by field, by name; ExternSpec's module is imported only when
    a model has externs."""

    def __init__(self) -> None:
        super().__init__({cls.__name__: cls for cls in (GeneratedCode, DerivativeInfo, ModelLayout,
                                                     BlockLayout)})

    def __missing__(self, name: str) -> type | None:
        if name != "ExternSpec":
            return None
        from mooc.extern_calls import ExternSpec

        self[name] = ExternSpec
        return ExternSpec


class Encoder:
    """Turns values into JSON-able data, collecting arrays and source files on the side."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.sources: list[SourceFile] = []
        self.source_ids: dict[int, int] = {}
        self.classes = _Classes()

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return {"$float": repr(value)} if value != value or value in (np.inf, -np.inf) \
                else value
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v) for v in value]}
        if type(value) is dict:
            return {"$dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {"$scalar": value.dtype.str, "value": self.encode(value.item())}
        if isinstance(value, Span):
            return {"$span": [self.source(value.source), value.line, value.column,
                              value.end_line, value.end_column]}
        if isinstance(value, SourceFile):
            return {"$source": self.source(value)}
        cls = self.classes[type(value).__name__]
        if cls is type(value) and dataclasses.is_dataclass(value):
            return {"$class": cls.__name__,
                    "fields": {f.name: self.encode(getattr(value, f.name))
                               for f in dataclasses.fields(value)}}
        raise Uncacheable(f"cannot store a {type(value).__name__}")

    def array(self, value: np.ndarray) -> Any:
        if value.dtype.kind in "biufU":
            self.arrays.append(value)
            return {"$array": len(self.arrays) - 1}
        if value.dtype == object and all(type(v) is str for v in value.flat):
            return {"$objects": value.ravel().tolist(), "shape": list(value.shape)}
        raise Uncacheable(f"cannot store an array of {value.dtype}")

    def source(self, source: SourceFile) -> int:
        if id(source) not in self.source_ids:
            self.source_ids[id(source)] = len(self.sources)
            self.sources.append(source)
        return self.source_ids[id(source)]

    def encoded_sources(self) -> list[Any]:
        return [[s.name, s.text, list(s.included_from)] for s in self.sources]


class Decoder:
    """The inverse of :class:`Encoder`, given its arrays and source files."""

    def __init__(self, arrays: list[np.ndarray], sources: list[Any]):
        self.arrays = arrays
        self.sources = [SourceFile(name, text, tuple(included)) for name, text, included in sources]
        self.classes = _Classes()

    def decode(self, data: Any) -> Any:
        if isinstance(data, list):
            return [self.decode(v) for v in data]
        if not isinstance(data, dict):
            return data
        (tag, body), *_ = data.items()
        if tag == "$float":
            return float(body)
        if tag == "$tuple":
            return tuple(self.decode(v) for v in body)
        if tag == "$dict":
            return {self.decode(k): self.decode(v) for k, v in body}
        if tag == "$array":
            return self.arrays[body]
        if tag == "$objects":
            out = np.empty(len(body), dtype=object)
            out[:] = body
            return out.reshape(data["shape"])
        if tag == "$scalar":
            return np.dtype(body).type(self.decode(data["value"]))
        if tag == "$span":
            source, *place = body
            return Span(self.sources[source], *place)
        if tag == "$source":
            return self.sources[body]
        if tag == "$class":
            fields = {name: self.decode(value) for name, value in data["fields"].items()}
            cls = self.classes[body]
            if cls is None:
                raise ValueError(f"unknown class {body!r}")
            return cls(**fields)
        raise ValueError(f"unknown tag {tag!r}")


def payload_digest(document: bytes, arrays: list[np.ndarray]) -> str:
    """A digest of an entry's JSON and arrays (their types, shapes and bytes)."""
    digest = hashlib.sha256(document)
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def canonical(value: Any) -> Any:
    """``value`` (params, data) as JSON-able data that tells apart every value that could
    compile differently; arrays by a digest of their contents."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [canonical(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[canonical(k), canonical(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return {"objects": [canonical(v) for v in value.ravel().tolist()],
                    "shape": list(value.shape)}
        contents = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
        return {"array": [value.dtype.str, list(value.shape), contents]}
    if isinstance(value, np.generic):
        return {"scalar": [value.dtype.str, canonical(value.item())]}
    if isinstance(value, os.PathLike):
        return {"path": os.fspath(value)}
    raise Uncacheable(f"cannot key on a {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()
