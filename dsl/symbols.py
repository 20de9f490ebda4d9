"""The sympy vocabulary of lowered models: symbols by role, and range reductions sympy lacks."""

from __future__ import annotations

import re

import sympy


def variable_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def index_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, integer=True)


class RangeReduction(sympy.Function):
    """``min``/``max`` of ``body`` over ``index`` in ``lo..hi``: args (body, index, lo, hi)."""

    symbol = "?"

    @property
    def free_symbols(self) -> set[sympy.Basic]:
        body, index, lo, hi = self.args
        return (body.free_symbols - {index}) | lo.free_symbols | hi.free_symbols

    def _sympystr(self, printer: object) -> str:
        body, index, lo, hi = (printer._print(a) for a in self.args)  # type: ignore[attr-defined]
        return f"{self.symbol}({body} for {index} in {lo}..{hi})"

    def _pretty(self, printer: object) -> object:
        from sympy.printing.pretty.stringpict import prettyForm

        body, index, lo, hi = self.args
        head = prettyForm(f"{self.symbol}")
        below = printer._print(sympy.Symbol(f"{index}={lo}..{hi}"))  # type: ignore[attr-defined]
        head = prettyForm(*head.below(below))
        inner = printer._print(body)  # type: ignore[attr-defined]
        return prettyForm(*head.right(prettyForm(*inner.parens())))


class RangeMin(RangeReduction):
    symbol = "min"


class RangeMax(RangeReduction):
    symbol = "max"


_AS_WRITTEN = {"Max": "max", "Min": "min", "Abs": "abs", "ceiling": "ceil", "**": "^"}
_SYMPY_WORDS = re.compile(r"\b(Max|Min|Abs|ceiling)\b|\*\*")


def as_written(expr: sympy.Basic) -> str:
    """An expression in the model language's words (max, abs, ceil, ^), not sympy's."""
    return _SYMPY_WORDS.sub(lambda match: _AS_WRITTEN[match.group(0)], sympy.sstr(expr))
