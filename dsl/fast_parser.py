"""Stage 1, the fast path: a hand-written recursive-descent parser for the grammar of
``grammar.lark`` that builds the same AST, every span included, as the Lark parser and
:class:`mooc.dsl.lark_transform.ToAst` -- about ten times faster, which matters for models of
thousands of statements.

It accepts only what it is sure Lark accepts the same way: on a syntax error, a keyword where a
name could stand, or nesting near Lark's limits it gives up (:func:`fast_parse` returns None),
and :func:`mooc.dsl.parser.parse` parses with Lark, whose errors are the ones users see.
``tests/dsl/test_fast_parser.py`` compares both on every shipped model and many mutants.

Spans follow Lark's ``propagate_positions``: a node runs from the first to the last token its
rule matched, where a part in parentheses counts with its parentheses. So each parse method
returns its node with the first and last token of that extent (``first``, ``last``: token
indices) and the height of the tree Lark would build (its depth is limited too).
"""

from __future__ import annotations

from mooc.dsl import ast
from mooc.dsl.fast_expressions import ExpressionParser, Parsed
from mooc.dsl.fast_lexer import MAX_DEPTH, GiveUp, Tokens

_STATEMENTS = ("problem", "include", "param", "var", "let", "minimize", "maximize", "soft",
               "constraint", "solver", "extern", "set", "data")


def fast_parse(source: ast.SourceFile) -> ast.Model | None:
    """The model in ``source``, or None when Lark must parse it (see the module)."""
    text = source.text if source.text.endswith("\n") else source.text + "\n"
    try:
        return _Parser(source, Tokens(text)).model()
    except (GiveUp, RecursionError, IndexError):
        return None


