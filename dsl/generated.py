"""Generated code and the compiled model built on it: loading the numpy source into a module
(its prelude does the static index checks), trying it on two points, and what a
:class:`mooc.Problem` holds. Needs numpy only, so that a model from the compile cache is loaded
without sympy or lark.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl import runtime, runtime_derivatives
from mooc.dsl.layout import ModelLayout
from mooc.errors import EvaluationError, ModelCheckError, ModelLimitError

if TYPE_CHECKING:
    from mooc.dsl.lowered import LoweredModel
    from mooc.extern_calls import ExternSpec


@dataclass
class DerivativeInfo:
    """Whether a model's ``derivatives`` were generated (else why not), where each statement
    is not differentiable, and for each hard constraint row its relation, whether it is
    linear and its written tolerance (0 for an equality without ``tol``)."""

    available: bool
    reason: str = ""
    notes: dict[str, list[str]] = field(default_factory=dict)
    relations: list[str] = field(default_factory=list)
    linear: list[bool] = field(default_factory=list)
    tolerances: list[float] = field(default_factory=list)


@dataclass
class GeneratedCode:
    """The numpy source of a model and the constants it refers to."""

    source: str
    constants: dict[str, object]
    site_spans: dict[int, object]
    n_obj: int
    n_hard: int
    n_soft: int
    soft_weights: np.ndarray
    objective_names: list[str] = field(default_factory=list)
    senses: list[str] = field(default_factory=list)
    hard_names: list[str] = field(default_factory=list)
    soft_names: list[str] = field(default_factory=list)
    #: whether ``_make_derivatives`` was generated (see mooc.dsl.codegen_jacobian), and what
    #: is known of the derivatives; None until they are first wanted
    #: (:func:`mooc.dsl.compiler.add_derivatives_to`)
    derivatives: DerivativeInfo | None = None


@dataclass
class CompiledModel:
    """A model ready to evaluate: its layout, generated code and evaluate function, and its
    lowered (sympy) form -- built again on first use when the model came from the cache."""

    layout: ModelLayout
    code: GeneratedCode
    evaluate: Any
    compile_seconds: float
    built: LoweredModel | None = None
    #: compiles the model afresh (for its lowered form), when ``built`` is None
    rebuild: Callable[[], CompiledModel] | None = field(default=None, repr=False)
    #: whether it came from the compile cache
    cached: bool = False
    #: writes the model to the compile cache again (once derivatives were added), if cached
    store: Callable[[CompiledModel], None] | None = field(default=None, repr=False)

    @property
    def lowered(self) -> LoweredModel:
        """The lowered form (``mooc show`` prints it); compiled now if the model was cached."""
        if self.built is None:
            assert self.rebuild is not None
            self.built = self.rebuild().lowered
        return self.built


_unique = count()

#: Names the generated code finds in its namespace (besides the model's constants).
_RUNTIME = {
    "numpy": np, "_index_range": runtime.index_range, "_rows": runtime.rows,
    "_take": runtime.take, "_param_pick": runtime.param_pick, "_labels": runtime.labels,
    "_reduce": runtime.reduce, "_family_rows": runtime.family_rows, "_column": runtime.column,
    "_violation": runtime.violation, "_active_rows": runtime.active_rows,
    "_present": runtime.present, "_contract": runtime.contract,
    "_contract_ragged": runtime.contract_ragged, "_in_chunks": runtime.in_chunks,
    "_gate": runtime.gate,
    **runtime_derivatives.NAMES,
}


def load_code(code: GeneratedCode, name: str, externs: tuple[ExternSpec, ...] | list[ExternSpec]
              ) -> Any:
    """Run the generated module of the model ``name`` (its prelude does the static index
    checks); return its evaluate function."""
    filename = f"<mooc generated {name} #{next(_unique)}>"
    # Registered like sympy's lambdify does, so a traceback shows the generated line.
    linecache.cache[filename] = (len(code.source), None, code.source.splitlines(True), filename)
    namespace: dict[str, object] = {**_RUNTIME, **code.constants, "_boxes": runtime.BoxSizes()}
    namespace["_extern_runner"] = runtime.NoExterns({spec.name: len(spec.returns)
                                                     for spec in externs})
    try:
        exec(compile(code.source, filename, "exec"), namespace)  # noqa: S102 - our own code
    except runtime.StaticIndexError as error:
        span = code.site_spans.get(error.site)
        kind = ModelLimitError if error.too_large else ModelCheckError
        raise kind(error.message, span) from None  # type: ignore[arg-type]
    return namespace["evaluate"]


def load_more(evaluate: Any, code: GeneratedCode, source: str, name: str) -> None:
    """Run ``source``, generated after ``code`` was loaded (its derivatives), in the namespace
    of ``code``'s evaluate function, with the constants it added."""
    filename = f"<mooc generated {name} (derivatives) #{next(_unique)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = evaluate.__globals__
    namespace.update({key: value for key, value in code.constants.items() if key not in namespace})
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own code


def probe(evaluate: Any, layout: ModelLayout, code: GeneratedCode) -> None:
    """Evaluate the lower and the upper bounds: the shapes must be right."""
    X = np.vstack([np.concatenate([b.lower for b in layout.variables]),
                   np.concatenate([b.upper for b in layout.variables])])
    try:
        F, G, S = evaluate(X)
    except Exception as error:  # a bug of ours, reported plainly rather than as a traceback
        raise EvaluationError(f"the generated code failed on a test point: {error!r}") from error
    expected = ((2, code.n_obj), (2, code.n_hard), (2, code.n_soft))
    if (F.shape, G.shape, S.shape) != expected:
        raise EvaluationError(f"the generated code returned shapes {F.shape}, {G.shape}, "
                              f"{S.shape}; expected {expected}")
