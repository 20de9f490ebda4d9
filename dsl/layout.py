"""What a compiled model is to the rest of mooc, in plain values: its variables' columns,
bounds and kinds, its params' values, sets, settings, externs and source text.

:class:`mooc.Problem` reads this rather than the lowered (sympy) form, so a model loaded from
the compile cache needs neither sympy nor lark. :func:`layout_of` takes it from a lowered model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl.span import SourceFile, Span

if TYPE_CHECKING:
    from mooc.dsl.lowered import LoweredModel
    from mooc.extern_calls import ExternSpec


def element_names(name: str, starts: tuple[int, ...], shape: tuple[int, ...],
                  dim_labels: tuple[tuple[str, ...] | None, ...] = ()) -> list[str]:
    """``name[1]``, ``name[2, 3]``, ``name[bolt]`` ...: each element, last index fastest; a
    dimension over a named set shows its labels."""
    if not shape:
        return [name]
    labels = dim_labels or (None,) * len(shape)
    axes = [tuple(str(i) for i in range(s, s + n)) if names is None else names
            for s, n, names in zip(starts, shape, labels, strict=True)]
    return [f"{name}[{', '.join(t)}]" for t in itertools.product(*axes)]


@dataclass
class BlockLayout:
    """A declared variable's columns: consecutive from ``first_column``, last index fastest."""

    name: str
    kind: str
    shape: tuple[int, ...]
    starts: tuple[int, ...]
    lower: np.ndarray
    upper: np.ndarray
    first_column: int
    labels: tuple[str, ...] = ()
    dim_labels: tuple[tuple[str, ...] | None, ...] = ()
    #: declared with ``when``: it exists only at some points
    conditional: bool = False

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    def element_names(self) -> list[str]:
        return element_names(self.name, self.starts, self.shape, self.dim_labels)


@dataclass
class ModelLayout:
    """Everything :class:`mooc.Problem` needs of a compiled model besides its generated code."""

    name: str
    title: str
    source: SourceFile
    variables: list[BlockLayout] = field(default_factory=list)
    #: each param's value: a number or an array
    params: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    externs: tuple[ExternSpec, ...] = ()
    #: where each extern is declared, to point at when running it is not allowed
    extern_spans: tuple[Span, ...] = ()
    data_files: list[str] = field(default_factory=list)
    #: the solver block's method: auto, exact, nsga2 or nsga3
    method: str = "auto"
    #: the model's structure in plain form (see :mod:`mooc.dsl.linear_form`)
    structure: dict[str, Any] | None = None
    #: what the compiler made of the model that its author should know, in words (two
    #: constraints that pin an expression: :mod:`mooc.dsl.pinned`)
    notes: list[str] = field(default_factory=list)

    @property
    def conditional(self) -> bool:
        """Whether some variable is declared with ``when``."""
        return any(block.conditional for block in self.variables)


def layout_of(lowered: LoweredModel) -> ModelLayout:
    """The plain layout of a lowered model."""
    blocks = [BlockLayout(b.name, b.kind, b.shape, b.starts, b.lower, b.upper, b.first_column,
                          b.labels, b.dim_labels, b.condition is not None)
              for b in lowered.variables]
    calls = [step for step in lowered.steps if hasattr(step, "spec")]
    return ModelLayout(
        lowered.name, lowered.title, lowered.source, blocks,
        {name: p.value for name, p in lowered.params.items()}, dict(lowered.settings),
        dict(lowered.sets), tuple(step.spec for step in calls),  # type: ignore[attr-defined]
        tuple(step.span for step in calls), list(lowered.data_files),  # type: ignore[attr-defined]
        lowered.method, notes=list(lowered.notes))
