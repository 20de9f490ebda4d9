"""Stage 3, expressions: AST expressions -> sympy, with static values folded.

sympy expressions are built with sympy's constructors from AST nodes; user text is never
handed to sympify, parse_expr or eval. :class:`ExpressionLowering` is the half of the
:class:`~mooc.dsl.lower.Lowerer` that lowers expressions; the statements are in
:mod:`mooc.dsl.lower`.
"""

from __future__ import annotations

import re

import numpy as np
import sympy

from mooc.dsl import ast
from mooc.dsl.check import Checker
from mooc.dsl.conditions import COMPARE, comparison
from mooc.dsl.constants import as_float, divides_by_zero, number, power, real_constant
from mooc.dsl.domains import (
    Domain,
    call_domain,
    compared,
    guarded,
    joined,
    passed_out,
    power_domain,
)
from mooc.dsl.lower_static import StaticValues
from mooc.dsl.lowered import LoweredModel, ParamValue, VarBlock
from mooc.dsl.names import MAX_RANGE, did_you_mean
from mooc.dsl.static_fold import FoldError, fold_reductions
from mooc.dsl.symbols import (
    IndexProduct,
    IndexSum,
    RangeMax,
    RangeMin,
    if_then_else,
    index_symbol,
    negation,
    variable_symbol,
)
from mooc.errors import ModelCheckError, ModelLimitError

_UNARY = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "log10": lambda a: sympy.log(a, 10),
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "asin": sympy.asin,
    "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "abs": sympy.Abs, "floor": sympy.floor, "ceil": sympy.ceiling,
}


