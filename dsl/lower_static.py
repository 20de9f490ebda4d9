"""Stage 3, values known when compiling: a param's value, a bound, a tolerance, a range, and
the constants inside expressions. :class:`StaticValues` is the part of the
:class:`~mooc.dsl.lower_expressions.ExpressionLowering` that computes them.

A division by zero follows floating point inside an expression (``1/0`` is inf, ``0/0`` NaN:
see :meth:`StaticValues.reciprocal`); in a value that must be a finite number it is an error
at the divisor.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from mooc.dsl import ast
from mooc.dsl.constants import as_float, real_constant
from mooc.dsl.lowered import LoweredModel
from mooc.dsl.static_fold import FoldError, fold_reductions, has_reduction
from mooc.dsl.symbols import piecewise
from mooc.errors import ModelCheckError


class StaticValues:
    """Folds constants; needs the expression half's ``expr``."""

    out: LoweredModel
    expr: Callable[[ast.Expr, dict], sympy.Expr]
    #: where a constant zero was divided by, since lowering began (see ``reciprocal``)
    zero_divisions: list[ast.Span]

    def static_float(self, node: ast.Expr, env: dict, what: str) -> float:
        before = len(self.zero_divisions)
        try:
            value = as_float(self.folded(self.expr(node, env), node.span))
            if value is None and len(self.zero_divisions) > before:
                raise ModelCheckError("division by zero", self.zero_divisions[before])
        finally:
            del self.zero_divisions[before:]
        if value is None:
            raise ModelCheckError(f"{what} is not a finite number", node.span)
        return value

    def static_int(self, node: ast.Expr, env: dict, what: str) -> int:
        value = self.static_float(node, env, what)
        if not value.is_integer():
            raise ModelCheckError(f"{what} must be a whole number, but is {value:g}", node.span)
        return int(value)

    def folded(self, expr: sympy.Expr, span: ast.Span) -> sympy.Expr:
        """``expr`` with its reductions over constant ranges computed, where a number is
        needed (a param's value, a bound); ``span`` is where it is written."""
        if not has_reduction(expr):
            return expr
        try:
            return real_constant(fold_reductions(expr, self.out.params))  # type: ignore[arg-type]
        except FoldError as error:
            raise ModelCheckError(str(error), self.out.sites.get(error.at, span)) from None

    def constant_reduction(self, reduction: sympy.Expr) -> sympy.Expr:
        """A reduction of numbers over a constant range, ``prod(10 for l in 3..1)``, as its
        value. sympy cannot evaluate our reductions (nor would it give an empty range the
        language's value), so it could neither order such a constant nor compute a power of
        it: it compared ``1 != prod(10 for l in 3..1)`` inside an ``if`` by dividing by a
        coefficient of 0, again and again (a hang), and printed its power as NaN. One too
        long to fold here, or dividing by zero somewhere, stays for the generated code."""
        if reduction.free_symbols:
            return reduction
        try:
            value = fold_reductions(reduction, self.out.params)
        except FoldError:
            return reduction
        return real_constant(value) if value.is_number and not value.has(sympy.zoo) \
            else reduction  # type: ignore[return-value]

    def reciprocal(self, divisor: sympy.Expr, span: ast.Span) -> sympy.Expr:
        """``1 / divisor``; for a divisor that is the number 0, what floating point gives
        (+inf: ``x / 0`` is ``x * inf``, +-inf by the sign of ``x`` and NaN where it is 0),
        not sympy's unsigned infinity (which made it NaN); the place is noted, for
        :meth:`static_float`'s message."""
        if divisor.is_number and divisor.is_zero:
            self.zero_divisions.append(span)
            return sympy.oo
        if isinstance(divisor, sympy.Piecewise):  # sympy would divide into it, 1/0 as zoo
            return piecewise(*[(self.reciprocal(value, span), condition)
                               for value, condition in divisor.args])
        return real_constant(1 / divisor)  # type: ignore[return-value]
