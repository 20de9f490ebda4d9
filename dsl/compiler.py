"""Stage 5: put the stages together. parse -> check -> lower -> generate -> load the code."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mooc.dsl.ast import DataFile, Include, Model
from mooc.dsl.check import check
from mooc.dsl.codegen import generate
from mooc.dsl.codegen_jacobian import add_derivatives
from mooc.dsl.data import DataSource, as_sources, gather
from mooc.dsl.generated import CompiledModel, DerivativeInfo, load_code, load_more, probe
from mooc.dsl.include import expand_includes
from mooc.dsl.layout import layout_of
from mooc.dsl.linear_form import to_plain
from mooc.dsl.lower import lower
from mooc.dsl.parser import parse
from mooc.dsl.reads import is_file
from mooc.dsl.structure import analyze

__all__ = ["CompiledModel", "add_derivatives_to", "compile_text", "load_code"]


def _statement_sources(model: Model) -> list[DataSource]:
    """The files the model's ``data "FILE"`` statements name, next to the file each is in."""
    sources = []
    for statement in model.statements:
        if isinstance(statement, DataFile):
            where = Path(statement.span.source.name)
            beside = is_file(where)
            folder = where.parent if beside else Path.cwd()
            shown = str(where.parent / statement.path) if beside else statement.path
            sources.append(DataSource(shown, folder / statement.path, span=statement.span))
    return sources


def compile_text(text: str, filename: str = "<string>", params: dict | None = None,
                 data: object = None) -> CompiledModel:
    """Compile a model's text to a :class:`CompiledModel`; ``data`` is a data file's path, a
    dict of values, or a list of them (see :func:`mooc.dsl.data.as_sources`)."""
    with _collector_paused():
        return _compile(text, filename, params, data)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while compiling: the stages make hundreds of thousands of
    small objects (AST nodes, sympy expressions), and the collector's passes over them took a
    sixth of the time of a large model. Whatever cycles they leave are collected afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compile(text: str, filename: str, params: dict | None, data: object) -> CompiledModel:
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
    layout = layout_of(lowered)
    layout.structure = to_plain(analyze(lowered))  # found once, and kept by the cache
    evaluate = load_code(code, layout.name, layout.externs)
    probe(evaluate, layout, code)
    return CompiledModel(layout, code, evaluate, time.perf_counter() - started, lowered)


def add_derivatives_to(compiled: CompiledModel, *, guard: bool = True) -> DerivativeInfo:
    """The model's derivatives, generated the first time they are wanted (compiling does not
    spend the time): ``_make_derivatives`` joins the loaded code, and the compile cache's entry
    is written again with it, so a later load has them at once. Derivatives are optional: with
    ``guard``, a failure of ours to generate them leaves the model without them, saying why
    (the fuzzer turns the guard off, to see such failures)."""
    code = compiled.code
    if code.derivatives is None:
        start, constants = len(code.source), dict(code.constants)
        try:
            add_derivatives(code, compiled.lowered)
            load_more(compiled.evaluate, code, code.source[start:], compiled.layout.name)
        except Exception as error:  # noqa: BLE001 - see guard
            if not guard:
                raise
            code.source, code.constants = code.source[:start], constants
            code.derivatives = DerivativeInfo(
                False, f"they could not be generated ({type(error).__name__}: {error})")
        if compiled.store is not None:
            compiled.store(compiled)
    assert code.derivatives is not None
    return code.derivatives
