"""Pictures of a front with matplotlib (imported only here, only when a plot is asked for).

Two objectives: a scatter, with the true front drawn when known; three: a 3-D scatter; more: a
scatter matrix above parallel coordinates. Feasible and infeasible points are told apart and
axes carry objective names and directions.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from mooc.solver.checkpoint import write_bytes_atomically

FEASIBLE = {"color": "#1f77b4", "marker": "o", "label": "feasible"}
INFEASIBLE = {"color": "#d62728", "marker": "x", "label": "infeasible (least violating)"}


def axis_label(name: str, sense: str) -> str:
    return f"{name} ({'max' if sense == 'maximize' else 'min'})"


def _figure() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


#: Objectives whose largest size is outside this range are drawn in units of a power of ten
#: (matplotlib cannot scale an axis of values near 1e-300 or 1e300).
DRAWN_SIZES = (1e-30, 1e30)


def powers_of_ten(F: np.ndarray) -> np.ndarray:
    """Per objective, the power of ten its values are drawn in units of: 0 where their largest
    finite size is 0 or within :data:`DRAWN_SIZES`.

    Examples
    --------
    >>> powers_of_ten(np.array([[1e-300, 2.0, 5e40], [3e-301, 7.0, np.inf]])).tolist()
    [-300, 0, 40]
    """
    finite = np.where(np.isfinite(F), np.abs(F), 0.0)
    largest = finite.max(axis=0, initial=0.0)
    outside = (largest > 0) & ((largest < DRAWN_SIZES[0]) | (largest > DRAWN_SIZES[1]))
    with np.errstate(divide="ignore"):  # log10(0), where nothing is scaled
        powers = np.floor(np.log10(np.where(outside, largest, 1.0)))
    return np.maximum(powers, -323).astype(int)  # 10.0 ** -324 is 0


def drawn(values: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """``values`` (rows of objectives) in the units they are drawn in (see powers_of_ten)."""
    return values / 10.0 ** powers.astype(float)


def _groups(result: Any) -> list[tuple[np.ndarray, dict[str, str]]]:
    feasible = np.asarray(result.feasible, dtype=bool)
    shown = np.isfinite(result.F).all(axis=1)  # the others are counted in the title
    F = drawn(result.F, powers_of_ten(result.F))
    groups = [(F[feasible & shown], FEASIBLE), (F[~feasible & shown], INFEASIBLE)]
    return [(points, style) for points, style in groups if len(points)]


def front_count(result: Any) -> str:
    """How many points the front has, in words: how many are infeasible or cannot be drawn."""
    count = f"{len(result)} point{'s' if len(result) != 1 else ''}"
    if not result.feasible_found:
        count = "no feasible point" + (f"; {len(result)} least violating shown" if len(result)
                                       else "")
    hidden = int(np.sum(~np.isfinite(result.F).all(axis=1)))
    if hidden:
        count += f" ({hidden} not drawn: an objective is not a finite number)"
    return count


def _literal(text: str) -> str:
    """``text`` as matplotlib shows it as written: a '$' would start its mathematics."""
    return text.replace("$", r"\$")


def _drawn_labels(result: Any) -> list[str]:
    """Axis labels as drawn: in units of a power of ten where the values are (powers_of_ten)."""
    return [_literal(label) + (f" (× 1e{power})" if power else "")
            for label, power in zip(axis_labels(result), powers_of_ten(result.F), strict=True)]


def _title(result: Any) -> str:
    count = front_count(result)
    if getattr(result, "method", "nsga2") == "exact":
        return _literal(f"{result.problem.title}: {count} ({result.how})")
    return _literal(f"{result.problem.title}: {count}, {result.n_evaluations} evaluations "
                    f"(seed {result.seed})")


def _legend(axes: Any) -> None:
    """The legend, or where nothing is drawn, a word saying so."""
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=8)
    else:
        text = getattr(axes, "text2D", axes.text)  # 3-D axes place text in 2-D with text2D
        text(0.5, 0.5, "nothing to draw", transform=axes.transAxes, ha="center", va="center",
             color="#777777")


def plot_front(result: Any, path: str | os.PathLike[str] | None = None, *,
               true_front: np.ndarray | None = None) -> Any:
    """Draw ``result``'s front; save it to ``path`` (.png, .svg, .pdf) when given.

    Returns the matplotlib Figure.
    """
    plt = _figure()
    n_obj = result.F.shape[1]
    if n_obj == 1:
        figure = _plot_single(plt, result)
    elif n_obj == 2:
        figure = _plot_two(plt, result, true_front)
    elif n_obj == 3:
        figure = _plot_three(plt, result, true_front)
    else:
        figure = _plot_many(plt, result)
    from mooc.files import json_text

    figure.mooc_metadata = json_text(result.metadata())
    if path is not None:
        save_figure(figure, path)
        plt.close(figure)  # saved: pyplot need not keep it (a loop of plots would pile up)
    return figure


def save_figure(figure: Any, path: str | os.PathLike[str]) -> None:
    """Save atomically: drawn in memory, written to a temporary file beside ``path``, renamed."""
    suffix = Path(path).suffix or ".png"
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix[1:], dpi=120, bbox_inches="tight",
                   metadata=_file_metadata(figure, suffix))
    write_bytes_atomically(path, buffer.getvalue())


def _file_metadata(figure: Any, suffix: str) -> dict[str, str]:
    """The run's metadata as JSON, in the field each format keeps (PNG, SVG and PDF)."""
    run = getattr(figure, "mooc_metadata", None)
    if run is None:
        return {}
    return {".pdf": {"Subject": run}}.get(suffix, {"Description": run})