class _Parser(ExpressionParser):
    """The statements; expressions are parsed by :class:`ExpressionParser`."""

    def model(self) -> ast.Model:
        statements = []
        self.skip_newlines()
        while self.kinds[self.at] != "end":
            statement, height = self.statement()
            if height > MAX_DEPTH - 10:
                raise GiveUp("a deep tree")
            statements.append(statement)
            self.take("nl")
            self.skip_newlines()
        return ast.Model(self.source, tuple(statements))

    def statement(self) -> tuple[object, int]:
        if self.kinds[self.at] != "name" or self.texts[self.at] not in _STATEMENTS:
            raise GiveUp("not a statement")
        keyword = self.texts[self.at]
        if keyword in ("minimize", "maximize"):
            return self.objective()
        if keyword in ("soft", "constraint"):
            return self.constraint()
        return getattr(self, "statement_" + keyword)()  # type: ignore[no-any-return]

    def statement_problem(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, last = self.name()
        title = None
        if self.kinds[self.at] == "string":
            title, last = self.string()
        return ast.ProblemHeader(self.span(first, last), name, title), 1

    def statement_include(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        path, last = self.string()
        return ast.Include(self.span(first, last), path), 1

    def statement_data(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        path, last = self.string()
        return ast.DataFile(self.span(first, last), path), 1

    def statement_set(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, at = self.name()
        if self.kinds[self.at] != "=":
            return ast.SetDecl(self.span(first, at), name, self.span(at, at), None), 1
        self.at += 1
        labels, last = self.labels()
        return ast.SetDecl(self.span(first, last), name, self.span(at, at),
                           tuple(self.texts[k] for k in labels),
                           tuple(self.span(k, k) for k in labels)), 1

    def labels(self) -> tuple[list[int], int]:
        """``{ a, b, c }`` with newlines after ``{``, after commas and before ``}``."""
        self.take("{")
        self.skip_newlines()
        found = [self.take("name")]
        while self.kinds[self.at] == ",":
            self.at += 1
            self.skip_newlines()
            found.append(self.take("name"))
        self.skip_newlines()
        return found, self.take("}")

    def statement_param(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, at = self.name()
        last, height = at, 0
        dims: tuple = ()
        if self.kinds[self.at] == "[":
            dims, last, height = self.dims()
        value = None
        if self.kinds[self.at] == "=":
            self.at += 1
            value, _, last, value_height = self.param_value()
            height = max(height, value_height)
        return ast.Param(self.span(first, last), name, self.span(at, at), dims, value), 1 + height

    def param_value(self) -> Parsed:
        if self.kinds[self.at] == "[" or self.kinds[self.at] == "array":
            return self.array_item()
        if self.kinds[self.at] == "{":
            return self.table()
        return self.expr()

    def array_item(self) -> Parsed:
        """An array of plain numbers (one token), an array, or an expression."""
        first = self.at
        if self.kinds[first] == "array":
            self.at += 1
            return ast.NumberArray(self.span(first, first), self.texts[first]), first, first, 1
        if self.kinds[first] != "[":
            return self.expr()
        self.at += 1
        items, height = [], 0
        if self.kinds[self.at] != "]":
            while True:
                item, _, _, item_height = self.array_item()
                items.append(item)
                height = max(height, item_height)
                if self.kinds[self.at] != ",":
                    break
                self.at += 1
        last = self.take("]")
        return ast.ArrayLiteral(self.span(first, last), tuple(items)), first, last, 1 + height

    def table(self) -> Parsed:
        first = self.take("{")
        self.skip_newlines()
        entries, height = [], 0
        while True:
            label, at = self.name()
            self.take(":")
            value, _, _, value_height = self.expr()
            entries.append((label, self.span(at, at), value))
            height = max(height, 1 + value_height)
            if self.kinds[self.at] != ",":
                break
            self.at += 1
            self.skip_newlines()
        self.skip_newlines()
        last = self.take("}")
        return ast.TableLiteral(self.span(first, last), tuple(entries)), first, last, 1 + height

    def statement_var(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, at = self.name()
        dims: tuple = ()
        height = 0
        if self.kinds[self.at] == "[":
            dims, _, height = self.dims()
        kind, lo, hi, labels, last, domain_height = self.domain()
        height = max(height, domain_height)
        condition = None
        if self.is_word("when"):
            self.at += 1
            condition, _, last, when_height = self.expr()
            height = max(height, 1 + when_height)
        return ast.Var(self.span(first, last), name, self.span(at, at), dims, kind, lo, hi,
                       tuple(self.texts[k] for k in labels),
                       tuple(self.span(k, k) for k in labels), condition), 1 + height

    def domain(self) -> tuple[str, object, object, list[int], int, int]:
        if self.is_word("bin"):
            self.at += 1
            return "bin", None, None, [], self.at - 1, 1
        if self.is_word("choice"):
            self.at += 1
            labels, last = self.labels()
            return "choice", None, None, labels, last, 1
        kind = "int" if self.is_word("int") else "real"
        if kind == "int":
            self.at += 1
        self.word("in")
        self.take("[")
        lo, _, _, lo_height = self.expr()
        self.take(",")
        hi, _, _, hi_height = self.expr()
        last = self.take("]")
        if kind == "real" and self.is_word("log"):
            kind, last = "log", self.at
            self.at += 1
        return kind, lo, hi, [], last, 1 + max(lo_height, hi_height)

    def dims(self) -> tuple[tuple, int, int]:
        self.take("[")
        dims, height = [], 0
        while True:
            dim, dim_height = self.dim()
            dims.append(dim)
            height = max(height, dim_height)
            if self.kinds[self.at] != ",":
                break
            self.at += 1
        return tuple(dims), self.take("]"), 1 + height

    def dim(self) -> tuple[object, int]:
        at, kinds = self.at, self.kinds
        if kinds[at] == "name" and self.texts[at] not in ("if", "not"):
            following = kinds[at + 1]
            if following in (",", "]"):
                self.at += 1
                return ast.LabelDim(self.span(at, at), self.texts[at]), 1
            if following == "name" and self.texts[at + 1] == "in":
                self.at += 2
                if kinds[self.at] == "name" and kinds[self.at + 1] in (",", "]") and \
                        self.texts[self.at] not in ("if", "not"):
                    where = self.at
                    self.at += 1
                    return ast.SetDim(self.span(at, where), self.texts[at], self.texts[where],
                                      self.span(where, where)), 1
                lo, _, _, lo_height = self.expr()
                self.take("..")
                hi, _, last, hi_height = self.expr()
                return ast.RangeDim(self.span(at, last), self.texts[at], lo, hi), \
                    1 + max(lo_height, hi_height)
        lo, first, _, lo_height = self.expr()
        self.take("..")
        hi, _, last, hi_height = self.expr()
        return ast.RangeDim(self.span(first, last), None, lo, hi), 1 + max(lo_height, hi_height)

    def statement_let(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, at = self.name()
        dims, height = self.optional_dims()
        self.take("=")
        expr, _, last, expr_height = self.expr()
        return ast.Let(self.span(first, last), name, self.span(at, at), dims, expr), \
            1 + max(height, expr_height)

    def optional_dims(self) -> tuple[tuple, int]:
        if self.kinds[self.at] != "[":
            return (), 0
        dims, _, height = self.dims()
        return dims, height

    def objective(self) -> tuple[object, int]:
        first = self.at
        sense = self.texts[first]
        self.at += 1
        name, at = self.name()
        dims, height = self.optional_dims()
        self.take(":")
        expr, _, last, expr_height = self.expr()
        return ast.Objective(self.span(first, last), sense, name, self.span(at, at), dims,
                             expr), 1 + max(height, expr_height)

    def constraint(self) -> tuple[object, int]:
        first = self.at
        soft = self.is_word("soft")
        if soft:
            self.at += 1
        self.word("constraint")
        name, at = self.name()
        dims, height = self.optional_dims()
        self.take(":")
        relation, _, last, relation_height = self.expr()
        height = max(height, relation_height)
        tolerance = weight = None
        if self.is_word("tol"):
            self.at += 1
            tolerance, _, last, part_height = self.expr()
            height = max(height, 1 + part_height)
        if self.is_word("weight"):
            self.at += 1
            weight, _, last, part_height = self.expr()
            height = max(height, 1 + part_height)
        return ast.Constraint(self.span(first, last), name, self.span(at, at), dims, relation,
                              tolerance, weight, soft), 1 + height

    def statement_solver(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, _ = self.name()
        self.take("{")
        self.skip_newlines()
        settings, height = [], 0
        while self.kinds[self.at] != "}":
            key, at = self.name()
            self.take("=")
            value: object
            if self.kinds[self.at] == "string":
                value, last = self.string()
                value_height = 0
            else:
                value, _, last, value_height = self.expr()
            settings.append(ast.Setting(self.span(at, last), key, value))  # type: ignore[arg-type]
            height = max(height, 1 + value_height)
            if self.kinds[self.at] == "nl":
                self.skip_newlines()
            elif self.kinds[self.at] != "}":
                raise GiveUp("expected the end of a setting")
        last = self.take("}")
        return ast.SolverBlock(self.span(first, last), name, tuple(settings)), 1 + height

    def statement_extern(self) -> tuple[object, int]:
        first = self.at
        self.at += 1
        name, at = self.name()
        self.take("(")
        args = []
        if self.kinds[self.at] == "name":
            args.append(self.take("name"))
            while self.kinds[self.at] == ",":
                self.at += 1
                args.append(self.take("name"))
        self.take(")")
        self.take("=")
        kind = self.texts[self.at]
        if kind not in ("python", "program"):
            raise GiveUp("expected python or program")
        self.word(kind)
        target, last = self.string()
        returns: list[int] = []
        vectorized, timeout, height = False, None, 0
        while self.kinds[self.at] == "name":
            if self.is_word("returns"):
                self.at += 1
                returns, last = self.names_in_braces()
                height = max(height, 1)
            elif self.is_word("vectorized"):
                vectorized, last = True, self.at
                self.at += 1
                height = max(height, 1)
            elif self.is_word("timeout"):
                self.at += 1
                timeout, _, last, timeout_height = self.expr()
                height = max(height, 1 + timeout_height)
            else:
                raise GiveUp("an unknown extern option")
        return ast.Extern(self.span(first, last), name, self.span(at, at),
                          tuple(self.texts[k] for k in args), tuple(self.span(k, k) for k in args),
                          kind, target, tuple(self.texts[k] for k in returns),
                          tuple(self.span(k, k) for k in returns), vectorized, timeout), \
            1 + height

    def names_in_braces(self) -> tuple[list[int], int]:
        self.take("{")
        found = [self.take("name")]
        while self.kinds[self.at] == ",":
            self.at += 1
            found.append(self.take("name"))
        return found, self.take("}")

