"""Typed AST of a .moo model. Every node is frozen and carries the span of its source text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mooc.dsl.span import SourceFile, Span  # noqa: F401 - part of the AST's vocabulary

# Expressions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A numeric literal; ``text`` keeps what the user wrote."""

    span: Span
    value: float
    text: str


@dataclass(frozen=True)
class Name:
    """A reference to a param, variable, let, objective, index, constant or choice label."""

    span: Span
    name: str


@dataclass(frozen=True)
class Label:
    """``"if"`` as an index: a label of a named set written quoted, for a label that is no
    name (``"lathe 2"``) or one the grammar reads otherwise (``"if"``, ``"not"``)."""

    span: Span
    text: str


@dataclass(frozen=True)
class Index:
    """``name[i, j]``: an element of an indexed param, variable, let or family."""

    span: Span
    name: str
    name_span: Span
    indices: tuple[Expr, ...]


@dataclass(frozen=True)
class Call:
    """``f(a, b)``: a built-in function, or ``min``/``max`` of several arguments."""

    span: Span
    function: str
    function_span: Span
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Generator:
    """``for i in lo..hi`` inside a reduction, or ``for p in products`` over a named set
    (then ``lo`` and ``hi`` are None)."""

    span: Span
    index: str
    index_span: Span
    lo: Expr | None
    hi: Expr | None
    set_name: str | None = None
    set_span: Span | None = None


@dataclass(frozen=True)
class Reduction:
    """``sum(body for i in lo..hi ...)`` and likewise ``prod``, ``min`` and ``max``."""

    span: Span
    function: str
    function_span: Span
    body: Expr
    generators: tuple[Generator, ...]


@dataclass(frozen=True)
class Chain:
    """A flat chain of one precedence level: ``a + b - c`` or ``a * b / c``."""

    span: Span
    first: Expr
    rest: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class Power:
    """``base ^ exponent`` (also written ``**``)."""

    span: Span
    base: Expr
    exponent: Expr


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    span: Span
    operand: Expr


@dataclass(frozen=True)
class Member:
    """``net.accuracy``: one of the values an extern returns."""

    span: Span
    extern: str
    extern_span: Span
    field: str
    field_span: Span


@dataclass(frozen=True)
class Compare:
    """``left op right`` with op one of ``<= >= == != < >``."""

    span: Span
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Logic:
    """``a and b and c`` or ``a or b``."""

    span: Span
    op: str
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    """``not c``."""

    span: Span
    operand: Expr


@dataclass(frozen=True)
class IfElse:
    """``if cond then a else b``."""

    span: Span
    condition: Expr
    then: Expr
    otherwise: Expr


Expr = (
    Number | Name | Index | Call | Reduction | Chain | Power | Negate | Compare | Logic | Not
    | IfElse | Member | Label
)


# Parameter values ------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrayLiteral:
    """``[a, b, c]`` or nested ``[[...], [...]]``."""

    span: Span
    items: tuple[Expr | ArrayLiteral, ...]


@dataclass(frozen=True)
class NumberArray:
    """An array literal of plain numbers, nested up to three deep, kept as its source text: it
    becomes a numpy array in lowering without an AST node per number."""

    span: Span
    text: str


@dataclass(frozen=True)
class TableLiteral:
    """``{label: value, ...}``: a param indexed by a choice variable's labels."""

    span: Span
    entries: tuple[tuple[str, Span, Expr], ...]


# Index declarations -----------------------------------------------------------------------


@dataclass(frozen=True)
class RangeDim:
    """``lo..hi`` or ``i in lo..hi`` in a declaration's brackets."""

    span: Span
    index: str | None
    lo: Expr
    hi: Expr


@dataclass(frozen=True)
class LabelDim:
    """``[material]``: indexed by the labels of a choice variable, or by a named set."""

    span: Span
    variable: str


