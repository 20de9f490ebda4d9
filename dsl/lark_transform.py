"""Stage 1, Lark's way, second half: Lark's parse tree into typed AST nodes, each with its span
(:class:`ToAst`). :mod:`mooc.dsl.lark_parser` parses and reports syntax errors.
"""

from __future__ import annotations

from lark import Token, Transformer, v_args

from mooc.dsl import ast


def span_of(meta: object, source: ast.SourceFile) -> ast.Span:
    return ast.Span(source, meta.line, meta.column, meta.end_line, meta.end_column)  # type: ignore[attr-defined]


def token_span(token: Token, source: ast.SourceFile) -> ast.Span:
    return ast.Span(source, token.line or 1, token.column or 1,
                    token.end_line or token.line or 1, token.end_column or (token.column or 1) + 1)


def _fold(meta: object, first: ast.Expr, rest: list, source: ast.SourceFile) -> ast.Expr:
    if not rest:
        return first
    pairs = tuple((str(rest[k]), rest[k + 1]) for k in range(0, len(rest), 2))
    return ast.Chain(span_of(meta, source), first, pairs)


@v_args(meta=True)
class ToAst(Transformer):
    """Builds AST nodes; no checks here (errors belong in the checking pass)."""

    def __init__(self, source: ast.SourceFile):
        super().__init__()
        self.source = source

    def _span(self, meta: object) -> ast.Span:
        return span_of(meta, self.source)

    def _tspan(self, token: Token) -> ast.Span:
        return token_span(token, self.source)

    # expressions
    def number(self, meta, children):
        text = str(children[0])
        return ast.Number(self._span(meta), float(text), text)

    def name(self, meta, children):
        return ast.Name(self._span(meta), str(children[0]))

    def label(self, meta, children):
        return ast.Label(self._span(meta), str(children[0])[1:-1])

    def index(self, meta, children):
        name = children[0]
        return ast.Index(self._span(meta), str(name), self._tspan(name), tuple(children[1:]))

    def call(self, meta, children):
        name, *args = children
        args = [a for a in args if a is not None]
        return ast.Call(self._span(meta), str(name), self._tspan(name), tuple(args))

    def reduction(self, meta, children):
        name, body, *generators = children
        return ast.Reduction(self._span(meta), str(name), self._tspan(name), body, tuple(generators))

    def generator(self, meta, children):
        index, lo, hi = children
        return ast.Generator(self._span(meta), str(index), self._tspan(index), lo, hi)

    def set_generator(self, meta, children):
        index, set_name = children
        return ast.Generator(self._span(meta), str(index), self._tspan(index), None, None,
                             str(set_name), self._tspan(set_name))

    def arith(self, meta, children):
        return _fold(meta, children[0], children[1:], self.source)

    term = arith

    def _logic(self, meta, children, op):
        if len(children) == 1:
            return children[0]
        return ast.Logic(self._span(meta), op, tuple(children))

    def power(self, meta, children):
        return ast.Power(self._span(meta), children[0], children[2])

    def neg(self, meta, children):
        return ast.Negate(self._span(meta), children[0])

    def pos(self, meta, children):
        return children[0]

    def comparison(self, meta, children):
        left, op, right = children
        return ast.Compare(self._span(meta), str(op), left, right)

    def or_(self, meta, children):
        return self._logic(meta, children, "or")

    def and_(self, meta, children):
        return self._logic(meta, children, "and")

    def not_(self, meta, children):
        return ast.Not(self._span(meta), children[0])

    def ifelse(self, meta, children):
        return ast.IfElse(self._span(meta), *children)

    # param values
    def array(self, meta, children):
        return ast.ArrayLiteral(self._span(meta), tuple(c for c in children if c is not None))

    def number_array(self, meta, children):
        return ast.NumberArray(self._span(meta), str(children[0]))

    def table_entry(self, meta, children):
        label, value = children
        return (str(label), self._tspan(label), value)

    def table(self, meta, children):
        return ast.TableLiteral(self._span(meta), tuple(children))

    # declarations
    def range_dim(self, meta, children):
        if len(children) == 3:
            index, lo, hi = children
            return ast.RangeDim(self._span(meta), str(index), lo, hi)
        lo, hi = children
        return ast.RangeDim(self._span(meta), None, lo, hi)

    def label_dim(self, meta, children):
        return ast.LabelDim(self._span(meta), str(children[0]))

    def set_dim(self, meta, children):
        index, set_name = children
        return ast.SetDim(self._span(meta), str(index), str(set_name), self._tspan(set_name))

    def dims(self, meta, children):
        return tuple(children)

    def problem(self, meta, children):
        name, title = children
        return ast.ProblemHeader(self._span(meta), str(name), str(title)[1:-1] if title else None)

    def include(self, meta, children):
        return ast.Include(self._span(meta), str(children[0])[1:-1])

    def param(self, meta, children):
        name, dims, value = children
        return ast.Param(self._span(meta), str(name), self._tspan(name), dims or (), value)

    def set_decl(self, meta, children):
        name, *labels = children
        if labels == [None]:
            return ast.SetDecl(self._span(meta), str(name), self._tspan(name), None)
        return ast.SetDecl(self._span(meta), str(name), self._tspan(name),
                           tuple(str(t) for t in labels), tuple(self._tspan(t) for t in labels))

    def data_file(self, meta, children):
        return ast.DataFile(self._span(meta), str(children[0])[1:-1])

    def real_domain(self, meta, children):
        lo, hi, log = children
        return ("log" if log else "real", lo, hi, ())

    def int_domain(self, meta, children):
        return ("int", children[0], children[1], ())

    def bin_domain(self, meta, children):
        return ("bin", None, None, ())

    def choice_domain(self, meta, children):
        return ("choice", None, None, tuple(children))

    def var(self, meta, children):
        name, dims, (kind, lo, hi, labels), condition = children
        return ast.Var(self._span(meta), str(name), self._tspan(name), dims or (), kind, lo, hi,
                       tuple(str(t) for t in labels), tuple(self._tspan(t) for t in labels),
                       condition)

    def when(self, meta, children):
        return children[0]

    def let(self, meta, children):
        name, dims, expr = children
        return ast.Let(self._span(meta), str(name), self._tspan(name), dims or (), expr)

    def objective(self, meta, children):
        sense, name, dims, expr = children
        return ast.Objective(self._span(meta), str(sense), str(name), self._tspan(name),
                             dims or (), expr)

    def tolerance(self, meta, children):
        return children[0]

    def weight(self, meta, children):
        return children[0]

    def constraint(self, meta, children):
        soft, name, dims, relation, tolerance, weight = children
        return ast.Constraint(self._span(meta), str(name), self._tspan(name), dims or (),
                              relation, tolerance, weight, soft is not None)

    def setting(self, meta, children):
        key, value = children
        if isinstance(value, Token):
            value = str(value)[1:-1]
        return ast.Setting(self._span(meta), str(key), value)

    def member(self, meta, children):
        extern, field = children
        return ast.Member(self._span(meta), str(extern), self._tspan(extern), str(field),
                          self._tspan(field))

    def extern_returns(self, meta, children):
        return ("returns", tuple(children))

    def extern_vectorized(self, meta, children):
        return ("vectorized", True)

    def extern_timeout(self, meta, children):
        return ("timeout", children[0])

    def extern(self, meta, children):
        name, *rest = children
        args = []
        while rest and (rest[0] is None or (isinstance(rest[0], Token) and rest[0].type == "NAME")):
            token = rest.pop(0)
            if token is not None:
                args.append(token)
        kind, target, *options = rest
        found = dict(options)
        returns = found.get("returns", ())
        return ast.Extern(self._span(meta), str(name), self._tspan(name),
                          tuple(str(a) for a in args), tuple(self._tspan(a) for a in args),
                          str(kind), str(target)[1:-1], tuple(str(r) for r in returns),
                          tuple(self._tspan(r) for r in returns), bool(found.get("vectorized")),
                          found.get("timeout"))

    def solver(self, meta, children):
        name, *settings = children
        return ast.SolverBlock(self._span(meta), str(name), tuple(settings))
