"""The sympy vocabulary of lowered models: symbols by role, and range reductions sympy lacks."""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.printing.str import StrPrinter


def variable_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def index_symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, integer=True)


class RangeReduction(sympy.Function):
    """``min``/``max`` of ``body`` over ``index`` in ``lo..hi``: args (body, index, lo, hi)."""

    symbol = "?"
    over_range = True  # its body is taken over a range: see IndexSum

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


#: A condition whose ``if`` s make more branches than this keeps them where they are: sympy
#: folds them out to the top of the condition, in time that grows with the number of branches
#: times itself (eight ``if`` s summed and compared took 90 s).
FOLDED_BRANCHES = 64


def _branching(condition: sympy.Basic) -> int:
    """How many branches folding the ``if`` s of ``condition`` out would make, at most."""
    count = 1
    for found in condition.atoms(sympy.Piecewise):
        count *= len(found.args)
        if count > FOLDED_BRANCHES:
            break
    return count


def folds_slowly(expr: sympy.Basic) -> bool:
    """Whether a condition in ``expr`` holds ``if`` s that sympy would fold out slowly (see
    :data:`FOLDED_BRANCHES`) if it built the Piecewise again (``cse`` and ``xreplace`` do)."""
    return any(_branching(condition) > FOLDED_BRANCHES
               for found in expr.atoms(sympy.Piecewise) for _, condition in found.args
               if condition.has(sympy.Piecewise))


def folds_out_of_reduction(expr: sympy.Basic) -> bool:
    """Whether a condition in ``expr`` holds an ``if`` inside a reduction, which sympy would
    fold out of that reduction, where its index is unbound, if it built the Piecewise again
    (``cse`` and ``xreplace`` do; :func:`piecewise` does not)."""
    return any(_kept_in_place(condition)
               for found in expr.atoms(sympy.Piecewise) for _, condition in found.args
               if condition.has(sympy.Piecewise))


def _kept_in_place(expr: sympy.Basic, *, whole: bool = False) -> dict[sympy.Basic, sympy.Dummy]:
    """A stand-in for each Piecewise inside a reduction (or a range operation) in ``expr``;
    with ``whole``, for every Piecewise in it."""
    found: dict[sympy.Basic, sympy.Dummy] = {}

    def walk(node: sympy.Basic, inside: bool) -> None:
        if inside and isinstance(node, sympy.Piecewise):
            found.setdefault(node, sympy.Dummy(real=True) if whole else sympy.Dummy())
            return
        inner = inside or isinstance(node, (sympy.Sum, sympy.Product)) or \
            getattr(node, "over_range", False)
        for arg in node.args:
            walk(arg, inner)

    walk(expr, whole)
    return found


def _reduction(base: type, cls: type, function: object, limits: tuple,
               assumptions: dict) -> sympy.Expr:
    """``base.__new__`` with every Piecewise inside a nested reduction kept where it is.

    sympy folds the Piecewise in a sum's body that involve its index out to the top of the
    body, through any reduction they sit in, as though that reduction bound no index: from
    ``sum(x[i] * min(if L >= j then u[j] + i else 9 for j in 1..3) for i in 1..2)`` the
    condition ``L >= j`` came out of the ``min``, with ``j`` unbound (and a range operation's
    body lost its branches, which made derivatives wrong). They are hidden from the folding,
    and put back in the new node's body (as sympy itself builds the node), with no Piecewise
    built again: one whose condition holds such a reduction would fold them out once more.
    """
    body = function if isinstance(function, sympy.Basic) else \
        sympy.Integer(function) if isinstance(function, int) else sympy.Float(function)
    hidden = _kept_in_place(body)
    new: Any = base.__new__
    obj = new(cls, body.xreplace(hidden) if hidden else body, *limits, **assumptions)
    if hidden and isinstance(obj, (sympy.Sum, sympy.Product)):
        back = {dummy: piece for piece, dummy in hidden.items()}
        obj._args = (_put_back(obj._args[0], back), *obj._args[1:])
    return obj  # type: ignore[no-any-return]


class IndexSum(sympy.Sum):
    """sympy's Sum, but a Piecewise inside a reduction in its body stays in that reduction."""

    def __new__(cls, function: object, *limits: object, **assumptions: object) -> sympy.Expr:
        return _reduction(sympy.Sum, cls, function, limits, assumptions)


class IndexProduct(sympy.Product):
    """sympy's Product, but a Piecewise inside a reduction in its body stays in that
    reduction."""

    def __new__(cls, function: object, *limits: object, **assumptions: object) -> sympy.Expr:
        return _reduction(sympy.Product, cls, function, limits, assumptions)


# sympy orders the factors of a product and the terms of a sum by their classes' names
# (Basic.compare): named as sympy's own, these keep the order, and so the generated code and its
# rounding, that the same model had before they existed.
IndexSum.__name__ = IndexSum.__qualname__ = "Sum"
IndexProduct.__name__ = IndexProduct.__qualname__ = "Product"

class Defined(sympy.logic.boolalg.BooleanFunction):
    """``value`` is not NaN: a let's or an extern's value, which sympy takes for a real number.
    Printed as ``value == value``; sympy would fold that to true."""

    nargs = 1

    @classmethod
    def eval(cls, value: sympy.Basic) -> sympy.Basic | None:
        if value is sympy.nan:
            return sympy.false
        if value.is_number:
            return sympy.true
        return None


