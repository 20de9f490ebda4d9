"""Stage 5: put the stages together. parse -> check -> lower -> generate -> load the code."""

from __future__ import annotations

import linecache
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import numpy as np

from mooc.dsl import runtime, runtime_derivatives
from mooc.dsl.ast import DataFile, Include, Model
from mooc.dsl.check import check
from mooc.dsl.codegen import GeneratedCode, generate
from mooc.dsl.codegen_jacobian import add_derivatives
from mooc.dsl.data import DataSource, as_sources, gather
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
    "_violation": runtime.violation, "_active_rows": runtime.active_rows,
    "_present": runtime.present, **runtime_derivatives.NAMES,
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


def _statement_sources(model: Model) -> list[DataSource]:
    """The files the model's ``data "FILE"`` statements name, next to the file each is in."""
    sources = []
    for statement in model.statements:
        if isinstance(statement, DataFile):
            where = Path(statement.span.source.name)
            folder = where.parent if where.is_file() else Path.cwd()
            shown = str(where.parent / statement.path) if where.is_file() else statement.path
            sources.append(DataSource(shown, folder / statement.path, span=statement.span))
    return sources


def compile_text(text: str, filename: str = "<string>", params: dict | None = None,
                 data: object = None) -> CompiledModel:
    """Compile a model's text to a :class:`CompiledModel`; ``data`` is a data file's path, a
    dict of values, or a list of them (see :func:`mooc.dsl.data.as_sources`)."""
    started = time.perf_counter()
    model = parse(text, filename)
    if any(isinstance(s, Include) for s in model.statements):
        from mooc.library import library_path

        base = Path(filename).parent if not filename.startswith("<") else Path.cwd()
        model = expand_includes(model, base=base, library=library_path)
    checker = check(model)
    bundle = gather(_statement_sources(model) + as_sources(data), checker.scope)
    lowered = lower(model, checker, params, bundle)
    code = generate(lowered)
    add_derivatives(code, lowered)
    evaluate = load_code(code, lowered)
    _probe(evaluate, lowered, code)
    return CompiledModel(lowered, code, evaluate, time.perf_counter() - started)
