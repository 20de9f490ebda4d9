"""Comparisons as numpy computes them, an ``if`` on either side included.

numpy computes ``if c then a else b`` as ``where(c, a, b)``, so a comparison of it is
``a < r`` where ``c`` holds and ``b < r`` elsewhere. sympy would take such an ``if`` out of a
condition itself, whenever it builds an ``if`` on that condition (even unevaluated), and on
the way decide the comparisons it forms: one with NaN (an operation where it is undefined)
raised "Invalid NaN comparison", one of two constants it cannot order made it divide by a
coefficient of 0 without end, and its rewriting could run for minutes. Here the comparison is
taken apart, branch by branch, before sympy sees it: what is left for sympy are comparisons
of plain expressions, joined by ``and``, ``or`` and ``where`` (sympy's ITE), and a comparison
with NaN is false (``!=`` true), as numpy's is.
"""

from __future__ import annotations

import sympy

from mooc.dsl.symbols import FOLDED_BRANCHES, RangeMax, RangeMin, negation

COMPARE = {"<=": sympy.Le, ">=": sympy.Ge, "<": sympy.Lt, ">": sympy.Gt, "==": sympy.Eq,
           "!=": sympy.Ne}
#: The most branches a comparison is taken apart into; beyond, it is left as it is (an ``if``
#: of ``if`` s on both sides multiplies their branches), and the ``if`` holding it keeps them
#: in place (:data:`~mooc.dsl.symbols.FOLDED_BRANCHES`, the same number).
MAX_BRANCHES = FOLDED_BRANCHES


def comparison(op: str, left: sympy.Expr, right: sympy.Expr) -> sympy.Basic:
    """``left op right``, with an ``if`` on either side (not one inside a reduction, whose
    branches depend on its index) taken apart into its branches."""
    if _branches(left) * _branches(right) > MAX_BRANCHES:
        return relation(op, left, right)
    try:
        return _by_branch(op, left, right)
    except (TypeError, ValueError):  # a branch sympy refuses to build: left to it as written
        return relation(op, left, right)


def relation(op: str, left: sympy.Expr, right: sympy.Expr) -> sympy.Basic:
    """``left op right``; false with a NaN side (``!=``: true)."""
    if sympy.nan in (left, right):
        return sympy.true if op == "!=" else sympy.false
    try:
        return COMPARE[op](left, right)
    except TypeError:  # a side sympy takes for not real (1/x with x an empty sum): numpy's
        return COMPARE[op](left, right, evaluate=False)


def where(condition: sympy.Basic, then: sympy.Basic, otherwise: sympy.Basic) -> sympy.Basic:
    """The condition ``then`` where ``condition`` holds and ``otherwise`` elsewhere."""
    if then == otherwise:
        return then
    if then == sympy.true:
        return sympy.Or(condition, otherwise)
    if then == sympy.false:
        return sympy.And(negation(condition), otherwise)
    if otherwise == sympy.true:
        return sympy.Or(negation(condition), then)
    if otherwise == sympy.false:
        return sympy.And(condition, then)
    return sympy.ITE(condition, then, otherwise, evaluate=False)


def _by_branch(op: str, left: sympy.Expr, right: sympy.Expr) -> sympy.Basic:
    found = _outer_if(left) or _outer_if(right)
    if found is None:
        return relation(op, left, right)
    *pieces, (last, _) = found.args
    result = _by_branch(op, left.xreplace({found: last}), right.xreplace({found: last}))
    for value, condition in reversed(pieces):
        taken = _by_branch(op, left.xreplace({found: value}), right.xreplace({found: value}))
        result = where(condition, taken, result)
    return result


def _outer_if(expr: sympy.Basic) -> sympy.Piecewise | None:
    """The first ``if`` in ``expr`` outside any reduction."""
    if isinstance(expr, sympy.Piecewise):
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product, RangeMin, RangeMax)) or \
            getattr(expr, "over_range", False):
        return None
    for arg in expr.args:
        found = _outer_if(arg)
        if found is not None:
            return found
    return None


def _branches(expr: sympy.Basic) -> int:
    """How many branches the ``if`` s outside reductions in ``expr`` make at most."""
    if isinstance(expr, sympy.Piecewise):
        return sum(_branches(value) for value, _ in expr.args)
    if isinstance(expr, (sympy.Sum, sympy.Product, RangeMin, RangeMax)) or \
            getattr(expr, "over_range", False) or not expr.args:
        return 1
    count = 1
    for arg in expr.args:
        count *= _branches(arg)
        if count > MAX_BRANCHES:
            return count
    return count
