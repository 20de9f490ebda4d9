"""Constant reductions folded to numbers, where a number is needed when the model is compiled:
a param's value (``param total = sum(w[i] for i in 1..n)``), a bound, a range bound, an index.

Lowering keeps a reduction symbolic (an :class:`~mooc.dsl.symbols.IndexSum` over
``w[i]``), which is what code generation wants; a value known at compile time is found here
by running over the range, element by element, with each param element looked up.
"""

from __future__ import annotations

import sympy

from mooc.dsl.lowered import ParamValue
from mooc.dsl.symbols import RangeMax, RangeMin

#: The most elements a folded value may run over (each is lowered by sympy: ~10 us).
MAX_FOLDED = 100_000


class FoldError(Exception):
    """A constant that cannot be folded, with the message and the sympy node at fault."""

    def __init__(self, message: str, at: sympy.Basic | None = None):
        super().__init__(message)
        self.at = at


def has_reduction(expr: sympy.Basic) -> bool:
    return bool(expr.atoms(sympy.Sum, sympy.Product, RangeMin, RangeMax))


def fold_reductions(expr: sympy.Basic, params: dict[str, ParamValue]) -> sympy.Basic:
    """``expr`` with every reduction over constant bounds replaced by its value, and every
    element of a param at constant indices by its number; what cannot be folded is kept."""
    return _Folder(params).fold(expr, {})


class _Folder:
    def __init__(self, params: dict[str, ParamValue]):
        self.params = params
        self.visited = 0

    def fold(self, expr: sympy.Basic, env: dict) -> sympy.Basic:
        """``expr`` folded, with each index in ``env`` standing for its value there."""
        if isinstance(expr, (sympy.Sum, sympy.Product)):
            *inner, (index, lo, hi) = expr.limits  # the last limit is the outermost
            body = type(expr)(expr.function, *inner) if inner else expr.function
            return self.over_range(expr, body, index, lo, hi, env)
        if isinstance(expr, (RangeMin, RangeMax)):
            body, index, lo, hi = expr.args
            return self.over_range(expr, body, index, lo, hi, env)
        if isinstance(expr, sympy.Indexed):
            return self.element(expr, env)
        if isinstance(expr, sympy.Symbol):
            return env.get(expr, expr)  # type: ignore[no-any-return]
        if not expr.args:
            return expr
        args = [self.fold(arg, env) for arg in expr.args]
        if isinstance(expr, sympy.Pow) and args[0].is_zero and args[1].is_negative:
            raise FoldError("division by zero", expr)  # sympy's 1/0 is unsigned: NaN to numpy
        return expr.func(*args) if any(a is not b for a, b in zip(args, expr.args,
                                                                   strict=True)) else expr

    def over_range(self, expr: sympy.Basic, body: sympy.Basic, index: sympy.Symbol,
                   lo: sympy.Basic, hi: sympy.Basic, env: dict) -> sympy.Basic:
        lo, hi = self.fold(lo, env), self.fold(hi, env)
        if not (lo.is_Integer and hi.is_Integer):
            return expr
        count = max(int(hi) - int(lo) + 1, 0)
        self.visited += count
        if self.visited > MAX_FOLDED:
            raise FoldError(f"the reductions in this value run over more than {MAX_FOLDED:,} "
                            "elements, the most a value known when compiling may have", expr)
        terms = [self.fold(body, {**env, index: sympy.Integer(k)})
                 for k in range(int(lo), int(hi) + 1)]
        if isinstance(expr, sympy.Sum):
            return sympy.Add(*terms)
        if isinstance(expr, sympy.Product):
            return sympy.Mul(*terms)
        if not all(term.is_number for term in terms):
            return expr
        if not terms:
            kind = "min" if isinstance(expr, RangeMin) else "max"
            raise FoldError(f"{kind}() over the empty range {lo}..{hi}", expr)
        try:
            return (sympy.Min if isinstance(expr, RangeMin) else sympy.Max)(*terms)
        except (TypeError, ValueError):  # a term that is not a real number
            return sympy.nan

    def element(self, expr: sympy.Indexed, env: dict) -> sympy.Basic:
        param = self.params.get(expr.base.label.name)
        indices = [self.fold(index, env) for index in expr.indices]
        if param is None or param.label_of or not all(i.is_Integer for i in indices):
            return expr
        position = tuple(int(i) - start for i, start in zip(indices, param.starts, strict=True))
        shape = param.value.shape  # type: ignore[union-attr]
        for k, (p, size) in enumerate(zip(position, shape, strict=True)):
            if not 0 <= p < size:
                start = param.starts[k]
                raise FoldError(f"index {int(indices[k])} is outside the range "
                                f"{start}..{start + size - 1} of '{param.name}'", expr)
        value = float(param.value[position])  # type: ignore[index]
        return sympy.Integer(int(value)) if value.is_integer() and abs(value) < 2**53 \
            else sympy.Float(value)
