"""What the generated module's prelude collects while statements are printed: static index
work, constants by name, and the sites of errors (:class:`Emitter`)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from mooc.dsl.lowered import LoweredModel


def same_constant(a: object, b: object) -> bool:
    """Whether two constants of the generated code hold the same values (type, dtype, shape
    and contents)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        if a.dtype == object:
            return bool(a.tolist() == b.tolist())
        return a.tobytes() == b.tobytes()
    return type(a) is type(b) and bool(a == b)



class Emitter:
    """Collects prelude lines, constants and error sites while statements are printed."""

    def __init__(self, model: LoweredModel):
        self.model = model
        self.prelude: list[str] = []
        self.constants: dict[str, object] = {}
        self.sites: dict[int, object] = {}
        self.site_ids: dict[object, int] = {}
        self.counter = 0

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"_{stem}{self.counter}"

    def constant(self, value: object, stem: str) -> str:
        """The name the generated code knows ``value`` by: ``_stem``, or ``_stem_2`` ... when
        another value took that name first. Decided by the value's contents alone, never by
        object identity, so the same model always generates the same code."""
        name, suffix = f"_{stem}", 1
        while name in self.constants and not same_constant(self.constants[name], value):
            suffix += 1
            name = f"_{stem}_{suffix}"
        self.constants.setdefault(name, value)
        return name

    def static(self, code: str, stem: str) -> str:
        name = self.fresh(stem)
        self.prelude.append(f"{name} = {code}")
        return name

    def static_pair(self, code: str) -> tuple[str, str]:
        values, mask = self.fresh("index"), self.fresh("mask")
        self.prelude.append(f"{values}, {mask} = {code}")
        return values, mask

    def box(self, indices: Iterable[str]) -> None:
        """A prelude line recording the box these index arrays span (see
        :class:`mooc.dsl.runtime.BoxSizes`)."""
        self.prelude.append(f"_boxes.add({''.join(f'{code}, ' for code in indices)})")

    def static_expr(self, printer: NumPyPrinter, expr: sympy.Expr) -> str:
        """Code for a static expression (no decision variables); constants stay inline."""
        return printer._print(expr)

    def site(self, expr: object) -> int:
        if expr not in self.site_ids:
            self.site_ids[expr] = len(self.site_ids)
            self.sites[self.site_ids[expr]] = self.model.sites.get(expr)
        return self.site_ids[expr]
