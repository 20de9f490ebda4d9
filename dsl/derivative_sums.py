"""Derivatives of reductions over index ranges, kept vectorized.

The derivative of ``x[i]`` with respect to a generic element ``x[j]`` of its block is
``KroneckerDelta(i, j)``. Inside ``sum(... for i in a..b)`` a term ``c(i) * delta(i + k, j)``
sums to ``c(j - k)`` where ``a <= j - k <= b`` and to 0 elsewhere: one array expression over
``j``, where sympy's own rules would leave a sum of n terms for each of n values of ``j``.
:func:`sum_derivative` applies that rule to every term it can (an index that appears with
coefficient +1 or -1), factors whatever does not depend on the index out of what is left,
and keeps the rest as a sum (its deltas are then printed as masks: still correct, only
denser).

Also here: the sympy nodes a derivative needs beyond sympy's own (the product of a range but
one element, the first place a range's minimum or maximum is reached), and substitution of
indices that respects the indices reductions bind.
"""

from __future__ import annotations

from itertools import count

import sympy

from mooc.dsl.symbols import IndexSum, RangeMax, RangeMin, piecewise

_fresh = count(1)


def fresh_index(stem: str = "ι") -> sympy.Symbol:
    """An index symbol no model can name (a model's names have no Greek letters)."""
    return sympy.Symbol(f"{stem}{next(_fresh)}", integer=True)


class RangeOperation(sympy.Function):
    """A value over a reduction's range, per element: args (body, index, lo, hi). Printed
    only inside the reduction over ``index`` (its axis is that reduction's)."""

    over_range = True  # its body is taken over the whole range: see symbols.IndexSum

    @property
    def free_symbols(self) -> set[sympy.Basic]:
        body, index, lo, hi = self.args
        return body.free_symbols | {index} | lo.free_symbols | hi.free_symbols


class ProductExcept(RangeOperation):
    """The product of ``body`` over ``lo..hi`` except at the current ``index``."""


class FirstArgMin(RangeOperation):
    """1 where ``body`` is least over ``lo..hi`` (the first such index), else 0."""


class FirstArgMax(RangeOperation):
    """1 where ``body`` is greatest over ``lo..hi`` (the first such index), else 0."""


#: The nodes that bind an index: Sum and Product by their limits, the others by args[1]. A
#: RangeOperation binds none: its index is the enclosing reduction's, whose axis it works on,
#: so renaming that reduction's index renames it too.
_RANGE_NODES = (RangeMin, RangeMax)


def substitute(expr: sympy.Basic, mapping: dict[sympy.Symbol, sympy.Basic]) -> sympy.Basic:
    """``expr`` with the free occurrences of the symbols in ``mapping`` replaced (an index a
    reduction binds is left alone inside it)."""
    if not mapping or not (expr.free_symbols & set(mapping)):
        return expr
    if isinstance(expr, sympy.Symbol):
        return mapping.get(expr, expr)
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        body, limits = expr.args[0], expr.args[1:]
        inner = {k: v for k, v in mapping.items() if k not in {lim[0] for lim in limits}}
        new_limits = []
        for k, (index, lo, hi) in enumerate(limits):  # a range's bounds see the outer indices
            outer = {lim[0] for lim in limits[k + 1:]}
            free = {key: v for key, v in mapping.items() if key not in outer}
            new_limits.append((index, substitute(lo, free), substitute(hi, free)))
        return type(expr)(substitute(body, inner), *new_limits)
    if isinstance(expr, _RANGE_NODES):
        body, index, lo, hi = expr.args
        inner = {k: v for k, v in mapping.items() if k != index}
        return type(expr)(substitute(body, inner), index, substitute(lo, mapping),
                          substitute(hi, mapping))
    if isinstance(expr, sympy.Piecewise):  # pair by pair: an ExprCondPair built anew folds
        return piecewise(*[(substitute(value, mapping), substitute(condition, mapping))
                           for value, condition in expr.args], evaluate=False)
    return expr.func(*[substitute(arg, mapping) for arg in expr.args])