class Negation(sympy.Not):
    """``not C`` kept as written where sympy would turn it into the opposite comparison:
    ``not (a < b)`` is true where a side is NaN, ``a >= b`` is not (numpy compares NaN false
    both ways). Printed as numpy's logical_not; ``not not C`` is ``C``."""

    @classmethod
    def eval(cls, arg: sympy.Basic) -> sympy.Basic | None:
        if arg in (sympy.true, sympy.false):
            return sympy.false if arg else sympy.true
        if isinstance(arg, sympy.Not):
            return arg.args[0]  # type: ignore[no-any-return]
        return None


_ORDER = (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)


def negation(condition: sympy.Basic) -> sympy.Basic:
    """``not condition`` as numpy computes it: an order comparison's is kept (see
    :class:`Negation`); ``not (a == b)`` is ``a != b`` and the reverse, which NaN does not
    change."""
    if isinstance(condition, _ORDER):
        return Negation(condition)
    return sympy.Not(condition)


_AS_WRITTEN = {"Max": "max", "Min": "min", "Abs": "abs", "ceiling": "ceil", "**": "^"}
_SYMPY_WORDS = re.compile(r"\b(Max|Min|Abs|ceiling)\b|\*\*")


class _WrittenPrinter(StrPrinter):
    """sympy's text, but an ``if`` as the model writes it."""

    def _print_Not(self, expr: sympy.Not) -> str:
        return f"not ({self._print(expr.args[0])})"

    def _print_Equality(self, expr: sympy.Eq) -> str:
        return f"{self._print(expr.lhs)} == {self._print(expr.rhs)}"

    def _print_Unequality(self, expr: sympy.Ne) -> str:
        return f"{self._print(expr.lhs)} != {self._print(expr.rhs)}"

    def _print_And(self, expr: sympy.And) -> str:
        return " and ".join(f"({self._print(part)})" for part in expr.args)

    def _print_Or(self, expr: sympy.Or) -> str:
        return " or ".join(f"({self._print(part)})" for part in expr.args)

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        *pieces, (last, _) = expr.args
        text = self._print(last)
        for value, condition in reversed(pieces):
            text = f"if {self._print(condition)} then {self._print(value)} else {text}"
        return f"({text})"


def as_written(expr: sympy.Basic) -> str:
    """An expression in the model language's words (max, abs, ceil, ^, if), not sympy's."""
    text = _WrittenPrinter().doprint(expr)
    return _SYMPY_WORDS.sub(lambda match: _AS_WRITTEN[match.group(0)], text)


def if_then_else(then: sympy.Expr, condition: sympy.Basic, otherwise: sympy.Expr) -> sympy.Expr:
    """``Piecewise((then, condition), (otherwise, True))``. sympy's evaluation of it decides the
    condition's comparisons, which for a condition holding another ``if`` or a reduction can
    fail or run for minutes (it expands them, level by level): such a one is built without
    that step, as is one sympy fails to evaluate. The pieces are still made canonical, which
    rewrites an ``if`` inside a condition (not one inside a reduction: see :func:`piecewise`);
    that step can still fail (the caller reports it). A comparison of two constants sympy
    cannot order once made it divide by zero without end; lowering folds such constants."""
    pieces = ((then, condition), (otherwise, True))
    if condition.has(sympy.Piecewise, sympy.Sum, sympy.Product, RangeMin, RangeMax):
        return piecewise(*pieces, evaluate=False)
    try:
        return piecewise(*pieces)
    except (TypeError, ValueError, KeyError):
        return piecewise(*pieces, evaluate=False)


def piecewise(*pieces: tuple[sympy.Basic, sympy.Basic], evaluate: bool = True) -> sympy.Expr:
    """``sympy.Piecewise(*pieces)``, but an ``if`` inside a reduction stays in that reduction.

    sympy folds every Piecewise in a condition out to the top of the condition (even with
    ``evaluate=False``), through any reduction it sits in, as though that reduction bound no
    index: ``30 == prod(if u < j then 2 else w[j] for j in 1..3)`` became a condition on ``j``
    outside the product, which no code could compute. Those are hidden from it while it builds
    the pieces, and put back where they were without being folded again."""
    hidden: dict[sympy.Basic, sympy.Dummy] = {}
    for value, condition in pieces:
        for part in (value, condition):
            if isinstance(part, sympy.Basic):
                whole = part is condition and _branching(condition) > FOLDED_BRANCHES
                for found, dummy in _kept_in_place(part, whole=whole).items():
                    hidden.setdefault(found, dummy)
    if not hidden:
        return sympy.Piecewise(*pieces, evaluate=evaluate)
    masked = [tuple(part.xreplace(hidden) if isinstance(part, sympy.Basic) else part
                    for part in piece) for piece in pieces]
    built = sympy.Piecewise(*masked, evaluate=evaluate)
    return _put_back(built, {dummy: found for found, dummy in hidden.items()})  # type: ignore[return-value]


def _put_back(expr: sympy.Basic, back: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """``expr.xreplace(back)``, with no Piecewise built again (which would fold its conditions)."""
    if expr in back:
        return back[expr]
    if not expr.args or not expr.free_symbols & set(back):
        return expr
    args = [_put_back(arg, back) for arg in expr.args]
    if isinstance(expr, (sympy.Piecewise, ExprCondPair)):
        return sympy.Basic.__new__(type(expr), *args)
    return expr.func(*args)
