"""Where a model's functions are defined, kept through sympy's simplifications.

``sqrt(x)`` is undefined for ``x < 0`` and numpy gives NaN there, which ranks worst. sympy
simplifies as if in the complex numbers, and some simplifications remove the operation whose
NaN marked the point: ``sqrt(x)^2`` becomes ``x``, ``exp(log(x))`` becomes ``x``,
``log(x) - log(x)`` becomes ``0``. Lowering records each such operation with the condition
under which it is defined (:func:`call_domain`, :func:`power_domain`); when a scope (a
statement's expression, a reduction's body, a branch of an ``if``) is lowered, the conditions
of the operations no longer in its expression guard it: ``Piecewise((x, x >= 0), (nan, True))``
(:func:`guarded`). An operation still there gives its own NaN, so the usual model's code is
unchanged. A division that cancels (``x*y/x``) is left as sympy makes it: it differs only at
the single point where the divisor is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy

from mooc.dsl.conditions import comparison
from mooc.dsl.symbols import Defined, piecewise

_ZERO, _ONE = sympy.Integer(0), sympy.Integer(1)


@dataclass(frozen=True)
class Domain:
    """An operation as sympy built it (its atoms, e.g. ``sqrt(x)``) and where it is defined."""

    atoms: frozenset[sympy.Basic]
    condition: sympy.Basic


_OPERATIONS = (sympy.Pow, sympy.log, sympy.asin, sympy.acos)


def _record(result: sympy.Basic, condition: sympy.Basic, *operands: sympy.Basic) -> Domain | None:
    """The domain of an operation on ``operands``: its atoms are those ``result`` has and its
    operands have not (``pi/x`` inside ``sqrt(pi/x - y)`` is not the root: an expression
    that still divides by ``x`` may have lost the root)."""
    if condition == sympy.true or not result.free_symbols:
        return None  # defined everywhere, or a constant (folded to nan where undefined)
    inner = set().union(*(operand.atoms(*_OPERATIONS) for operand in operands))
    atoms = frozenset(atom for atom in result.atoms(*_OPERATIONS)
                      if atom.free_symbols and atom not in inner)
    return Domain(atoms, condition)


def call_domain(function: str, arg: sympy.Expr, result: sympy.Basic) -> Domain | None:
    """The domain of ``function(arg)`` (built as ``result``), or None where it is defined for
    every real ``arg`` (or where sympy cannot state it: an ``arg`` holding a NaN is NaN)."""
    try:
        if function == "sqrt":
            return _record(result, comparison(">=", arg, _ZERO), arg)
        if function in ("log", "log10"):
            return _record(result, comparison(">", arg, _ZERO), arg)
        if function in ("asin", "acos"):
            return _record(result, sympy.And(comparison(">=", arg, -_ONE),
                                             comparison("<=", arg, _ONE)), arg)
    except (TypeError, ValueError):  # sympy refuses to compare a NaN
        return None
    return None


def power_domain(base: sympy.Expr, exponent: sympy.Expr, result: sympy.Basic) -> Domain | None:
    """The domain of ``base ^ exponent`` (built as ``result``): a negative base needs a whole
    exponent."""
    if exponent.is_integer or not base.free_symbols and not exponent.free_symbols:
        return None
    try:
        if exponent.is_number:
            return _record(result, comparison(">=", base, _ZERO), base, exponent)
        return _record(result, sympy.Or(comparison(">=", base, _ZERO),
                                        comparison("==", exponent, sympy.floor(exponent))),
                       base, exponent)
    except (TypeError, ValueError):  # sympy refuses to compare a NaN
        return None


def _split(expr: sympy.Basic, domains: Iterable[Domain]) -> tuple[list[sympy.Basic], list[Domain]]:
    """The conditions of the domains whose operations ``expr`` no longer holds, and the domains
    of those it still holds."""
    missing, kept = [], []
    for domain in domains:
        if any(expr.has(atom) for atom in domain.atoms):
            kept.append(domain)
        else:
            missing.append(domain.condition)
    return missing, kept


def guarded(value: sympy.Expr, domains: Iterable[Domain]) -> tuple[sympy.Expr, list[Domain]]:
    """``value`` guarded by the conditions of the operations sympy simplified away, and the
    domains of the operations still in it (for the enclosing scope: an outer expression may
    still cancel them)."""
    missing, kept = _split(value, domains)
    try:
        condition = sympy.And(*missing)
        if condition == sympy.true:
            return value, kept
        return piecewise((value, condition), (sympy.nan, True)), kept
    except (TypeError, ValueError):  # a condition holding a NaN, which sympy cannot fold
        return value, kept


def compared(relation: sympy.Basic, domains: Iterable[Domain], *,
             unequal: bool = False) -> sympy.Basic:
    """A comparison false where an operation sympy simplified away in it is undefined (true for
    ``!=``), as numpy's comparisons with NaN are."""
    missing, _ = _split(relation, domains)
    if not missing:
        return relation
    try:
        defined = sympy.And(*missing)
        return sympy.Or(relation, sympy.Not(defined)) if unequal else sympy.And(relation, defined)
    except (TypeError, ValueError):  # a condition holding a NaN, which sympy cannot fold
        return relation


