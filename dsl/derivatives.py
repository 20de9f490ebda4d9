"""Stage 4b: exact derivatives of a lowered model, as sympy expressions.

The derivative of a statement (a let, objective or constraint) with respect to a variable block
``x`` is taken with respect to a generic element ``x[j1, ..., jd]``: one expression in the
index symbols ``j`` that code generation prints over all of the block's elements at once, as it
prints an indexed family. Reductions stay vectorized (see :mod:`mooc.dsl.derivative_sums`).

Lets and objectives used by later statements are chained through: the derivative of a scalar
one is stored once per block (a family over ``j``) and referred to by the symbol
:func:`derivative_name`; an indexed family's derivative is expanded where it is used (storing
it would take family size times block size values per point).

:func:`smoothness` says, per statement, where its derivative does not exist or is not used:
abs, min and max, floor and ceil, an ``if`` on variables, externs, and integer, binary or
choice variables (the search varies those; the gradient steps leave them alone).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import sympy

from mooc.dsl.constants import SPREAD_EXPONENT
from mooc.dsl.derivative_sums import (
    FirstArgMax,
    FirstArgMin,
    ProductExcept,
    rename_bound,
    substitute,
    sum_derivative,
)
from mooc.dsl.lowered import ConstraintForm, Definition, ExternCall, LoweredModel, ParamValue, VarBlock
from mooc.dsl.symbols import IndexSum, RangeMax, RangeMin, as_written, piecewise

#: Most expression nodes differentiated for one model before derivatives are given up on
#: (a model of thousands of separately written terms and variables); such a model is still
#: solved, without gradient steps.
WORK_LIMIT = 400_000


#: Most seconds spent differentiating one model (a guard: models of the corpus take well
#: under one).
TIME_LIMIT = 10.0


class DerivativesUnavailable(Exception):
    """Derivatives of this model are not generated; the message says why."""


def derivative_name(statement: str, block: str) -> str:
    """The name the derivative of a stored statement with respect to a block goes by (no
    model's name has a Greek letter, and this one is still a Python identifier)."""
    return f"δ{statement}δ{block}"


def wrt_indices(block: VarBlock) -> tuple[sympy.Symbol, ...]:
    """The generic element's index symbols, one per dimension of ``block``."""
    return tuple(sympy.Symbol(f"ξ{k}", integer=True) for k in range(1, len(block.shape) + 1))


@functools.lru_cache(maxsize=65536)
def names_in(expr: sympy.Basic) -> frozenset[str]:
    """Names of the symbols and indexed bases ``expr`` refers to (each subexpression's names
    are found once and remembered)."""
    if isinstance(expr, sympy.Symbol):
        return frozenset((expr.name,))
    if isinstance(expr, sympy.Indexed):
        return frozenset((str(expr.base.label),)).union(*(names_in(i) for i in expr.indices))
    if not expr.args:
        return frozenset()
    return frozenset().union(*(names_in(arg) for arg in expr.args))


def dependencies(model: LoweredModel) -> dict[str, frozenset[str]]:
    """For each let, objective and extern member: the variable blocks its value depends on."""
    blocks = {block.name for block in model.variables}
    deps: dict[str, frozenset[str]] = {}

    def of(names: frozenset[str] | set[str]) -> frozenset[str]:
        found = set(names & blocks)
        for name in names & set(deps):
            found |= deps[name]
        return frozenset(found)

    for step in model.steps:
        if isinstance(step, Definition):
            deps[step.name] = of(names_in(step.expr))
        elif isinstance(step, ExternCall):
            given = of({name for name, _ in step.arguments})
            for value in step.spec.returns:
                deps[f"{step.name}.{value}"] = given
    return deps


@dataclass
class Differentiator:
    """Differentiates the expressions of one model with respect to one variable block."""

    model: LoweredModel
    block: VarBlock
    deps: dict[str, frozenset[str]]
    #: names of the scalar statements whose derivative with respect to the block is stored
    stored: set[str] = field(default_factory=set)
    budget: list[int] = field(default_factory=lambda: [WORK_LIMIT])
    #: the time (time.perf_counter) by which differentiation must be done
    deadline: float = field(default_factory=lambda: time.perf_counter() + TIME_LIMIT)

    def __post_init__(self) -> None:
        self.j = wrt_indices(self.block)
        self.blocks = {b.name: b for b in self.model.variables}
        self.definitions = {s.name: s for s in self.model.steps if isinstance(s, Definition)}
        self.relevant = frozenset({self.block.name} |
                                  {n for n, d in self.deps.items() if self.block.name in d})
        self.memo: dict[sympy.Basic, sympy.Expr] = {}
        self.family_memo: dict[str, sympy.Expr] = {}

    def d(self, expr: sympy.Basic) -> sympy.Expr:
        """The derivative of ``expr`` with respect to the block's generic element."""
        if expr in self.memo:
            return self.memo[expr]
        self.budget[0] -= 1
        if self.budget[0] < 0 or time.perf_counter() > self.deadline:
            raise DerivativesUnavailable("the model is too large for symbolic derivatives")
        if expr is sympy.nan:  # an undefined value has no slope either (see domains.py)
            result: sympy.Expr = sympy.nan
        elif not (names_in(expr) & self.relevant):
            result = sympy.Integer(0)
        else:
            result = self._rule(expr)
        self.memo[expr] = result
        return result

    def _rule(self, expr: sympy.Basic) -> sympy.Expr:
        if isinstance(expr, sympy.Symbol):
            return self.symbol(expr)
        if isinstance(expr, sympy.Indexed):
            return self.indexed(expr)
        if isinstance(expr, sympy.Add):
            return sympy.Add(*(self.d(arg) for arg in expr.args))
        if isinstance(expr, sympy.Mul):
            return self.product_rule(expr.args)
        if isinstance(expr, sympy.Pow):
            return self.power(*expr.args)
        if isinstance(expr, sympy.Piecewise):
            return self.piecewise(expr)
        if isinstance(expr, (sympy.Sum, sympy.Product)):
            return self.reduction(expr)
        if isinstance(expr, (RangeMin, RangeMax)):
            return self.range_extreme(expr)
        if isinstance(expr, (sympy.Min, sympy.Max)):
            return self.extreme(expr)
        if isinstance(expr, sympy.re):  # sympy's words for parts of a value it cannot tell is
            return self.d(expr.args[0])  # real (abs(exp(x[1])) is exp(re(x[1]))): every value
        if isinstance(expr, sympy.im):  # of a model is real
            return sympy.Integer(0)
        if isinstance(expr, (sympy.floor, sympy.ceiling)):
            return sympy.Integer(0)  # a step function: 0 where it is differentiable
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            inner = self.d(expr.args[0])
            return sympy.Integer(0) if inner == 0 else expr.fdiff(1) * inner
        raise DerivativesUnavailable(f"no derivative rule for {type(expr).__name__}")

    # leaves ------------------------------------------------------------------------------
    def symbol(self, expr: sympy.Symbol) -> sympy.Expr:
        name = expr.name
        if name == self.block.name:
            return sympy.Integer(1)
        if name in self.stored:
            stored = derivative_name(name, self.block.name)
            if not self.j:
                return sympy.Symbol(stored, real=True)
            return sympy.IndexedBase(stored)[self.j]
        if "." in name:  # an extern's value: a black box
            return sympy.nan
        return sympy.Integer(0)

    def indexed(self, expr: sympy.Indexed) -> sympy.Expr:
        name = str(expr.base.label)
        if name == self.block.name:
            return sympy.Mul(*(sympy.KroneckerDelta(i, j) for i, j in zip(expr.indices, self.j,
                                                                       strict=True)))
        step = self.definitions.get(name)
        if step is None or step.family is None:
            return sympy.Integer(0)  # a param, a table or another block
        return substitute(self.family_derivative(step),
                          dict(zip(step.family.indices, expr.indices, strict=True)))

    def family_derivative(self, step: Definition) -> sympy.Expr:
        """The derivative of an indexed let or objective in terms of its family's indices,
        with the indices its reductions bind renamed (so substituting cannot capture)."""
        if step.name not in self.family_memo:
            self.family_memo[step.name] = rename_bound(self.d(step.expr))
        return self.family_memo[step.name]

    # arithmetic ---------------------------------------------------------------------------
    def product_rule(self, factors: tuple[sympy.Basic, ...]) -> sympy.Expr:
        terms = []
        for k, factor in enumerate(factors):
            inner = self.d(factor)
            if inner != 0:
                terms.append(sympy.Mul(inner, *factors[:k], *factors[k + 1:]))
        return sympy.Add(*terms)

    def power(self, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        d_base, d_exponent = self.d(base), self.d(exponent)
        if d_exponent == 0:
            if d_base == 0:
                return sympy.Integer(0)
            if exponent.is_number and abs(float(exponent)) > SPREAD_EXPONENT:
                # kept as written, as lowering keeps a large power: a product would spread
                # (x/2)^n into x^n / 2^n and compute 2^n exactly
                lower = sympy.UnevaluatedExpr(sympy.Pow(base, exponent - 1, evaluate=False))
                return exponent * lower * d_base
            return exponent * sympy.Pow(base, exponent - 1) * d_base
        power = sympy.Pow(base, exponent)
        if d_base == 0:
            return power * sympy.log(base) * d_exponent
        return power * (d_exponent * sympy.log(base) + exponent * d_base / base)

    def piecewise(self, expr: sympy.Piecewise) -> sympy.Expr:
        pieces = [(self.d(value), condition) for value, condition in expr.args]
        if all(value == 0 for value, _ in pieces):
            return sympy.Integer(0)
        return piecewise(*pieces, evaluate=False)

    def extreme(self, expr: sympy.Min | sympy.Max) -> sympy.Expr:
        """min/max of several arguments: the derivative of the first one that attains it,
        halving the list so the conditions stay short."""
        args = expr.args
        if len(args) == 1:
            return self.d(args[0])
        half = len(args) // 2
        kind = type(expr)
        first = kind(*args[:half], evaluate=False) if half > 1 else args[0]
        second = kind(*args[half:], evaluate=False) if len(args) - half > 1 else args[half]
        d_first, d_second = self.d(first), self.d(second)
        if d_first == 0 and d_second == 0:
            return sympy.Integer(0)
        chosen = sympy.Le(first, second) if kind is sympy.Min else sympy.Ge(first, second)
        return piecewise((d_first, chosen), (d_second, True), evaluate=False)

    # reductions ---------------------------------------------------------------------------
    def reduction(self, expr: sympy.Sum | sympy.Product) -> sympy.Expr:
        body, limits = expr.args[0], expr.args[1:]
        index, lo, hi = limits[-1]  # the outermost (sympy merges nested sums into one)
        if len(limits) > 1:
            body = type(expr)(body, *limits[:-1])
        d_body = self.d(body)
        if d_body == 0:
            return sympy.Integer(0)
        if isinstance(expr, sympy.Product):
            return IndexSum(d_body * ProductExcept(body, index, lo, hi), (index, lo, hi))
        return sum_derivative(d_body, index, lo, hi)

    def range_extreme(self, expr: RangeMin | RangeMax) -> sympy.Expr:
        body, index, lo, hi = expr.args
        d_body = self.d(body)
        if d_body == 0:
            return sympy.Integer(0)
        pick = FirstArgMin if isinstance(expr, RangeMin) else FirstArgMax
        return IndexSum(d_body * pick(body, index, lo, hi), (index, lo, hi))


# smoothness ---------------------------------------------------------------------------------
_SHOWN = 50


def _shown(expr: sympy.Basic) -> str:
    """An expression as the model would write it (max, abs, ^), shortened when long."""
    text = as_written(expr)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


def _kinks(expr: sympy.Basic, variables: set[str]) -> list[str]:
    """Where the value of ``expr`` has a kink or a jump in the variables: its abs, floor, ceil,
    min and max of them, and the conditions of its ``if`` s on them (not what is inside a
    condition: that says only where the ``if`` switches)."""
    if not names_in(expr) & variables:
        return []
    if isinstance(expr, sympy.Piecewise):
        conditions = [] if _domain_guard(expr) else \
            [c for _, c in expr.args if names_in(c) & variables]
        found = [f"'if {_shown(c)}' where it switches" for c in conditions]
        return found + [note for value, _ in expr.args for note in _kinks(value, variables)]
    found = []
    if isinstance(expr, sympy.Abs):
        found.append(f"abs({_shown(expr.args[0])}) where its argument is 0")
    elif isinstance(expr, (sympy.floor, sympy.ceiling)):
        found.append(f"{_shown(expr)} jumps (its derivative is 0 elsewhere)")
    elif isinstance(expr, (sympy.Min, sympy.Max, RangeMin, RangeMax)):
        found.append(f"{_shown(expr)} where the least or greatest changes")
    return found + [note for arg in expr.args for note in _kinks(arg, variables)]


def _domain_guard(expr: sympy.Piecewise) -> bool:
    """Whether ``expr`` is a value made NaN where it is undefined (see domains.py): no switch
    between two values, and its derivative is NaN there too."""
    return all(value is sympy.nan for value, _ in expr.args[1:])


def _notes_of(expr: sympy.Basic, model: LoweredModel, inherited: dict[str, list[str]],
              variables: set[str]) -> list[str]:
    notes = _kinks(expr, variables)
    blocks = {b.name: b for b in model.variables}
    for name in sorted(names_in(expr)):
        if "." in name:
            notes.append(f"extern '{name.split('.')[0]}': no derivatives (a black box)")
        elif name in blocks and blocks[name].kind in ("int", "bin", "choice"):
            kind = {"int": "integer", "bin": "binary", "choice": "choice"}[blocks[name].kind]
            notes.append(f"{kind} variable '{name}': varied by the search, not by gradients")
        elif name in inherited:
            notes += inherited[name]
        elif isinstance(model.params.get(name), ParamValue) and model.params[name].label_of:
            label_of = model.params[name].label_of
            notes.append(f"choice variable '{label_of}': varied by the search, not by gradients")
    return list(dict.fromkeys(notes))


def smoothness(model: LoweredModel) -> dict[str, list[str]]:
    """For each let, objective and constraint: where its derivative does not exist or is not
    used (empty: exact everywhere on the continuous variables)."""
    blocks = {b.name for b in model.variables}
    variables = blocks | {name for name, found in dependencies(model).items() if found}
    notes: dict[str, list[str]] = {}
    for step in model.steps:
        if isinstance(step, Definition):
            notes[step.name] = _notes_of(step.expr, model, notes, variables)
        elif isinstance(step, ConstraintForm):
            both = sympy.Tuple(step.lhs, step.rhs)
            notes[step.name] = _notes_of(both, model, notes, variables)
    return notes
