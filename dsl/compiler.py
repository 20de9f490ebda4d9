"""Stage 5: put the stages together. parse -> check -> lower -> generate -> load the code."""

from __future__ import annotations

import linecache
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import numpy as np

from mooc.dsl import runtime
from mooc.dsl.ast import Include
from mooc.dsl.check import check
from mooc.dsl.codegen import GeneratedCode, generate
from mooc.dsl.include import expand_includes
from mooc.dsl.lower import lower
from mooc.dsl.lowered import LoweredModel
from mooc.dsl.parser import parse
from mooc.errors import EvaluationError, ModelCheckError, ModelLimitError

_unique = count()

#: Names the generated code finds in its namespace (besides the model's constants).
_RUNTIME = {
    "numpy": np, "_index_range": runtime.index_range, "_rows": runtime.rows,
    "_take": runtime.take, "_param_pick": runtime.param_pick, "_labels": runtime.labels,
    "_reduce": runtime.reduce, "_family_rows": runtime.family_rows, "_column": runtime.column,
    "_violation": runtime.violation,
}


@dataclass
class CompiledModel:
    """A model ready to evaluate: its lowered form, generated code and evaluate function."""

    lowered: LoweredModel
    code: GeneratedCode
    evaluate: object
    compile_seconds: float


def load_code(code: GeneratedCode, lowered: LoweredModel) -> object:
    """Run the generated module (its prelude does the static index checks); return evaluate."""
    filename = f"<mooc generated {lowered.name} #{next(_unique)}>"
    # Registered like sympy's lambdify does, so a traceback shows the generated line.
    linecache.cache[filename] = (len(code.source), None, code.source.splitlines(True), filename)
    namespace: dict[str, object] = {**_RUNTIME, **code.constants}
    namespace["_extern_runner"] = runtime.NoExterns(
        {spec.name: len(spec.returns) for spec in lowered.externs})
    try:
        exec(compile(code.source, filename, "exec"), namespace)  # noqa: S102 - our own code
    except runtime.StaticIndexError as error:
        span = code.site_spans.get(error.site)
        kind = ModelLimitError if error.too_large else ModelCheckError
        raise kind(error.message, span) from None  # type: ignore[arg-type]
    return namespace["evaluate"]


def _probe(evaluate: object, lowered: LoweredModel, code: GeneratedCode) -> None:
    lower_bounds = np.concatenate([b.lower for b in lowered.variables])
    upper_bounds = np.concatenate([b.upper for b in lowered.variables])
    X = np.vstack([lower_bounds, upper_bounds])
    try:
        F, G, S = evaluate(X)  # type: ignore[operator]
    except Exception as error:  # a bug of ours, reported plainly rather than as a traceback
        raise EvaluationError(f"the generated code failed on a test point: {error!r}") from error
    expected = ((2, code.n_obj), (2, code.n_hard), (2, code.n_soft))
    if (F.shape, G.shape, S.shape) != expected:
        raise EvaluationError(f"the generated code returned shapes {F.shape}, {G.shape}, "
                              f"{S.shape}; expected {expected}")


def compile_text(text: str, filename: str = "<string>", params: dict | None = None
                 ) -> CompiledModel:
    """Compile a model's text to a :class:`CompiledModel`."""
    started = time.perf_counter()
    model = parse(text, filename)
    if any(isinstance(s, Include) for s in model.statements):
        from mooc.library import library_path

        base = Path(filename).parent if not filename.startswith("<") else Path.cwd()
        model = expand_includes(model, base=base, library=library_path)
    checker = check(model)
    lowered = lower(model, checker, params)
    code = generate(lowered)
    evaluate = load_code(code, lowered)
    _probe(evaluate, lowered, code)
    return CompiledModel(lowered, code, evaluate, time.perf_counter() - started)
