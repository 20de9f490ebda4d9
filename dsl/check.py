"""Stage 2: the checking pass. Names, kinds, index counts and types, each error at its span.

Checks that need values (bounds, sizes, ranges) happen in lowering, where values are known.
The statements are checked here; expressions in :mod:`mooc.dsl.check_expressions`.
"""

from __future__ import annotations

from mooc.dsl import ast
from mooc.dsl.check_expressions import (
    KIND_WORDS,
    Declaration,
    ExpressionChecks,
    did_you_mean,
    fail,
    word_span,
)
from mooc.dsl.names import (
    ALGORITHMS,
    BUILTINS,
    CONSTRAINT_MODES,
    METHOD_SETTINGS,
    SOLVER_SETTINGS,
    SWITCH_VALUES,
)
from mooc.errors import ModelCheckError


class Checker(ExpressionChecks):
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
            raise fail(f"'{name}' is already declared as {KIND_WORDS[earlier.kind]} on line "
                       f"{earlier.span.line}", span)
        self.scope[name] = declaration

    def dims(self, dims: tuple[ast.Dim, ...], *, labels_allowed: bool
             ) -> tuple[dict[str, Declaration], tuple[str, ...]]:
        """The indices a declaration's dimensions name, and the set each runs over ("" for an
        integer range or a choice variable's labels)."""
        local: dict[str, Declaration] = {}
        sets: list[str] = []
        for dim in dims:
            if isinstance(dim, ast.SetDim):
                sets.append(self.named_set(dim.set_name, dim.set_span, local))
                self.check_index_name(dim.index, dim.span, local)
                local[dim.index] = Declaration("index", dim.span, set_of=dim.set_name)
                continue
            if isinstance(dim, ast.LabelDim):
                target = self.lookup(dim.variable, dim.span, {})
                if target.kind == "set":
                    sets.append(dim.variable)
                    continue
                if not labels_allowed:
                    raise fail("only a param can be indexed by a choice variable's labels", dim.span)
                if target.var_kind != "choice":
                    raise fail(f"'{dim.variable}' is not a choice variable or a set; a param "
                               "indexed by labels names a choice variable or a set declared "
                               "before it", dim.span)
                sets.append("")
                continue
            self.static_number(dim.lo, local, "a range bound")
            self.static_number(dim.hi, local, "a range bound")
            sets.append("")
            if dim.index is not None:
                self.check_index_name(dim.index, dim.span, local)
                local[dim.index] = Declaration("index", dim.span)
        return local, tuple(sets)

    def choice_dims(self, dims: tuple[ast.Dim, ...]) -> list[ast.LabelDim]:
        """The dimensions indexed by a choice variable's labels (not by a set)."""
        return [d for d in dims if isinstance(d, ast.LabelDim) and self.scope[d.variable].kind != "set"]

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
        local, sets = self.dims(node.dims, labels_allowed=True)
        label_dims = self.choice_dims(node.dims)
        if label_dims and len(node.dims) > 1:
            raise fail("a param indexed by a choice variable's labels has exactly one index",
                       node.span)
        self.param_value(node, local, sets)
        label_of = label_dims[0].variable if label_dims else ""
        self.declare(node.name, node.name_span, Declaration(
            "param", node.span, len(node.dims), label_of=label_of, dim_sets=sets))

    def param_value(self, node: ast.Param, local: dict[str, Declaration],
                    sets: tuple[str, ...]) -> None:
        value = node.value
        if value is None:  # supplied by data
            return
        if isinstance(value, ast.TableLiteral):
            if len(node.dims) != 1 or not isinstance(node.dims[0], ast.LabelDim):
                raise fail("a table {label: value, ...} needs a param with one index, a choice "
                           "variable or a set, as in 'param price[material] = {...}'", value.span)
            if sets[0]:  # a set's labels may come from data: checked when lowering
                for _, _, item in value.entries:
                    self.static_number(item, {}, "a table value")
            else:
                self.table(value, self.scope[node.dims[0].variable], node.dims[0].variable)
        elif isinstance(value, (ast.ArrayLiteral, ast.NumberArray)):
            if not node.dims:
                raise fail(f"an array value needs dimensions, as in 'param {node.name}[1..n] = "
                           "[...]'", value.span)
            if isinstance(value, ast.ArrayLiteral):
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
            elif not isinstance(item, ast.NumberArray):
                self.static_number(item, {}, "an array element")

    def statement_SetDecl(self, node: ast.SetDecl) -> None:
        labels = node.labels or ()
        for k, (label, span) in enumerate(zip(labels, node.label_spans, strict=True)):
            if label in BUILTINS:
                raise fail(f"'{label}' is a built-in name; choose another label", span)
            if label in labels[:k]:
                raise fail(f"label '{label}' appears twice", span)
        self.declare(node.name, node.name_span, Declaration("set", node.span, labels=labels))

    def statement_DataFile(self, node: ast.DataFile) -> None:
        if not node.path.strip():
            raise fail("'data' names a file, as in data \"products.csv\"", node.span)

    def statement_Var(self, node: ast.Var) -> None:
        local, sets = self.dims(node.dims, labels_allowed=False)
        for bound in (node.lo, node.hi):
            if bound is not None:
                self.static_number(bound, local, "a bound")
        if node.condition is not None:
            self.in_condition = True
            try:
                self.condition(node.condition, local)
            finally:
                self.in_condition = False
        if len(set(node.labels)) != len(node.labels):
            repeated = next(x for x in node.labels if node.labels.count(x) > 1)
            raise fail(f"label '{repeated}' appears twice", node.span)
        for label, span in zip(node.labels, node.label_spans, strict=True):
            if label in BUILTINS:
                raise fail(f"'{label}' is a built-in name; choose another label", span)
        self.declare(node.name, node.name_span, Declaration(
            "var", node.span, len(node.dims), dynamic=True, var_kind=node.kind, labels=node.labels,
            dim_sets=sets, conditional=node.condition is not None))

    def statement_Let(self, node: ast.Let) -> None:
        local, sets = self.dims(node.dims, labels_allowed=False)
        dynamic = self.number(node.expr, local)
        self.declare(node.name, node.name_span,
                     Declaration("let", node.span, len(node.dims), dynamic=dynamic, dim_sets=sets))

    def statement_Objective(self, node: ast.Objective) -> None:
        local, sets = self.dims(node.dims, labels_allowed=False)
        self.number(node.expr, local)
        self.n_objectives += 1
        self.declare(node.name, node.name_span, Declaration(
            "objective", node.span, len(node.dims), dynamic=True, dim_sets=sets))

    def statement_Constraint(self, node: ast.Constraint) -> None:
        local, sets = self.dims(node.dims, labels_allowed=False)
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
        self.declare(node.name, node.name_span, Declaration(
            "constraint", node.span, len(node.dims), dynamic=True, dim_sets=sets))

    def statement_Extern(self, node: ast.Extern) -> None:
        for arg, span in zip(node.args, node.arg_spans, strict=True):
            declaration = self.lookup(arg, span, {})
            if declaration.kind not in ("var", "let", "param"):
                raise fail(f"an extern takes variables, lets or params by name; '{arg}' is "
                           f"{KIND_WORDS[declaration.kind]}", span)
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
        if node.kind == "program":
            check_command(node)
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
            self.setting(setting, seen, node.algorithm)

    def setting(self, setting: ast.Setting, seen: set[str], method: str) -> None:
        kind = SOLVER_SETTINGS.get(setting.key)
        if kind is None:
            raise fail(f"unknown solver setting '{setting.key}'"
                       f"{did_you_mean(setting.key, SOLVER_SETTINGS)}",
                       word_span(setting.span, setting.key))
        if method != "auto" and setting.key not in METHOD_SETTINGS[method]:
            owners = [name for name, keys in METHOD_SETTINGS.items() if setting.key in keys]
            raise fail(f"'{setting.key}' is a setting of {' and '.join(owners)}, not of {method} "
                       f"(which takes {', '.join(METHOD_SETTINGS[method])}); 'solver auto' "
                       "takes every method's settings", word_span(setting.span, setting.key))
        if setting.key in seen:
            raise fail(f"solver setting '{setting.key}' is given twice",
                       word_span(setting.span, setting.key))
        seen.add(setting.key)
        value = setting.value
        if kind == "mode":
            mode = value.name if isinstance(value, ast.Name) else value
            if mode not in CONSTRAINT_MODES:
                raise fail(f"'constraints' is one of {', '.join(CONSTRAINT_MODES)}", setting.span)
        elif kind == "switch":
            word = value.name if isinstance(value, ast.Name) else value
            if word not in SWITCH_VALUES:
                given = f"'{word}'" if isinstance(word, str) else "an expression"
                raise fail(f"'{setting.key}' takes true or false, not {given}", setting.span)
        elif isinstance(value, str):
            raise fail(f"'{setting.key}' takes a number", setting.span)
        else:
            self.static_number(value, {}, f"'{setting.key}'")


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


def check_command(node: ast.Extern) -> None:
    """A program extern's command: words as a shell splits them, the first the program, and
    ``{name}`` placeholders naming the extern's arguments only."""
    import shlex
    import string

    where = word_span(node.span, node.target)
    try:
        words = shlex.split(node.target)
    except ValueError as error:
        raise fail(f"the command cannot be split into words: {error}", where) from None
    if not words:
        raise fail(f"say which program '{node.name}' runs, as in program \"./simulate {{x}}\"",
                   where)
    for word in words:
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(word)
                      if field is not None]
        except ValueError as error:
            raise fail(f"the command's word '{word}' is not a template: {error}; write {{{{ "
                       "and }} for a brace itself", where) from None
        for field in fields:
            if field not in node.args:
                arguments = ", ".join(node.args) or "none"
                raise fail(f"the command's placeholder {{{field}}} names none of the extern's "
                           f"arguments ({arguments})", where)