def _extent(meaning: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if isinstance(meaning, ParamValue):
        assert isinstance(meaning.value, np.ndarray)
        return meaning.starts, meaning.value.shape
    if isinstance(meaning, VarBlock):
        return meaning.starts, meaning.shape
    assert isinstance(meaning, tuple)
    family = meaning[1]
    return family.starts, family.shape



def _conjuncts(condition: sympy.Basic) -> frozenset[sympy.Basic]:
    """The parts of ``condition`` joined by ``and``, in a canonical form (``i <= n`` and
    ``n >= i`` are the same)."""
    parts = condition.args if isinstance(condition, sympy.And) else (condition,)
    return frozenset(getattr(part, "canonical", part) for part in parts)


def span_text(span: ast.Span) -> str:
    """The source text of a span on one line (else of its first line from the span on)."""
    line = span.source.line(span.line)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    return line[span.column - 1:end - 1]


class ExpressionLowering(StaticValues):
    """Lowers expressions, given what each name means (the statements fill ``meaning``).

    ``guard`` holds the conditions known to hold where an expression is lowered (the ``if``
    conditions around it, the ``and`` operands before it); a conditional variable (``when``)
    may be used only where its condition is among them.
    """

    checker: Checker
    meaning: dict[str, object]
    out: LoweredModel
    sets: dict[str, tuple[str, ...]]
    guard: frozenset[sympy.Basic]
    #: the operations of the scope being lowered that are undefined somewhere (see ``scoped``)
    domains: list[Domain]
    #: elements at constant indices, ``x[3]``, by name and indices
    elements: dict[tuple[str, tuple[int, ...]], sympy.Expr]

    # domains: see mooc.dsl.domains ---------------------------------------------------------
    def note(self, domain: Domain | None) -> None:
        if domain is not None:
            self.domains.append(domain)

    def scoped(self, node: ast.Expr, env: dict, *, bound: list[sympy.Symbol] | None = None,
               branch: sympy.Basic | None = None) -> sympy.Expr:
        """``node`` lowered as a scope of its own: guarded where sympy simplified away an
        operation that is undefined somewhere; the others are passed to the enclosing scope
        (that of a statement when ``bound`` and ``branch`` are None)."""
        outer, self.domains = self.domains, []
        try:
            value, kept = guarded(self.expr(node, env), self.domains)
        finally:
            self.domains = outer
        if bound is not None or branch is not None:
            self.domains.extend(passed_out(kept, bound=bound or (), branch=branch))
        return value

    def expr(self, node: ast.Expr, env: dict) -> sympy.Expr:
        return real_constant(getattr(self, "expr_" + type(node).__name__)(node, env))  # type: ignore[return-value]

    def expr_Number(self, node: ast.Number, env: dict) -> sympy.Expr:
        return number(node.value)

    def expr_Name(self, node: ast.Name, env: dict) -> sympy.Expr:
        if node.name in env:
            return env[node.name]  # type: ignore[no-any-return]
        if node.name == "pi":
            return sympy.pi
        if node.name == "e":
            return sympy.E
        meaning = self.meaning[node.name]
        if isinstance(meaning, ParamValue):
            return number(float(meaning.value))  # type: ignore[arg-type]
        if isinstance(meaning, sympy.Basic):
            return meaning  # type: ignore[return-value]
        if isinstance(meaning, VarBlock):
            self.check_guarded(node, meaning, ())
        return variable_symbol(node.name)

    def expr_Index(self, node: ast.Index, env: dict) -> sympy.Expr:
        meaning = self.meaning[node.name]
        if isinstance(meaning, ParamValue) and meaning.label_of:
            return self.table_lookup(node, meaning, env)
        sets = self.checker.scope[node.name].dim_sets or ("",) * len(node.indices)
        indices = [self.index(index, env, set_name, node)
                   for index, set_name in zip(node.indices, sets, strict=True)]
        if isinstance(meaning, VarBlock):
            self.check_guarded(node, meaning, tuple(indices))
        if all(index.is_number for index in indices):
            return self.constant_index(node, meaning, indices)
        base = sympy.IndexedBase(node.name)
        element = base[tuple(indices)]
        self.out.sites.setdefault(element, node.span)
        return element

    def index(self, node: ast.Expr, env: dict, set_name: str, of: ast.Index) -> sympy.Expr:
        """An index of ``of``; where the dimension is a named set, a bare name that is no index
        in scope, or a whole number, is one of its labels, standing for its position (from 1)."""
        if isinstance(node, ast.Number) and set_name:  # a label written as a whole number
            label = node.text
        elif isinstance(node, ast.Label):
            label = node.text
        elif not set_name or not isinstance(node, ast.Name) or node.name in env:
            return self.expr(node, env)
        else:
            label = node.name
        labels = self.sets[set_name]
        if label not in labels and isinstance(node, ast.Number) and \
                not any(known.isdigit() for known in labels):
            where = f"index {of.indices.index(node) + 1} of '{of.name}'" \
                if len(of.indices) > 1 else f"the index of '{of.name}'"
            raise ModelCheckError(f"{where} is an element of the set '{set_name}': write one of "
                                  f"its labels, or an index that runs over it "
                                  f"('for p in {set_name}')", node.span)
        if label not in labels:
            raise ModelCheckError(f"'{label}' is not a label of the set '{set_name}'"
                                  f"{did_you_mean(label, labels)}", node.span)
        return sympy.Integer(labels.index(label) + 1)

    def check_guarded(self, node: ast.Name | ast.Index, block: VarBlock,
                      indices: tuple[sympy.Expr, ...]) -> None:
        """A conditional variable may be used only under its own condition (see the class)."""
        if block.condition is None:
            return
        required = block.condition.xreplace(dict(zip(block.condition_indices, indices,
                                                      strict=True)))
        try:  # a param at the use's constant indices is its value: 'c[p] > 0' is 'c[a] > 0'
            required = fold_reductions(required, self.out.params)
        except FoldError:
            pass  # what cannot be folded is compared as it is
        if required == sympy.true or _conjuncts(required) <= self.guard:
            return
        declaration = self.checker.scope[block.name]
        written = _declared_condition(declaration.span)
        shown = written
        if isinstance(node, ast.Index) and block.condition_indices:  # in this use's indices
            texts = {symbol.name: span_text(index.span)
                     for symbol, index in zip(block.condition_indices, node.indices, strict=True)}
            pattern = r"\b(" + "|".join(re.escape(name) for name in texts) + r")\b"
            shown = re.sub(pattern, lambda match: texts[match.group(1)], written)
        use = span_text(node.span)
        raise ModelCheckError(
            f"{use} is used where it may not exist: '{block.name}' is declared with 'when "
            f"{written}' (line {declaration.span.line}); use it only under that condition: in "
            f"'if {shown} then ... else ...', or after '{shown} and' in a condition", node.span)

    def constant_index(self, node: ast.Index, meaning: object, indices: list) -> sympy.Expr:
        values = []
        for index, where in zip(indices, node.indices, strict=True):
            value = as_float(index)
            if value is None or not value.is_integer():
                raise ModelCheckError("an index must be a whole number", where.span)
            values.append(int(value))
        starts, shape = _extent(meaning)
        for position, (value, start, size) in enumerate(zip(values, starts, shape, strict=True)):
            if not start <= value < start + size:
                raise ModelCheckError(
                    f"index {value} is outside the range {start}..{start + size - 1} of "
                    f"'{node.name}'", node.indices[position].span)
        if isinstance(meaning, ParamValue):
            assert isinstance(meaning.value, np.ndarray)
            return number(float(meaning.value[tuple(v - s for v, s in zip(values, starts,
                                                                            strict=True))]))
        key = (node.name, tuple(values))
        if key not in self.elements:  # one object per element: building it is most of the cost
            self.elements[key] = sympy.IndexedBase(node.name)[tuple(sympy.Integer(v)
                                                                    for v in values)]
        return self.elements[key]

    def table_lookup(self, node: ast.Index, table: ParamValue, env: dict) -> sympy.Expr:
        index = node.indices[0]
        assert isinstance(index, (ast.Name, ast.Label))
        labels = self.checker.scope[table.label_of].labels
        label = index.text if isinstance(index, ast.Label) else index.name
        if label in labels:
            assert isinstance(table.value, np.ndarray)
            return number(float(table.value[labels.index(label)]))
        return sympy.IndexedBase(node.name)[variable_symbol(table.label_of)]

    def expr_Call(self, node: ast.Call, env: dict) -> sympy.Expr:
        args = [self.expr(arg, env) for arg in node.args]
        if sympy.nan in args:  # numpy's minimum and maximum propagate nan; sympy's refuse it
            return sympy.nan
        if node.function in ("min", "max"):
            # sympy compares every pair of symbolic arguments: minutes for a few hundred
            evaluate = len(args) <= 8 or all(arg.is_number for arg in args)
            function = sympy.Min if node.function == "min" else sympy.Max
            try:
                return function(*args, evaluate=evaluate)  # type: ignore[no-any-return]
            except (TypeError, ValueError):  # a constant sympy cannot order: sum(i for i in 1..2)
                try:  # its value, where it can be found; else min/max stay as written
                    args = [real_constant(fold_reductions(arg, self.out.params)) if arg.is_number
                            else arg for arg in args]
                except FoldError:
                    evaluate = False
            try:
                return function(*args, evaluate=evaluate)  # type: ignore[no-any-return]
            except (TypeError, ValueError):
                return function(*args, evaluate=False)  # type: ignore[no-any-return]
        if node.function in ("log", "log10") and args[0].is_number and args[0].is_zero:
            return -sympy.oo  # numpy's; sympy's log(0) is the unsigned infinity
        result = _UNARY[node.function](args[0])
        self.note(call_domain(node.function, args[0], result))
        return result  # type: ignore[no-any-return]

    def expr_Reduction(self, node: ast.Reduction, env: dict) -> sympy.Expr:
        return self.reduce(node, list(node.generators), dict(env))

    def reduce(self, node: ast.Reduction, generators: list[ast.Generator], env: dict) -> sympy.Expr:
        generator = generators[0]
        if generator.set_name is not None:
            lo, hi = sympy.Integer(1), sympy.Integer(len(self.sets[generator.set_name]))
        else:
            assert generator.lo is not None and generator.hi is not None
            lo = self.folded(self.expr(generator.lo, env), generator.lo.span)
            hi = self.folded(self.expr(generator.hi, env), generator.hi.span)
        for bound, where in ((lo, generator.lo), (hi, generator.hi)):
            value = as_float(bound)
            if bound.is_number and (value is None or not value.is_integer()):
                assert where is not None
                raise ModelCheckError("a range bound must be a whole number", where.span)
        if lo.is_number and hi.is_number and int(hi) - int(lo) + 1 > MAX_RANGE:
            raise ModelLimitError(f"the range {lo}..{hi} has {int(hi) - int(lo) + 1:,} elements; "
                                  f"at most {MAX_RANGE:,} are allowed", generator.span)
        index = index_symbol(generator.index)
        env[generator.index] = index
        before = len(self.domains)
        body = (self.reduce(node, generators[1:], env) if len(generators) > 1
                else self.scoped(node.body, env, bound=[index_symbol(g.index)
                                                       for g in node.generators]))
        kind = node.function
        if lo.is_number and hi.is_number and int(hi) < int(lo):
            if kind in ("min", "max"):
                raise ModelCheckError(f"{kind}() over the empty range {lo}..{hi}",
                                      generator.span)
            # 0 or 1 whatever its body, which is never computed (nor undefined anywhere);
            # sympy took 1/sum(y for l in 1..0) for not real
            del self.domains[before:]
            return sympy.Integer(0 if kind == "sum" else 1)
        if kind == "sum":
            result = IndexSum(body, (index, lo, hi))
        elif kind == "prod":
            result = IndexProduct(body, (index, lo, hi))
        else:
            result = (RangeMin if kind == "min" else RangeMax)(body, index, lo, hi)
        self.out.sites.setdefault(result, generator.span)
        return self.constant_reduction(result)

    def expr_Chain(self, node: ast.Chain, env: dict) -> sympy.Expr:
        # A chain is all + and - or all * and /; built in one call, not term by term, which
        # would be quadratic in the number of terms.
        terms = [self.expr(node.first, env)]
        for op, operand in node.rest:
            value = self.expr(operand, env)
            if op == "-":
                value = -value
            elif op == "/":
                value = self.reciprocal(value, operand.span)
            terms.append(value)
        if node.rest[0][0] in "+-":
            return real_constant(sympy.Add(*terms))
        return real_constant(sympy.Mul(*terms))

    def expr_Power(self, node: ast.Power, env: dict) -> sympy.Expr:
        base, exponent = self.expr(node.base, env), self.expr(node.exponent, env)
        if divides_by_zero(base, exponent):
            self.zero_divisions.append(node.span)  # 0^-1 is 1/0: inf (see power)
        result = power(base, exponent)
        self.note(power_domain(base, exponent, result))
        return result

    def expr_Negate(self, node: ast.Negate, env: dict) -> sympy.Expr:
        return -self.expr(node.operand, env)

    def expr_Compare(self, node: ast.Compare, env: dict) -> sympy.Basic:
        choice = self.checker.choice_comparison(node, dict.fromkeys(env), checked=True)
        if choice is not None:
            this, label = choice
            code = sympy.Integer(self.checker.scope[this.name].labels.index(label.name))
            return COMPARE[node.op](self.expr(this, env), code)
        outer, self.domains = self.domains, []
        try:
            left, right = self.expr(node.left, env), self.expr(node.right, env)
            relation = comparison(node.op, left, right)  # NaN compares unequal to everything
        finally:
            inner, self.domains = self.domains, outer
        # As in numpy, a comparison with a value sympy simplified away where it is undefined is
        # false (but '!=', true). A comparison ends a NaN: no domain passes out of it.
        return compared(relation, inner, unequal=node.op == "!=")

    def expr_Logic(self, node: ast.Logic, env: dict) -> sympy.Basic:
        if node.op == "or":
            return joined(sympy.Or, [self.expr(operand, env) for operand in node.operands],
                          named=self.computed_names)
        operands, saved = [], self.guard
        try:  # in 'a and b', b is lowered knowing a holds
            for operand in node.operands:
                operands.append(self.expr(operand, env))
                self.guard = self.guard | _conjuncts(operands[-1])
        finally:
            self.guard = saved
        return joined(sympy.And, operands, named=self.computed_names)

    def computed_names(self) -> frozenset[str]:
        """Names of the lets, objectives and externs lowered so far: their values may be NaN."""
        return frozenset(name for name, meaning in self.meaning.items()
                         if isinstance(meaning, tuple))

    def expr_Not(self, node: ast.Not, env: dict) -> sympy.Basic:
        return negation(self.expr(node.operand, env))

    def expr_Member(self, node: ast.Member, env: dict) -> sympy.Expr:
        return variable_symbol(f"{node.extern}.{node.field}")

    def expr_IfElse(self, node: ast.IfElse, env: dict) -> sympy.Expr:
        condition = self.expr(node.condition, env)
        saved = self.guard
        try:  # each branch is lowered knowing which way the condition went
            self.guard = saved | _conjuncts(condition)
            then = self.scoped(node.then, env, branch=condition)
            self.guard = saved | _conjuncts(sympy.Not(condition))
            otherwise = self.scoped(node.otherwise, env, branch=sympy.Not(condition))
        finally:
            self.guard = saved
        try:
            return if_then_else(then, condition, otherwise)
        except (TypeError, ValueError, KeyError, AssertionError):  # inside sympy's rewriting
            raise ModelCheckError(
                "this condition is beyond what the compiler can simplify: it holds another 'if' "
                "that sympy cannot rewrite; compute that value first, in a 'let', and compare "
                "the let", node.condition.span) from None


def _declared_condition(span: ast.Span) -> str:
    """The text after 'when' in a variable's declaration."""
    text = span_text(span)
    return text[text.rfind(" when ") + len(" when "):].strip() if " when " in text else text



