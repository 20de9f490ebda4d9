"""Stage 2: the checking pass. Names, kinds, index counts and types, each error at its span.

Checks that need values (bounds, sizes, ranges) happen in lowering, where values are known.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from mooc.dsl import ast
from mooc.dsl.names import (
    ALGORITHMS,
    BUILTINS,
    CONSTANTS,
    CONSTRAINT_MODES,
    REDUCTIONS,
    SOLVER_SETTINGS,
    UNARY_FUNCTIONS,
    VARIADIC_FUNCTIONS,
)
from mooc.errors import ModelCheckError


@dataclass(frozen=True)
class Declaration:
    """What a name stands for at a point of the model."""

    kind: str  # param, var, let, objective, constraint, index
    span: ast.Span
    n_dims: int = 0
    dynamic: bool = False  # depends on decision variables
    var_kind: str = ""
    labels: tuple[str, ...] = ()
    label_of: str = ""  # for a param table: the choice variable whose labels index it


def fail(message: str, span: ast.Span) -> ModelCheckError:
    return ModelCheckError(message, span)


def did_you_mean(name: str, candidates: object) -> str:
    matches = difflib.get_close_matches(name, list(candidates), n=1)  # type: ignore[call-overload]
    return f"; did you mean '{matches[0]}'?" if matches else ""


def word_span(span: ast.Span, word: str, skip: int = 0) -> ast.Span:
    """The span of the first ``word`` at least ``skip`` characters into ``span`` on its first
    line (else ``span`` itself): a name inside a node that keeps no span for it."""
    line = span.source.line(span.line)
    at = line.find(word, span.column - 1 + skip)
    if at < 0:
        return span
    return ast.Span(span.source, span.line, at + 1, span.line, at + 1 + len(word))


_KIND_WORDS = {"param": "a param", "var": "a variable", "let": "a let", "objective": "an objective",
               "constraint": "a constraint", "index": "an index", "extern": "an extern"}


class Checker:
    """Walks statements in order with the names declared so far."""

    def __init__(self) -> None:
        self.scope: dict[str, Declaration] = {}
        self.header_seen = False
        self.n_objectives = 0

    # declarations --------------------------------------------------------------------
    def declare(self, name: str, span: ast.Span, declaration: Declaration) -> None:
        if name in BUILTINS:
            raise fail(f"'{name}' is a built-in name; choose another name", span)
        if name in self.scope:
            earlier = self.scope[name]
            raise fail(f"'{name}' is already declared as {_KIND_WORDS[earlier.kind]} on line "
                       f"{earlier.span.line}", span)
        self.scope[name] = declaration

    def lookup(self, name: str, span: ast.Span, local: dict[str, Declaration]) -> Declaration:
        if name in local:
            return local[name]
        if name in self.scope:
            return self.scope[name]
        visible = [*self.scope, *local, *CONSTANTS]
        raise fail(f"unknown name '{name}'{did_you_mean(name, visible)}", span)

    def dims(self, dims: tuple[ast.Dim, ...], *, labels_allowed: bool) -> dict[str, Declaration]:
        local: dict[str, Declaration] = {}
        for dim in dims:
            if isinstance(dim, ast.LabelDim):
                if not labels_allowed:
                    raise fail("only a param can be indexed by a choice variable's labels", dim.span)
                target = self.lookup(dim.variable, dim.span, {})
                if target.var_kind != "choice":
                    raise fail(f"'{dim.variable}' is not a choice variable; a param indexed by "
                               "labels names a choice variable declared before it", dim.span)
                continue
            self.static_number(dim.lo, local, "a range bound")
            self.static_number(dim.hi, local, "a range bound")
            if dim.index is not None:
                self.check_index_name(dim.index, dim.span, local)
                local[dim.index] = Declaration("index", dim.span)
        return local

    def check_index_name(self, name: str, span: ast.Span, local: dict[str, Declaration]) -> None:
        if name in BUILTINS:
            raise fail(f"'{name}' is a built-in name; choose another index name", span)
        if name in local or name in self.scope:
            raise fail(f"index '{name}' hides an existing name; choose another index name", span)

    # statements ----------------------------------------------------------------------
    def statement(self, node: ast.Statement) -> None:
        getattr(self, "statement_" + type(node).__name__)(node)

    def statement_ProblemHeader(self, node: ast.ProblemHeader) -> None:
        if self.header_seen:
            raise fail("a model has one 'problem' header", node.span)
        self.header_seen = True

    def statement_Include(self, node: ast.Include) -> None:
        raise fail("'include' is expanded before checking; this model was not", node.span)

    def statement_Param(self, node: ast.Param) -> None:
        local = self.dims(node.dims, labels_allowed=True)
        label_dims = [d for d in node.dims if isinstance(d, ast.LabelDim)]
        if label_dims and len(node.dims) > 1:
            raise fail("a param indexed by labels has exactly one index", node.span)
        self.param_value(node, local)
        label_of = label_dims[0].variable if label_dims else ""
        self.declare(node.name, node.name_span,
                     Declaration("param", node.span, len(node.dims), label_of=label_of))

    def param_value(self, node: ast.Param, local: dict[str, Declaration]) -> None:
        value = node.value
        if isinstance(value, ast.TableLiteral):
            if not node.dims or not isinstance(node.dims[0], ast.LabelDim):
                raise fail("a table {label: value, ...} needs a param indexed by a choice "
                           "variable, as in 'param price[material] = {...}'", value.span)
            self.table(value, self.scope[node.dims[0].variable], node.dims[0].variable)
        elif isinstance(value, ast.ArrayLiteral):
            if not node.dims:
                raise fail(f"an array value needs dimensions, as in 'param {node.name}[1..n] = "
                           "[...]'", value.span)
            self.array_items(value)
        else:
            if node.dims:
                raise fail(f"'{node.name}' has dimensions, so its value is an array [...] or a "
                           "table {...}", value.span)
            self.static_number(value, local, "a param's value")

    def table(self, table: ast.TableLiteral, choice: Declaration, variable: str) -> None:
        seen: set[str] = set()
        for label, span, value in table.entries:
            if label not in choice.labels:
                raise fail(f"'{label}' is not a label of '{variable}'"
                           f"{did_you_mean(label, choice.labels)}", span)
            if label in seen:
                raise fail(f"label '{label}' appears twice", span)
            seen.add(label)
            self.static_number(value, {}, "a table value")
        missing = [label for label in choice.labels if label not in seen]
        if missing:
            raise fail(f"the table has no value for {', '.join(repr(m) for m in missing)}",
                       table.span)

    def array_items(self, array: ast.ArrayLiteral) -> None:
        for item in array.items:
            if isinstance(item, ast.ArrayLiteral):
                self.array_items(item)
            else:
                self.static_number(item, {}, "an array element")

    def statement_Var(self, node: ast.Var) -> None:
        local = self.dims(node.dims, labels_allowed=False)
        for bound in (node.lo, node.hi):
            if bound is not None:
                self.static_number(bound, local, "a bound")
        if len(set(node.labels)) != len(node.labels):
            repeated = next(x for x in node.labels if node.labels.count(x) > 1)
            raise fail(f"label '{repeated}' appears twice", node.span)
        for label, span in zip(node.labels, node.label_spans, strict=True):
            if label in BUILTINS:
                raise fail(f"'{label}' is a built-in name; choose another label", span)
        self.declare(node.name, node.name_span, Declaration(
            "var", node.span, len(node.dims), dynamic=True, var_kind=node.kind, labels=node.labels))

    def statement_Let(self, node: ast.Let) -> None:
        local = self.dims(node.dims, labels_allowed=False)
        dynamic = self.number(node.expr, local)
        self.declare(node.name, node.name_span,
                     Declaration("let", node.span, len(node.dims), dynamic=dynamic))

    def statement_Objective(self, node: ast.Objective) -> None:
        local = self.dims(node.dims, labels_allowed=False)
        self.number(node.expr, local)
        self.n_objectives += 1
        self.declare(node.name, node.name_span,
                     Declaration("objective", node.span, len(node.dims), dynamic=True))

    def statement_Constraint(self, node: ast.Constraint) -> None:
        local = self.dims(node.dims, labels_allowed=False)
        relation = node.relation
        if not isinstance(relation, ast.Compare) or relation.op not in ("<=", ">=", "=="):
            raise fail("a constraint compares two expressions with <=, >= or ==", relation.span)
        self.number(relation.left, local)
        self.number(relation.right, local)
        if node.tolerance is not None:
            self.static_number(node.tolerance, local, "a tolerance")
        if node.weight is not None:
            if not node.soft:
                raise fail("'weight' applies to soft constraints only; write 'soft constraint'",
                           node.weight.span)
            self.static_number(node.weight, local, "a weight")
        self.declare(node.name, node.name_span,
                     Declaration("constraint", node.span, len(node.dims), dynamic=True))

    def statement_Extern(self, node: ast.Extern) -> None:
        for arg, span in zip(node.args, node.arg_spans, strict=True):
            declaration = self.lookup(arg, span, {})
            if declaration.kind not in ("var", "let", "param"):
                raise fail(f"an extern takes variables, lets or params by name; '{arg}' is "
                           f"{_KIND_WORDS[declaration.kind]}", span)
        if len(set(node.args)) != len(node.args):
            raise fail("an extern's arguments must differ", node.span)
        if not node.returns:
            raise fail(f"say what '{node.name}' returns, as in returns {{accuracy, flops}}",
                       node.span)
        if len(set(node.returns)) != len(node.returns):
            raise fail("an extern's returned names must differ", node.span)
        if node.kind == "python" and ":" not in node.target:
            raise fail(f"a python extern names 'module:function', but this is "
                       f"'{node.target}'", node.span)
        if node.timeout is not None:
            self.static_number(node.timeout, {}, "a timeout")
        self.declare(node.name, node.name_span,
                     Declaration("extern", node.span, dynamic=True, labels=node.returns))

    def statement_SolverBlock(self, node: ast.SolverBlock) -> None:
        if node.algorithm not in ALGORITHMS:
            raise fail(f"unknown solver '{node.algorithm}'{did_you_mean(node.algorithm, ALGORITHMS)}"
                       f" (available: {', '.join(ALGORITHMS)})",
                       word_span(node.span, node.algorithm, skip=len("solver")))
        seen: set[str] = set()
        for setting in node.settings:
            self.setting(setting, seen)

    def setting(self, setting: ast.Setting, seen: set[str]) -> None:
        kind = SOLVER_SETTINGS.get(setting.key)
        if kind is None:
            raise fail(f"unknown solver setting '{setting.key}'"
                       f"{did_you_mean(setting.key, SOLVER_SETTINGS)}",
                       word_span(setting.span, setting.key))
        if setting.key in seen:
            raise fail(f"solver setting '{setting.key}' is given twice",
                       word_span(setting.span, setting.key))
        seen.add(setting.key)
        value = setting.value
        if kind == "mode":
            mode = value.name if isinstance(value, ast.Name) else value
            if mode not in CONSTRAINT_MODES:
                raise fail(f"'constraints' is one of {', '.join(CONSTRAINT_MODES)}", setting.span)
        elif isinstance(value, str):
            raise fail(f"'{setting.key}' takes a number", setting.span)
        else:
            self.static_number(value, {}, f"'{setting.key}'")

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
        for index in node.indices:
            if self.number(index, local):
                raise fail("an index must not depend on variables", index.span)
        return ("choice" if declaration.var_kind == "choice" else "number"), declaration.dynamic

    def table_lookup(self, node: ast.Index, table: Declaration, local: dict) -> tuple[str, bool]:
        index = node.indices[0]
        choice = self.scope[table.label_of]
        if isinstance(index, ast.Name) and index.name == table.label_of:
            return "number", True
        if isinstance(index, ast.Name) and index.name in choice.labels:
            return "number", False
        raise fail(f"'{node.name}' is indexed by '{table.label_of}' or one of its labels "
                   f"({', '.join(choice.labels)})", index.span)

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
            self.static_number(generator.lo, inner, "a range bound")
            self.static_number(generator.hi, inner, "a range bound")
            self.check_index_name(generator.index, generator.index_span, inner)
            inner[generator.index] = Declaration("index", generator.index_span)
        return "number", self.number(node.body, inner)

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

    def choice_comparison(self, node: ast.Compare, local: dict
                          ) -> tuple[ast.Name | ast.Index, ast.Name] | None:
        """For ``choice == label`` (either way round): the choice side and the label."""
        for this, other in ((node.left, node.right), (node.right, node.left)):
            if not isinstance(this, (ast.Name, ast.Index)) or this.name in local:
                continue
            declaration = self.scope.get(this.name)
            if declaration is None or declaration.var_kind != "choice":
                continue
            if isinstance(this, ast.Index):
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
            return this, other
        return None

    def expr_Member(self, node: ast.Member, local: dict) -> tuple[str, bool]:
        declaration = self.lookup(node.extern, node.extern_span, local)
        if declaration.kind != "extern":
            raise fail(f"'{node.extern}' is {_KIND_WORDS[declaration.kind]}; only an extern's "
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


def check(model: ast.Model) -> Checker:
    """Run the checking pass; return the checker holding every declaration."""
    checker = Checker()
    for statement in model.statements:
        checker.statement(statement)
    if checker.n_objectives == 0:
        end = ast.Span(model.source, 1, 1, 1, 2)
        raise ModelCheckError("the model has no objective: add 'minimize NAME: EXPR' or "
                              "'maximize NAME: EXPR'", end)
    if not any(d.kind == "var" for d in checker.scope.values()):
        raise ModelCheckError("the model has no variable: add 'var NAME in [LO, HI]'",
                              ast.Span(model.source, 1, 1, 1, 2))
    return checker
