"""Stage 2, expressions: names, kinds, index counts and types of expressions, each error at its
span. :class:`ExpressionChecks` is the half of the :class:`~mooc.dsl.check.Checker` that checks
expressions; the statements are in :mod:`mooc.dsl.check`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mooc.dsl import ast
from mooc.dsl.names import (
    BUILTINS,
    CONSTANTS,
    REDUCTIONS,
    UNARY_FUNCTIONS,
    VARIADIC_FUNCTIONS,
    did_you_mean,
)
from mooc.dsl.written_numbers import rounds_to_zero
from mooc.errors import ModelCheckError


@dataclass(frozen=True)
class Declaration:
    """What a name stands for at a point of the model."""

    kind: str  # param, var, let, objective, constraint, index, extern, set
    span: ast.Span
    n_dims: int = 0
    dynamic: bool = False  # depends on decision variables
    var_kind: str = ""
    labels: tuple[str, ...] = ()
    label_of: str = ""  # for a param table: the choice variable whose labels index it
    #: for each dimension, the named set it runs over ("" for an integer range)
    dim_sets: tuple[str, ...] = ()
    set_of: str = ""  # for an index: the named set it runs over ("" for an integer range)
    conditional: bool = False  # a variable declared with 'when'


def fail(message: str, span: ast.Span) -> ModelCheckError:
    return ModelCheckError(message, span)


def word_span(span: ast.Span, word: str, skip: int = 0) -> ast.Span:
    """The span of the first ``word`` at least ``skip`` characters into ``span`` on its first
    line (else ``span`` itself): a name inside a node that keeps no span for it."""
    line = span.source.line(span.line)
    at = line.find(word, span.column - 1 + skip)
    if at < 0:
        return span
    return ast.Span(span.source, span.line, at + 1, span.line, at + 1 + len(word))


KIND_WORDS = {"param": "a param", "var": "a variable", "let": "a let", "objective": "an objective",
              "constraint": "a constraint", "index": "an index", "extern": "an extern",
              "set": "a set"}

#: What a 'when' condition may use: values known before the variable itself.
CONDITION_KINDS = ("param", "var", "index")


class ExpressionChecks:
    """Checks expressions against the names declared so far (``scope``) and an expression's
    own indices (``local``)."""

    scope: dict[str, Declaration]
    #: inside a 'when' condition: only params, variables and indices may be used
    in_condition: bool = False

    # names ---------------------------------------------------------------------------
    def lookup(self, name: str, span: ast.Span, local: dict[str, Declaration]) -> Declaration:
        if name in local:
            found = local[name]
        elif name in self.scope:
            found = self.scope[name]
        else:
            visible = [*self.scope, *local, *CONSTANTS]
            raise fail(f"unknown name '{name}'{did_you_mean(name, visible)}", span)
        if self.in_condition and found.kind not in CONDITION_KINDS:
            raise fail(f"a 'when' condition uses params, earlier variables and indices only; "
                       f"'{name}' is {KIND_WORDS[found.kind]}", span)
        return found

    def check_index_name(self, name: str, span: ast.Span, local: dict[str, Declaration]) -> None:
        if name in BUILTINS:
            raise fail(f"'{name}' is a built-in name; choose another index name", span)
        if name in local or name in self.scope:
            raise fail(f"index '{name}' hides an existing name; choose another index name", span)

    # expressions ---------------------------------------------------------------------
    def static_number(self, node: ast.Expr, local: dict[str, Declaration], what: str) -> None:
        if self.number(node, local):
            raise fail(f"{what} must not depend on variables", node.span)

    def number(self, node: ast.Expr, local: dict[str, Declaration]) -> bool:
        """Check a numeric expression; return whether it depends on decision variables."""
        kind, dynamic = self.expr(node, local)
        if kind != "number":
            raise fail(f"expected a number here, but this is {_TYPE_WORDS[kind]}", node.span)
        return dynamic

    def condition(self, node: ast.Expr, local: dict[str, Declaration]) -> bool:
        kind, dynamic = self.expr(node, local)
        if kind != "bool":
            raise fail("expected a condition such as 'x < 1' here", node.span)
        return dynamic

    def expr(self, node: ast.Expr, local: dict[str, Declaration]) -> tuple[str, bool]:
        return getattr(self, "expr_" + type(node).__name__)(node, local)  # type: ignore[no-any-return]

    def expr_Number(self, node: ast.Number, local: dict) -> tuple[str, bool]:
        # the number cut short: it may have 5,000 digits
        shown = node.text if len(node.text) <= 40 else node.text[:37] + "..."
        if not math.isfinite(node.value):
            raise fail(f"{shown} is not a finite number: the largest is about 1.8e308",
                       node.span)
        if rounds_to_zero(node.text, node.value):  # it would be read as 0, silently
            raise fail(f"{shown} is closer to 0 than a float can be (the smallest is about "
                       "5e-324): write 0 if 0 is meant", node.span)
        return "number", False

    def expr_Name(self, node: ast.Name, local: dict) -> tuple[str, bool]:
        if node.name in CONSTANTS and node.name not in local:
            return "number", False
        declaration = self.lookup(node.name, node.span, local)
        if declaration.kind == "constraint":
            raise fail(f"'{node.name}' is a constraint; constraints cannot be used as values",
                       node.span)
        if declaration.kind == "extern":
            raise fail(f"'{node.name}' is an extern; use one of its values, as in "
                       f"{node.name}.{declaration.labels[0]}", node.span)
        if declaration.kind == "set":
            raise fail(f"'{node.name}' is a set; run over it with 'for p in {node.name}' or index "
                       f"by it, as in 'param cost[{node.name}]'", node.span)
        if declaration.set_of:
            raise fail(f"'{node.name}' is an element of the set '{declaration.set_of}', not a "
                       "number; it can only be used as an index", node.span)
        if declaration.n_dims:
            raise fail(f"'{node.name}' has {declaration.n_dims} "
                       f"{'index' if declaration.n_dims == 1 else 'indices'}; write "
                       f"{node.name}[...]", node.span)
        if declaration.var_kind == "choice":
            return "choice", True
        return "number", declaration.dynamic

    def expr_Index(self, node: ast.Index, local: dict) -> tuple[str, bool]:
        declaration = self.lookup(node.name, node.name_span, local)
        if declaration.kind in ("index", "constraint") or not declaration.n_dims:
            raise fail(f"'{node.name}' has no indices", node.name_span)
        if len(node.indices) != declaration.n_dims:
            raise fail(f"'{node.name}' takes {declaration.n_dims} "
                       f"{'index' if declaration.n_dims == 1 else 'indices'}, but "
                       f"{len(node.indices)} {'is' if len(node.indices) == 1 else 'are'} given",
                       node.span)
        if declaration.label_of:
            return self.table_lookup(node, declaration, local)
        sets = declaration.dim_sets or ("",) * len(node.indices)
        for position, (index, set_name) in enumerate(zip(node.indices, sets, strict=True)):
            if set_name:
                self.set_index(node, position, index, set_name, local)
            elif self.number(index, local):
                raise fail("an index must not depend on variables", index.span)
        return ("choice" if declaration.var_kind == "choice" else "number"), declaration.dynamic

    def set_index(self, node: ast.Index, position: int, index: ast.Expr, set_name: str,
                  local: dict) -> None:
        """An index where the dimension is a named set: an index running over that set, or a
        bare name (a label of the set, checked when lowering, where the labels are known)."""
        where = f"index {position + 1} of '{node.name}'" if len(node.indices) > 1 else \
            f"the index of '{node.name}'"
        if isinstance(index, ast.Name) and index.name in local:
            runs_over = local[index.name].set_of
            if runs_over != set_name:
                over = f"the set '{runs_over}'" if runs_over else "an integer range"
                raise fail(f"'{index.name}' runs over {over}, but {where} is an element of the "
                           f"set '{set_name}'", index.span)
            return
        if isinstance(index, (ast.Name, ast.Label)) or _whole_literal(index):
            return  # a whole number names a label written so (read from data: '2021')
        raise fail(f"{where} is an element of the set '{set_name}': write one of its labels, or "
                   f"an index that runs over it ('for p in {set_name}'){_quoted_hint(index)}",
                   index.span)

    def table_lookup(self, node: ast.Index, table: Declaration, local: dict) -> tuple[str, bool]:
        index = node.indices[0]
        choice = self.scope[table.label_of]
        if isinstance(index, ast.Name) and index.name == table.label_of:
            return "number", True
        if isinstance(index, ast.Name) and index.name in choice.labels:
            self.check_not_index(index, table.label_of, local)
            return "number", False
        if isinstance(index, ast.Label) and index.text in choice.labels:
            return "number", False
        raise fail(f"'{node.name}' is indexed by '{table.label_of}' or one of its labels "
                   f"({', '.join(choice.labels)})", index.span)

    def expr_Label(self, node: ast.Label, local: dict) -> tuple[str, bool]:
        raise fail(f'"{node.text}" is a label written quoted: it stands only as an index where '
                   f'the dimension is a named set, as in cost["{node.text}"]', node.span)

    def expr_Call(self, node: ast.Call, local: dict) -> tuple[str, bool]:
        name = node.function
        if name in UNARY_FUNCTIONS:
            if len(node.args) != 1:
                raise fail(f"{name}() takes one argument, but {len(node.args)} given", node.span)
        elif name in VARIADIC_FUNCTIONS:
            if len(node.args) < 2:
                raise fail(f"{name}() takes two or more arguments, or a generator as in "
                           f"{name}(x[i] for i in 1..n)", node.span)
        elif name == "sum" or name == "prod":
            raise fail(f"{name}() takes a generator, as in {name}(x[i] for i in 1..n)", node.span)
        elif name in self.scope or name in local:
            raise fail(f"'{name}' is not a function; index it with {name}[...]",
                       node.function_span)
        else:
            functions = UNARY_FUNCTIONS + VARIADIC_FUNCTIONS + REDUCTIONS
            raise fail(f"unknown function '{name}'{did_you_mean(name, functions)}",
                       node.function_span)
        dynamic = [self.number(arg, local) for arg in node.args]
        return "number", any(dynamic)

    def expr_Reduction(self, node: ast.Reduction, local: dict) -> tuple[str, bool]:
        if node.function not in REDUCTIONS:
            raise fail(f"'{node.function}' does not take a generator; one of "
                       f"{', '.join(REDUCTIONS)} does{did_you_mean(node.function, REDUCTIONS)}",
                       node.function_span)
        inner = dict(local)
        for generator in node.generators:
            set_name = ""
            if generator.set_name is not None:
                assert generator.set_span is not None
                set_name = self.named_set(generator.set_name, generator.set_span, inner)
            else:
                assert generator.lo is not None and generator.hi is not None
                self.static_number(generator.lo, inner, "a range bound")
                self.static_number(generator.hi, inner, "a range bound")
            self.check_index_name(generator.index, generator.index_span, inner)
            inner[generator.index] = Declaration("index", generator.index_span, set_of=set_name)
        return "number", self.number(node.body, inner)

    def named_set(self, name: str, span: ast.Span, local: dict) -> str:
        """``name``, checked to be a declared set."""
        if name not in local and name in self.scope and self.scope[name].kind == "set":
            return name
        declaration = self.lookup(name, span, local)
        raise fail(f"'{name}' is {KIND_WORDS[declaration.kind]}, not a set; an index runs over "
                   "a range 'lo..hi' or a set declared with 'set'", span)

    def expr_Chain(self, node: ast.Chain, local: dict) -> tuple[str, bool]:
        operands = [node.first, *(operand for _, operand in node.rest)]
        return "number", any([self.number(operand, local) for operand in operands])

    def expr_Power(self, node: ast.Power, local: dict) -> tuple[str, bool]:
        return "number", self.number(node.base, local) | self.number(node.exponent, local)

    def expr_Negate(self, node: ast.Negate, local: dict) -> tuple[str, bool]:
        return "number", self.number(node.operand, local)

    def expr_Compare(self, node: ast.Compare, local: dict) -> tuple[str, bool]:
        choice_side = self.choice_comparison(node, local)
        if choice_side is not None:
            return "bool", True
        return "bool", self.number(node.left, local) | self.number(node.right, local)

    def choice_comparison(self, node: ast.Compare, local: dict, *, checked: bool = False
                          ) -> tuple[ast.Name | ast.Index, ast.Name] | None:
        """For ``choice == label`` (either way round): the choice side and the label.
        ``checked``: the comparison was checked already (lowering asks again)."""
        for this, other in ((node.left, node.right), (node.right, node.left)):
            if not isinstance(this, (ast.Name, ast.Index)) or this.name in local:
                continue
            declaration = self.scope.get(this.name)
            if declaration is None or declaration.var_kind != "choice":
                continue
            if isinstance(this, ast.Index):
                if not checked:
                    self.expr_Index(this, local)
            elif declaration.n_dims:
                continue
            if node.op not in ("==", "!="):
                raise fail("a choice variable is compared with == or != only", node.span)
            labels = ", ".join(declaration.labels)
            if not isinstance(other, ast.Name):
                raise fail(f"'{this.name}' is a choice variable: compare it with one of its "
                           f"labels ({labels}), not a number or an expression", other.span)
            if other.name not in declaration.labels:
                hint = did_you_mean(other.name, declaration.labels)
                raise fail(f"'{other.name}' is not a label of '{this.name}'{hint} (labels: "
                           f"{labels})", other.span)
            self.check_not_index(other, this.name, local)
            return this, other
        return None

    @staticmethod
    def check_not_index(label: ast.Name, choice: str, local: dict) -> None:
        """A choice's label written where an index of the same name is in scope: everywhere
        else that name is the index, so reading the label here would mix the two unseen."""
        if label.name in local:
            raise fail(f"'{label.name}' is both the index declared on line "
                       f"{local[label.name].span.line} and a label of '{choice}'; give the "
                       "index another name", label.span)

    def expr_Member(self, node: ast.Member, local: dict) -> tuple[str, bool]:
        declaration = self.lookup(node.extern, node.extern_span, local)
        if declaration.kind != "extern":
            raise fail(f"'{node.extern}' is {KIND_WORDS[declaration.kind]}; only an extern's "
                       "values are written name.value", node.extern_span)
        if node.field not in declaration.labels:
            raise fail(f"'{node.extern}' returns no '{node.field}'"
                       f"{did_you_mean(node.field, declaration.labels)} (it returns "
                       f"{', '.join(declaration.labels)})", node.field_span)
        return "number", True

    def expr_Logic(self, node: ast.Logic, local: dict) -> tuple[str, bool]:
        return "bool", any([self.condition(operand, local) for operand in node.operands])

    def expr_Not(self, node: ast.Not, local: dict) -> tuple[str, bool]:
        return "bool", self.condition(node.operand, local)

    def expr_IfElse(self, node: ast.IfElse, local: dict) -> tuple[str, bool]:
        dynamic = self.condition(node.condition, local)
        dynamic |= self.number(node.then, local)
        dynamic |= self.number(node.otherwise, local)
        return "number", dynamic


_TYPE_WORDS = {"bool": "a condition", "choice": "a choice variable (compare it with a label, "
               "or use it to index a table)"}


def _quoted_hint(index: ast.Expr) -> str:
    """For a number such as ``1.5`` or ``-3`` where a label is wanted: how a label written so
    (read from data) is written as an index."""
    number = index.operand if isinstance(index, ast.Negate) else index
    if not isinstance(number, ast.Number):
        return ""
    text = ("-" if number is not index else "") + number.text
    return f'; if "{text}" is a label, write it quoted: ["{text}"]'


def _whole_literal(node: ast.Expr) -> bool:
    """Whether ``node`` is a number written with the digits 0-9 only (``2021``, not ``2021.0``)."""
    return isinstance(node, ast.Number) and node.text.isdigit()
