"""What lowering produces: variable blocks, param values, families and the ordered steps
(definitions, constraints, extern calls) that code generation turns into numpy."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from mooc.dsl import ast
from mooc.dsl.layout import element_names
from mooc.extern_calls import ExternSpec


@dataclass
class VarBlock:
    """A declared variable, scalar or array, flattened into consecutive columns."""

    name: str
    kind: str
    shape: tuple[int, ...]
    starts: tuple[int, ...]
    lower: np.ndarray
    upper: np.ndarray
    first_column: int
    labels: tuple[str, ...] = ()
    #: per dimension, the labels of the named set it runs over (None for an integer range)
    dim_labels: tuple[tuple[str, ...] | None, ...] = ()
    #: ``when``: where each element exists, in terms of ``condition_indices`` (None: always)
    condition: sympy.Basic | None = None
    condition_indices: tuple[sympy.Symbol, ...] = ()

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    def element_names(self) -> list[str]:
        return element_names(self.name, self.starts, self.shape, self.dim_labels)


@dataclass
class ParamValue:
    """A param's value: a number, an array with the first index of each dimension, or a table."""

    name: str
    value: float | np.ndarray
    starts: tuple[int, ...] = ()
    label_of: str = ""
    #: per dimension, the labels of the named set it runs over (None for an integer range)
    dim_labels: tuple[tuple[str, ...] | None, ...] = ()


@dataclass
class Family:
    """The index dimensions of an indexed let, objective or constraint."""

    indices: tuple[sympy.Symbol, ...]
    starts: tuple[int, ...]
    shape: tuple[int, ...]
    dim_labels: tuple[tuple[str, ...] | None, ...] = ()
    dim_names: tuple[str, ...] = ()  # what each dimension runs over, for show: "1..3", "products"

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def member_names(self, name: str) -> list[str]:
        return element_names(name, self.starts, self.shape, self.dim_labels)


@dataclass
class Definition:
    """A let or an objective: ``name[family] = expr``."""

    role: str  # "let" or "objective"
    name: str
    expr: sympy.Expr
    family: Family | None
    span: ast.Span
    sense: str = ""


@dataclass
class ConstraintForm:
    """``lhs op rhs`` with its tolerance, weight and hardness."""

    name: str
    lhs: sympy.Expr
    op: str
    rhs: sympy.Expr
    tolerance: float
    weight: float
    soft: bool
    family: Family | None
    span: ast.Span
    #: ``==`` written without ``tol``: it holds within a relative tolerance (see
    #: :data:`mooc.dsl.runtime.EQUALITY_TOLERANCE`); so does one of a pinning pair
    default_tolerance: bool = False
    #: where its two sides are written (for messages that quote them)
    sides: tuple[ast.Span, ...] = ()
    #: the other hard constraints that, with this one, pin ``lhs - rhs`` to 0 (``A <= B``
    #: and ``A >= B``: see :mod:`mooc.dsl.pinned`)
    pinned_with: tuple[str, ...] = ()
    #: the first of such a group: the equality the search holds (projection, gradient steps,
    #: the linear form's equality row)
    held_equality: bool = False

    @property
    def relation(self) -> str:
        """How the search treats it: ``==`` for a pinning group's held equality."""
        return "==" if self.held_equality else self.op


@dataclass
class ExternCall:
    """Where an extern is called: its spec, and what each argument is."""

    spec: ExternSpec
    arguments: tuple[tuple[str, object], ...]  # (name, VarBlock | ("let", Family) | ParamValue)
    span: ast.Span

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class LoweredModel:
    """Everything code generation and the public API need, with values resolved."""

    name: str
    title: str
    source: ast.SourceFile
    variables: list[VarBlock] = field(default_factory=list)
    params: dict[str, ParamValue] = field(default_factory=dict)
    steps: list[Definition | ConstraintForm | ExternCall] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)
    method: str = "auto"  # the solver block's: auto, exact or nsga2
    sites: dict[object, ast.Span] = field(default_factory=dict)
    #: the named sets and their labels, in declaration order
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the data sources read (files as shown), for messages and records
    data_files: list[str] = field(default_factory=list)
    #: what the compiler made of the model that its author should know, in words
    notes: list[str] = field(default_factory=list)

    @property
    def n_var(self) -> int:
        return sum(block.size for block in self.variables)

    @property
    def conditional(self) -> bool:
        """Whether some variable is declared with ``when``."""
        return any(block.condition is not None for block in self.variables)

    @property
    def externs(self) -> list[ExternSpec]:
        return [step.spec for step in self.steps if isinstance(step, ExternCall)]