def rename_bound(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with every index a reduction binds renamed to a fresh one, so that
    substituting into it cannot capture an index of the surrounding expression."""
    if not expr.args or isinstance(expr, (sympy.Symbol, sympy.Indexed)):
        return expr
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        body = rename_bound(expr.args[0])
        limits: list[tuple] = []
        renamed: dict[sympy.Symbol, sympy.Basic] = {}
        for index, lo, hi in reversed(expr.args[1:]):  # outermost last in sympy's order
            new = fresh_index()
            body = substitute(body, {index: new})
            # an inner range's bounds may use the outer indices (for j in i..n)
            limits.append((new, substitute(rename_bound(lo), renamed),
                           substitute(rename_bound(hi), renamed)))
            renamed[index] = new
        return type(expr)(body, *reversed(limits))
    if isinstance(expr, _RANGE_NODES):
        body, index, lo, hi = expr.args
        new = fresh_index()
        return type(expr)(substitute(rename_bound(body), {index: new}), new, rename_bound(lo),
                          rename_bound(hi))
    if isinstance(expr, sympy.Piecewise):
        return piecewise(*[(rename_bound(value), rename_bound(condition))
                           for value, condition in expr.args], evaluate=False)
    return expr.func(*[rename_bound(arg) for arg in expr.args])


def _deltas_on(expr: sympy.Basic, index: sympy.Symbol) -> bool:
    return any(index in delta.free_symbols for delta in expr.atoms(sympy.KroneckerDelta))


def _blocked(expr: sympy.Basic, index: sympy.Symbol) -> bool:
    """Whether ``expr`` holds a per-element range node over ``index``: its axis is the
    reduction's, so ``index`` cannot be substituted away."""
    return any(node.args[1] == index for node in expr.atoms(RangeOperation))


def delta_terms(expr: sympy.Expr, index: sympy.Symbol) -> list[tuple[sympy.Expr | None, sympy.Expr]]:
    """``expr`` as a sum of ``delta * coefficient`` terms, each delta on ``index`` (None for a
    term with no delta on it, or one this rule cannot take apart)."""
    if not _deltas_on(expr, index):
        return [(None, expr)]
    if isinstance(expr, sympy.KroneckerDelta):
        return [(expr, sympy.Integer(1))]
    if isinstance(expr, sympy.Add):
        return [term for arg in expr.args for term in delta_terms(arg, index)]
    if isinstance(expr, sympy.Mul):
        holding = [k for k, factor in enumerate(expr.args) if _deltas_on(factor, index)]
        if len(holding) == 1:
            others = sympy.Mul(*(f for k, f in enumerate(expr.args) if k != holding[0]))
            return [(delta, coefficient * others)
                    for delta, coefficient in delta_terms(expr.args[holding[0]], index)]
        return [(None, expr)]
    if isinstance(expr, sympy.Piecewise):
        return _piecewise_terms(expr, index)
    return [(None, expr)]


def _piecewise_terms(expr: sympy.Piecewise, index: sympy.Symbol) -> list:
    """A piecewise whose every branch is the same delta times something (or 0)."""
    found, pieces = None, []
    for value, condition in expr.args:
        terms = [t for t in delta_terms(value, index) if t[1] != 0]
        if not terms:
            pieces.append((sympy.Integer(0), condition))
            continue
        if len(terms) != 1 or terms[0][0] is None or (found is not None and terms[0][0] != found):
            return [(None, expr)]
        found = terms[0][0]
        pieces.append((terms[0][1], condition))
    if found is None:
        return [(None, expr)]
    return [(found, piecewise(*pieces, evaluate=False))]


def solve_index(delta: sympy.KroneckerDelta, index: sympy.Symbol) -> sympy.Expr | None:
    """The value of ``index`` where ``delta`` is 1, when it appears with coefficient +1 or -1."""
    difference = sympy.expand(delta.args[0] - delta.args[1])
    slope = sympy.diff(difference, index)
    if slope not in (1, -1):
        return None
    rest = sympy.expand(difference - slope * index)
    if rest.has(index):
        return None
    return sympy.expand(-rest / slope)


def _factored_sum(term: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
                  hi: sympy.Expr) -> sympy.Expr:
    """``sum(term for index in lo..hi)`` with the factors free of ``index`` taken out."""
    factors = sympy.Mul.make_args(term)
    inside = [f for f in factors if index in f.free_symbols]
    outside = [f for f in factors if index not in f.free_symbols]
    if not inside:
        return IndexSum(term, (index, lo, hi))
    return sympy.Mul(*outside) * IndexSum(sympy.Mul(*inside), (index, lo, hi))


def sum_derivative(derivative: sympy.Expr, index: sympy.Symbol, lo: sympy.Expr,
                   hi: sympy.Expr) -> sympy.Expr:
    """``sum(derivative for index in lo..hi)``, with the deltas on ``index`` summed out."""
    if derivative == 0:
        return sympy.Integer(0)
    grouped: dict[sympy.Expr, list[sympy.Expr]] = {}
    rest: list[sympy.Expr] = []
    for delta, coefficient in delta_terms(derivative, index):
        if delta is None or _blocked(coefficient, index) or solve_index(delta, index) is None:
            rest.append(coefficient if delta is None else delta * coefficient)
        else:
            grouped.setdefault(delta, []).append(coefficient)
    out = []
    for delta, coefficients in grouped.items():
        where = solve_index(delta, index)
        assert where is not None
        value = substitute(sympy.Add(*coefficients), {index: where})
        inside = sympy.And(sympy.Le(lo, where), sympy.Le(where, hi))
        if inside == sympy.false or value == 0:
            continue
        out.append(value if inside == sympy.true else
                   piecewise((value, inside), (0, True), evaluate=False))
    out += [_factored_sum(term, index, lo, hi) for term in rest if term != 0]
    return sympy.Add(*out)