@dataclass(frozen=True)
class SetDim:
    """``p in products`` in a declaration's brackets: an index over a named set."""

    span: Span
    index: str
    set_name: str
    set_span: Span


Dim = RangeDim | LabelDim | SetDim


# Statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemHeader:
    """``problem name "title"``."""

    span: Span
    name: str
    title: str | None


@dataclass(frozen=True)
class Include:
    """``include "other.moo"``."""

    span: Span
    path: str


@dataclass(frozen=True)
class Param:
    """``param name[dims] = value``; with no value (None) the data supplies it."""

    span: Span
    name: str
    name_span: Span
    dims: tuple[Dim, ...]
    value: Expr | ArrayLiteral | NumberArray | TableLiteral | None


@dataclass(frozen=True)
class SetDecl:
    """``set products = {bolt, nut}``; with no labels (None) a data file supplies them."""

    span: Span
    name: str
    name_span: Span
    labels: tuple[str, ...] | None
    label_spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class DataFile:
    """``data "products.csv"``: a data file read next to the model."""

    span: Span
    path: str


@dataclass(frozen=True)
class Var:
    """``var name[dims] <domain>``; kind is real, log, int, bin or choice."""

    span: Span
    name: str
    name_span: Span
    dims: tuple[Dim, ...]
    kind: str
    lo: Expr | None
    hi: Expr | None
    labels: tuple[str, ...] = ()
    label_spans: tuple[Span, ...] = ()
    #: ``when COND``: the variable (each element) exists only where COND holds.
    condition: Expr | None = None


@dataclass(frozen=True)
class Let:
    """``let name[dims] = expr``."""

    span: Span
    name: str
    name_span: Span
    dims: tuple[Dim, ...]
    expr: Expr


@dataclass(frozen=True)
class Objective:
    """``minimize name[dims]: expr`` or ``maximize ...``."""

    span: Span
    sense: str
    name: str
    name_span: Span
    dims: tuple[Dim, ...]
    expr: Expr


@dataclass(frozen=True)
class Constraint:
    """``[soft] constraint name[dims]: lhs op rhs [tol eps] [weight w]``."""

    span: Span
    name: str
    name_span: Span
    dims: tuple[Dim, ...]
    relation: Expr
    tolerance: Expr | None
    weight: Expr | None
    soft: bool


@dataclass(frozen=True)
class Setting:
    """``key = value`` inside a solver block; value is an expression or a string."""

    span: Span
    key: str
    value: Expr | str


@dataclass(frozen=True)
class SolverBlock:
    """``solver nsga2 { key = value ... }``."""

    span: Span
    algorithm: str
    settings: tuple[Setting, ...]


@dataclass(frozen=True)
class Extern:
    """``extern name(args) = python "module:function" returns {a, b} [vectorized] [timeout T]``."""

    span: Span
    name: str
    name_span: Span
    args: tuple[str, ...]
    arg_spans: tuple[Span, ...]
    kind: str  # "python" or "program"
    target: str
    returns: tuple[str, ...]
    returns_spans: tuple[Span, ...]
    vectorized: bool
    timeout: Expr | None


Statement = (
    ProblemHeader | Include | Param | Var | Let | Objective | Constraint | SolverBlock | Extern
    | SetDecl | DataFile
)


@dataclass(frozen=True)
class Model:
    """A parsed file: its statements in order."""

    source: SourceFile
    statements: tuple[Statement, ...]


def names_in(node: object) -> set[str]:
    """Every name a node's expressions mention (bound or not), found by walking its fields.

    >>> sorted(names_in((Name(None, "i"), Negate(None, Name(None, "n")))))  # spans left out
    ['i', 'n']
    """
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, (tuple, list)):
        return set().union(*(names_in(item) for item in node)) if node else set()
    if not dataclasses.is_dataclass(node) or isinstance(node, (Span, SourceFile)):
        return set()
    return set().union(*(names_in(getattr(node, f.name)) for f in dataclasses.fields(node)))
