"""Affine forms of lowered expressions, batched over index arrays (CVXPY's CoeffExtractor in
spirit): ``const + sum(coefs * x[cols])`` for every element of a family at once.

An :class:`Affine` has a batch shape (the family's axes, then one axis per enclosing sum);
``cols`` and ``coefs`` add a last axis of terms. A sum over ``i in lo..hi`` binds ``i`` to an
index array on a new axis and folds that axis into the terms, so ``sum(w[i] * x[i] for i in
1..n)`` becomes one array operation, never ``n`` sympy terms. Anything that is not affine in
the variables raises :class:`NotAffine` with what was found, in the user's words.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import sympy

from mooc.dsl.affine_form import Affine, full_form
from mooc.dsl.runtime import MAX_ELEMENTS
from mooc.dsl.symbols import IndexProduct, IndexSum, RangeMax, RangeMin, as_written

#: numpy versions of the functions a constant part may use.
_FUNCTIONS = {
    sympy.exp: np.exp, sympy.log: np.log, sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan,
    sympy.asin: np.arcsin, sympy.acos: np.arccos, sympy.atan: np.arctan, sympy.sinh: np.sinh,
    sympy.cosh: np.cosh, sympy.tanh: np.tanh, sympy.Abs: np.abs, sympy.floor: np.floor,
    sympy.ceiling: np.ceil,
}
_RELATIONS = {sympy.Le: np.less_equal, sympy.Lt: np.less, sympy.Ge: np.greater_equal,
              sympy.Gt: np.greater, sympy.Eq: np.equal, sympy.Ne: np.not_equal}


class NotAffine(Exception):
    """An expression is not affine in the variables; the message says what was found."""


def _text(expr: sympy.Basic) -> str:
    return as_written(expr)


def _base_name(symbol: sympy.Basic) -> str:
    """The name a free symbol stands for: ``c`` for ``c[p]``, for ``c`` (its base) and for a
    plain symbol ``c``."""
    if isinstance(symbol, sympy.Indexed):
        symbol = symbol.base
    return str(symbol.label if isinstance(symbol, sympy.IndexedBase) else symbol)


class AffineExtractor:
    """Turns lowered sympy expressions into :class:`Affine` forms.

    ``columns`` maps a variable's name to its column table (an array of column numbers shaped
    like the variable, with its index ``starts``); ``choices`` maps a choice variable's name to
    the column of its first label's binary (the rest follow); ``params`` maps a param's name to
    its value and starts (``labels_of`` names the choice a table is indexed by); ``stored``
    holds the forms of lets and objectives, by name, with their family starts.
    """

    def __init__(self, columns: dict[str, tuple[np.ndarray, tuple[int, ...]]],
                 choices: dict[str, tuple[int, int]],
                 params: dict[str, tuple[np.ndarray, tuple[int, ...], str]]):
        self.columns = columns
        self.choices = choices
        self.params = params
        self.stored: dict[str, tuple[Affine, tuple[int, ...]]] = {}
        self.env: dict[sympy.Symbol, np.ndarray] = {}
        self.depth = 0

    # entry points ----------------------------------------------------------------------
    def family(self, expr: sympy.Expr, indices: tuple[sympy.Symbol, ...],
               starts: tuple[int, ...], shape: tuple[int, ...]) -> Affine:
        """The form of ``expr`` for every member of a family (batch shape = ``shape``)."""
        saved, self.env = self.env, {}
        grids = np.meshgrid(*(np.arange(s, s + n, dtype=float) for s, n in zip(starts, shape,
                                                                             strict=True)),
                            indexing="ij", sparse=True)
        self.env = dict(zip(indices, grids, strict=True))
        self.depth = len(shape)
        try:
            form = self.form(expr)
        finally:
            self.env, self.depth = saved, 0
        return full_form(form, shape)

    def scalar(self, expr: sympy.Expr) -> Affine:
        return full_form(self.form(expr), ())

    # forms -------------------------------------------------------------------------------
    def form(self, expr: sympy.Basic) -> Affine:
        if not self.varies(expr):
            return Affine.constant(self.constant(expr))
        method = getattr(self, "form_" + type(expr).__name__, None)
        if method is None:
            for base in type(expr).__mro__[1:]:
                method = getattr(self, "form_" + base.__name__, None)
                if method is not None:
                    break
        if method is None:
            raise NotAffine(f"{_text(expr)} is not linear")
        return method(expr)  # type: ignore[no-any-return]

    def varies(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` depends on variables (or on lets, objectives, extern values)."""
        for symbol in expr.free_symbols:
            if isinstance(symbol, sympy.Indexed):
                name = str(symbol.base.label)
                if name not in self.params or self.params[name][2]:
                    return True
            elif symbol not in self.env and symbol.name not in self.params:  # not an array's name
                return True
        return False

    def form_Symbol(self, expr: sympy.Symbol) -> Affine:
        if expr in self.env:
            return Affine.constant(self.env[expr])
        name = expr.name
        if name in self.stored:
            return self.stored[name][0]
        if name in self.columns:
            return Affine.column(self.columns[name][0].reshape(()))
        if "." in name:
            raise NotAffine(f"'{name}' comes from an extern, whose values are not known in "
                            "advance")
        raise NotAffine(f"'{name}' is not linear")

    def form_Indexed(self, expr: sympy.Indexed) -> Affine:
        name = str(expr.base.label)
        if name in self.params and self.params[name][2]:
            return self.table(name, expr.indices[0])
        if name in self.params:
            return Affine.constant(self.constant(expr))
        if name in self.columns:
            table, starts = self.columns[name]
            return Affine.column(table[self.offsets(expr, starts, table.shape)])
        if name in self.stored:
            form, starts = self.stored[name]
            return form.take(self.offsets(expr, starts, form.const.shape))
        raise NotAffine(f"{_text(expr)} is not linear")

    def table(self, name: str, index: sympy.Basic) -> Affine:
        """``price[material]``: the table's value per label, times that label's binary."""
        values, _, choice = self.params[name]
        first, count = self.choices[choice]
        return Affine(np.zeros(()), np.arange(first, first + count), np.asarray(values, float))

    def offsets(self, expr: sympy.Indexed, starts: tuple[int, ...],
                shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
        indices = [self.constant(i) for i in expr.indices]
        arrays = np.broadcast_arrays(*indices)
        return tuple(np.clip(np.rint(a).astype(np.intp) - s, 0, n - 1)
                     for a, s, n in zip(arrays, starts, shape, strict=True))

    def form_Add(self, expr: sympy.Add) -> Affine:
        forms = [self.form(arg) for arg in expr.args]
        total = forms[0]
        for form in forms[1:]:
            total = total + form
        return total

    def form_Mul(self, expr: sympy.Mul) -> Affine:
        forms = [self.form(arg) for arg in expr.args]
        varying = [f for f in forms if not f.is_constant]
        if len(varying) > 1:
            raise NotAffine(f"{_text(expr)} multiplies variables, which is not linear")
        factor = np.ones(())
        for form in forms:
            if form.is_constant:
                factor = factor * form.const
        base = varying[0] if varying else Affine.constant(1.0)
        return base.scaled(factor)

    def form_Pow(self, expr: sympy.Pow) -> Affine:
        base, exponent = expr.args
        if exponent == 1:
            return self.form(base)
        raise NotAffine(f"{_text(expr)} is not linear")

    def form_Sum(self, expr: sympy.Sum) -> Affine:
        body, limits = expr.args[0], expr.args[1:]
        if len(limits) > 1:
            inner = IndexSum(body, *limits[:-1])
            index, lo, hi = limits[-1]
            return self.reduce(inner, index, lo, hi)
        index, lo, hi = limits[0]
        return self.reduce(body, index, lo, hi)

    def reduce(self, body: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
               hi: sympy.Expr) -> Affine:
        lo_values, hi_values = self.constant(lo), self.constant(hi)
        if lo_values.size == 0 or np.all(hi_values < lo_values):
            return Affine.constant(0.0)
        live = hi_values >= lo_values
        first = int(np.min(np.where(live, lo_values, np.inf)))
        last = int(np.max(np.where(live, hi_values, -np.inf)))
        # the newest axis comes first, so older axes (and the family's) align from the right
        self.check_grid(last - first + 1)
        values = np.arange(first, last + 1, dtype=float).reshape((-1,) + (1,) * self.depth)
        mask = None
        if lo_values.ndim or hi_values.ndim:
            mask = (values >= lo_values) & (values <= hi_values)
        saved = self.env.get(index)
        self.env[index] = values
        self.depth += 1
        try:
            form = self.form(body)
        finally:
            self.depth -= 1
            if saved is None:
                self.env.pop(index)
            else:
                self.env[index] = saved
        return form.summed(values.shape, mask)

    def check_grid(self, count: int) -> None:
        """Refuse a range that, with the ranges around it, spans more elements than an
        evaluation may (the generated code then gives the located error)."""
        around = np.broadcast_shapes(*(np.shape(values) for values in self.env.values()))
        total = max(count, 1) * math.prod(around)
        if total > MAX_ELEMENTS:
            raise NotAffine(f"a range spans {total:,} elements with the ranges around it, "
                            f"more than the {MAX_ELEMENTS:,} mooc allows")

    def form_Piecewise(self, expr: sympy.Piecewise) -> Affine:
        conditions = [cond for _, cond in expr.args]
        varying = {symbol for symbol in set().union(*(c.free_symbols for c in conditions))
                   if symbol not in self.env and _base_name(symbol) not in self.params}
        if varying:
            return self.choice_piecewise(expr, varying)
        total: Affine | None = None
        taken = np.zeros((), dtype=bool)
        for value, cond in expr.args:
            holds = np.asarray(self.condition(cond), dtype=bool) & ~taken
            taken = taken | holds
            part = self.form(value).scaled(holds.astype(float))
            total = part if total is None else total + part
        assert total is not None
        return total

    def choice_piecewise(self, expr: sympy.Piecewise, varying: set) -> Affine:
        """``if material == alu then a else b`` with constant branches: one binary per label."""
        names = {s.name for s in varying}
        if len(names) != 1 or next(iter(names)) not in self.choices:
            raise NotAffine(f"{_text(expr)} depends on a condition of variables, which is not "
                            "linear")
        choice = next(iter(varying))
        first, count = self.choices[choice.name]
        values = []
        for label in range(count):
            self.env[choice] = np.asarray(float(label))
            try:
                form = self.form_Piecewise(expr)
            finally:
                self.env.pop(choice)
            if not form.is_constant:
                raise NotAffine(f"{_text(expr)} mixes a choice with variables, which is not "
                                "linear")
            values.append(form.const)
        stacked = np.stack(np.broadcast_arrays(*values), axis=-1)
        cols = np.broadcast_to(np.arange(first, first + count), stacked.shape)
        return Affine(np.zeros(stacked.shape[:-1]), cols, stacked)

    def form_RangeReduction(self, expr: sympy.Basic) -> Affine:
        raise NotAffine(f"{_text(expr)}: min and max of variables are not linear")

    def form_Function(self, expr: sympy.Basic) -> Affine:
        raise NotAffine(f"{_text(expr)} is not linear")

    # constants -------------------------------------------------------------------------
    def constant(self, expr: sympy.Basic) -> np.ndarray:
        """The value of an expression with no variables, as an array over the batch."""
        with np.errstate(all="ignore"):
            value = np.asarray(self.value(expr), dtype=float)
        if not np.all(np.isfinite(value)):
            raise NotAffine(f"{_text(expr)} is not a finite number everywhere")
        return value

    def value(self, expr: sympy.Basic) -> object:
        if expr in self.env:
            return self.env[expr]
        if expr.is_Number or expr in (sympy.pi, sympy.E):
            return float(expr)
        if isinstance(expr, sympy.Indexed):
            return self.param_value(expr)
        if isinstance(expr, sympy.Add):
            return sum((np.asarray(self.value(a), dtype=float) for a in expr.args), np.zeros(()))
        if isinstance(expr, sympy.Mul):
            return math.prod((np.asarray(self.value(a), dtype=float) for a in expr.args),
                             start=np.ones(()))
        if isinstance(expr, sympy.Pow):
            return np.power(np.asarray(self.value(expr.args[0]), float),
                            np.asarray(self.value(expr.args[1]), float))
        if isinstance(expr, (sympy.Min, sympy.Max)):
            values = np.broadcast_arrays(*(np.asarray(self.value(a), float) for a in expr.args))
            return (np.min if isinstance(expr, sympy.Min) else np.max)(values, axis=0)
        if type(expr) in _FUNCTIONS:
            return _FUNCTIONS[type(expr)](np.asarray(self.value(expr.args[0]), float))
        if isinstance(expr, sympy.Sum):
            return self.form_Sum(expr).const
        if isinstance(expr, sympy.Piecewise):
            return self.form_Piecewise(expr).const
        if isinstance(expr, (sympy.Product, RangeMin, RangeMax)):
            return self.reduced_value(expr)
        raise NotAffine(f"{_text(expr)} is not linear")

    def reduced_value(self, expr: sympy.Basic) -> object:
        if isinstance(expr, sympy.Product):
            body, (index, lo, hi) = expr.args[0], expr.args[-1]
            if len(expr.args) > 2:
                body = IndexProduct(body, *expr.args[1:-1])
        else:
            body, index, lo, hi = expr.args
        lo_values, hi_values = self.constant(lo), self.constant(hi)
        if lo_values.ndim or hi_values.ndim:
            raise NotAffine(f"{_text(expr)} has ranges that vary, which is not supported here")
        self.check_grid(int(hi_values) - int(lo_values) + 1)
        values = np.arange(int(lo_values), int(hi_values) + 1, dtype=float)
        self.env[index] = values.reshape((-1,) + (1,) * self.depth)
        self.depth += 1
        try:
            body_values = np.asarray(self.value(body), dtype=float)
        finally:
            self.depth -= 1
            self.env.pop(index)
        full = np.broadcast_to(body_values, np.broadcast_shapes(
            body_values.shape, (values.size,) + (1,) * self.depth))
        reducer: Any = (np.prod if isinstance(expr, sympy.Product) else
                        np.min if isinstance(expr, RangeMin) else np.max)
        return reducer(full, axis=0)

    def param_value(self, expr: sympy.Indexed) -> np.ndarray:
        name = str(expr.base.label)
        if name not in self.params or self.params[name][2]:
            raise NotAffine(f"{_text(expr)} is not linear")
        values, starts, _ = self.params[name]
        return values[self.offsets(expr, starts, values.shape)]  # type: ignore[no-any-return]

    def condition(self, cond: sympy.Basic) -> object:
        if cond is sympy.true:
            return True
        if cond is sympy.false:
            return False
        if isinstance(cond, (sympy.And, sympy.Or)):  # parts of different shapes broadcast
            join = np.logical_and if isinstance(cond, sympy.And) else np.logical_or
            return functools.reduce(join, [np.asarray(self.condition(c)) for c in cond.args])
        if isinstance(cond, sympy.Not):
            return np.logical_not(np.asarray(self.condition(cond.args[0])))
        if isinstance(cond, sympy.ITE):
            return np.where(*(np.asarray(self.condition(c)) for c in cond.args))
        compare = _RELATIONS.get(type(cond))
        if compare is None:
            raise NotAffine(f"{_text(cond)} is not a condition on constants")
        return compare(self.constant(cond.args[0]), self.constant(cond.args[1]))