def passed_out(domains: Iterable[Domain], *, bound: Iterable[sympy.Symbol] = (),
               branch: sympy.Basic | None = None) -> list[Domain]:
    """The domains of an inner scope as its enclosing scope sees them: those that do not use
    an index the scope binds (a reduction's), each needed only where ``branch`` holds (an
    ``if``'s branch)."""
    bound = set(bound)
    out = []
    for domain in domains:
        if domain.condition.free_symbols & bound:
            continue
        condition = domain.condition if branch is None else \
            sympy.Or(sympy.Not(branch), domain.condition)
        out.append(Domain(domain.atoms, condition))
    return out



_MAY_BE_NAN = (sympy.Pow, sympy.log, sympy.asin, sympy.acos, sympy.Piecewise)


def _defined_at(atom: sympy.Basic) -> sympy.Basic:
    """Where ``atom`` (a power, log, asin, acos or piecewise value, or a let's or an extern's
    value) is not NaN."""
    if isinstance(atom, (sympy.Symbol, sympy.Indexed)):
        return Defined(atom)
    if isinstance(atom, sympy.Pow):
        base, exponent = atom.args
        if exponent.is_integer or not base.free_symbols and not exponent.free_symbols:
            return sympy.true
        if exponent.is_number:
            return comparison(">=", base, _ZERO)
        return sympy.Or(comparison(">=", base, _ZERO),
                        comparison("==", exponent, sympy.floor(exponent)))
    if isinstance(atom, sympy.log):  # log(0) is -inf, which compares
        return comparison(">=", atom.args[0], _ZERO)
    if isinstance(atom, (sympy.asin, sympy.acos)):
        return sympy.And(comparison(">=", atom.args[0], -_ONE),
                         comparison("<=", atom.args[0], _ONE))
    reached: list[sympy.Basic] = []  # a piecewise: a branch that is not NaN is taken
    defined: list[sympy.Basic] = []
    for value, condition in atom.args:
        if value is not sympy.nan:
            defined.append(sympy.And(condition, *[sympy.Not(c) for c in reached]))
        reached.append(condition)
    return sympy.Or(*defined)


def _may_be_nan(expr: sympy.Basic, named: frozenset[str]) -> set[sympy.Basic]:
    """The parts of ``expr`` that may be NaN: operations undefined somewhere, and the values
    ``named`` (lets, which may hold such operations, and extern results)."""
    found = {atom for atom in expr.atoms(*_MAY_BE_NAN) if atom.free_symbols}
    if named:
        found.update(atom for atom in expr.atoms(sympy.Symbol)  # an extern's 'sim.f' too
                     if atom.name.partition(".")[0] in named)
        found.update(atom for atom in expr.atoms(sympy.Indexed) if atom.base.name in named)
    return found


def _false_where_nan(relation: sympy.Basic, named: frozenset[str]) -> sympy.Basic:
    """A comparison made false (``!=``: true) where a value in it is NaN, explicitly."""
    if not isinstance(relation, sympy.core.relational.Relational):
        return relation  # a condition of conditions keeps its own comparisons
    defined = sympy.And(*[_defined_at(atom) for atom in _may_be_nan(relation, named)])
    if isinstance(relation, sympy.Ne):
        return sympy.Or(relation, sympy.Not(defined))
    return sympy.And(relation, defined)


def joined(logic: type[sympy.And] | type[sympy.Or], operands: list[sympy.Basic], *,
           named: Callable[[], frozenset[str]] = frozenset) -> sympy.Basic:
    """``logic(*operands)``; where sympy folded away a comparison with a value that may be NaN
    (``sqrt(x) < 1 or sqrt(x) >= 1`` is True to sympy, false in numpy at x < 0), each comparison
    is first made false where its values are NaN, so the fold keeps that. ``named()``: the
    names of lets and extern results, whose values may be NaN (asked only after a fold)."""
    result = logic(*operands)
    before = set().union(*(operand.free_symbols for operand in operands))
    if before <= result.free_symbols and \
            set().union(*(_may_be_nan(operand, frozenset()) for operand in operands)) <= \
            _may_be_nan(result, frozenset()):
        return result  # nothing folded away
    names = named()
    try:
        return logic(*(_false_where_nan(operand, names) for operand in operands))
    except (TypeError, ValueError):  # a condition holding a NaN, which sympy cannot fold
        return result