def axis_labels(result: Any) -> list[str]:
    """Each objective's axis label: its name and direction."""
    return [axis_label(n, s) for n, s in zip(result.objective_names, result.problem.senses,
                                             strict=True)]


def _plot_single(plt: Any, result: Any) -> Any:
    """One objective: the best points found, and the run's progress over evaluations."""
    figure, (best, progress) = plt.subplots(1, 2, figsize=(10, 4))
    for points, style in _groups(result):
        best.plot(np.arange(1, len(points) + 1), points[:, 0], linestyle="none", **style)
    best.set_xlabel("point of the result")
    best.set_ylabel(_drawn_labels(result)[0])
    _legend(best)
    history = [(s.evaluations, s.hypervolume) for s in result.history if s.hypervolume is not None]
    if history and result.reference_point is not None:
        # the hypervolume of one objective is its distance from the reference point
        evaluations, volumes = zip(*history, strict=True)
        sign = -1.0 if result.problem.senses[0] == "maximize" else 1.0
        values = float(result.reference_point[0]) - sign * np.asarray(volumes)
        progress.plot(evaluations, drawn(values[:, None], powers_of_ten(result.F))[:, 0],
                      color=FEASIBLE["color"])
    progress.set_xlabel("evaluations")
    progress.set_ylabel(f"best found: {_drawn_labels(result)[0]}")
    progress.grid(alpha=0.3)
    figure.suptitle(_title(result), fontsize=9)
    figure.tight_layout()
    return figure


def _plot_two(plt: Any, result: Any, true_front: np.ndarray | None) -> Any:
    figure, axes = plt.subplots(figsize=(6.4, 4.8))
    powers = powers_of_ten(result.F)
    if true_front is not None and len(true_front):
        true_front = drawn(true_front, powers)
        order = np.argsort(true_front[:, 0])
        axes.plot(true_front[order, 0], true_front[order, 1], ".", color="#999999",
                  markersize=2, label="true front")
    if getattr(result, "segments", False) and len(result) > 1:  # a linear program's front
        F = drawn(result.F, powers)
        order = np.argsort(F[:, 0])
        axes.plot(F[order, 0], F[order, 1], "-", color="#1f77b4", linewidth=1,
                  label="front (segments)")
    for points, style in _groups(result):
        axes.scatter(points[:, 0], points[:, 1], s=18, c=style["color"], marker=style["marker"],
                     label=style["label"])
    names = _drawn_labels(result)
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_title(_title(result), fontsize=9)
    axes.grid(alpha=0.3)
    _legend(axes)
    return figure


def _plot_three(plt: Any, result: Any, true_front: np.ndarray | None) -> Any:
    figure = plt.figure(figsize=(7, 6))
    axes = figure.add_subplot(projection="3d")
    if true_front is not None and len(true_front):
        axes.scatter(*drawn(true_front, powers_of_ten(result.F)).T[:3], s=1, c="#bbbbbb",
                     label="true front")
    for points, style in _groups(result):
        axes.scatter(*points.T[:3], s=16, c=style["color"], marker=style["marker"],
                     label=style["label"])
    names = _drawn_labels(result)
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_zlabel(names[2])
    axes.set_title(_title(result), fontsize=9)
    _legend(axes)
    return figure


def _plot_many(plt: Any, result: Any) -> Any:
    n_obj = result.F.shape[1]
    names = _drawn_labels(result)
    figure = plt.figure(figsize=(2.2 * n_obj, 2.2 * n_obj + 3))
    grid = figure.add_gridspec(n_obj + 2, n_obj)
    for row in range(n_obj):
        for col in range(n_obj):
            axes = figure.add_subplot(grid[row, col])
            _matrix_cell(axes, result, row, col, names)
    axes = figure.add_subplot(grid[n_obj:, :])
    _parallel_coordinates(axes, result, names)
    figure.suptitle(_title(result), fontsize=9)
    # the title's own band above the cells: tight_layout would lay the cells over it
    figure.tight_layout(rect=(0.0, 0.0, 1.0, 1.0 - 0.3 / figure.get_figheight()))
    return figure


def _matrix_cell(axes: Any, result: Any, row: int, col: int, names: list[str]) -> None:
    for points, style in _groups(result):
        if row == col:
            axes.hist(points[:, col], bins=15, color=style["color"], alpha=0.6)
        else:
            axes.scatter(points[:, col], points[:, row], s=6, c=style["color"],
                         marker=style["marker"])
    axes.tick_params(labelsize=6)
    if row == len(names) - 1:
        axes.set_xlabel(names[col], fontsize=7)
    if col == 0:
        axes.set_ylabel(names[row], fontsize=7)


def _parallel_coordinates(axes: Any, result: Any, names: list[str]) -> None:
    drawn = np.isfinite(result.F).all(axis=1)  # the others are counted in the title
    F, feasible = result.F[drawn], np.asarray(result.feasible, dtype=bool)[drawn]
    low, high = (F.min(axis=0), F.max(axis=0)) if len(F) else (0.0, 1.0)
    scaled = (F - low) / np.where(high > low, high - low, 1.0)
    positions = np.arange(F.shape[1])
    for k in range(F.shape[0]):
        style = FEASIBLE if feasible[k] else INFEASIBLE
        axes.plot(positions, scaled[k], color=style["color"], alpha=0.35, linewidth=0.8)
    axes.set_xticks(positions)
    axes.set_xticklabels(names, fontsize=7)
    axes.set_ylabel("scaled to [0, 1]", fontsize=7)
    axes.set_title("parallel coordinates", fontsize=8)
