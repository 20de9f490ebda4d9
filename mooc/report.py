"""One self-contained HTML file per run: the interactive front (plotly: zoom, pan, hover cards,
3-D, scatter matrix and parallel coordinates), the front's table linked to the points, the
picked point, the problem as mathematics, convergence, and the settings, seed and versions.

It needs no network: plotly's JavaScript is embedded once, whatever the number of figures, and
the figures and the table are embedded as JSON.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from mooc.files import write_atomically
from mooc.table import format_point

ASSETS = Path(__file__).resolve().parent / "assets"


def _number(value: float) -> float | dict[str, str]:
    """A number for the table's JSON, which has no inf or NaN: those as ``{"number": "inf"}``
    (``-inf``, ``nan``), told apart from ``null``, a variable that does not exist at the point
    (and from a choice label, a string)."""
    if np.isfinite(value):
        return float(value)
    return {"number": "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")}


def table_data(result: Any) -> dict[str, Any]:
    """The front's table as JSON-ready data: columns and a row per point (a number that is not
    finite as :func:`_number` writes it, a variable that does not exist as ``null``)."""
    n_var = len(result.variable_names)
    columns = result.columns()
    order = [*range(n_var, len(columns)), *range(n_var)]  # objectives first, as in the terminal
    rows = []
    for k, row in enumerate(result.rows()):
        rows.append([k + 1, *[_number(row[j]) if isinstance(row[j], float) else row[j]
                              for j in order]])
    return {"columns": ["#", *[columns[j] for j in order]], "rows": rows,
            "picked": None if result.picked is None else int(result.picked.index)}


def _embedded_json(value: Any) -> str:
    # "</" would end the script element early; JSON allows the escaped form.
    return json.dumps(value, separators=(",", ":"), default=_plain).replace("</", "<\\/")


def _plain(value: Any) -> Any:
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot embed {type(value).__name__}")


def _figure_json(figure: Any) -> str:
    return str(figure.to_json()).replace("</", "<\\/")


def _settings_list(metadata: dict[str, Any]) -> str:
    items = []
    for key, value in metadata.items():
        shown = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        items.append(f"<dt>{html.escape(key)}</dt><dd>{html.escape(shown)}</dd>")
    return "\n".join(items)


def _mathematics(result: Any) -> str:
    """The problem as mathematics, ending on the method that ran (not the one its file asks
    for: flags and settings may have chosen another)."""
    problem = result.problem
    if hasattr(problem, "_compiled"):
        from mooc.show import describe

        return str(describe(problem, method=result.method_note or None))
    return str(problem.source)


def _picked_box(result: Any) -> str:
    if result.picked is None:
        return ""
    chosen = result.picked
    values = ", ".join(f"{html.escape(n)} = {v:.6g}" for n, v in
                       zip(result.objective_names, chosen.f, strict=True))
    return (f'<p class="picked" id="picked">Picked by <b>{html.escape(chosen.rule)}</b>: '
            f'point {chosen.index + 1} ({values}), the star in the plot and the marked row.</p>')


def _hypervolume_line(result: Any) -> str:
    if result.hypervolume is None or result.reference_point is None:
        return ""
    point = format_point(result.reference_point)
    return (f"<p class=\"summary\">Front {len(result)} points, hypervolume "
            f"{result.hypervolume:.6g} against the reference point {point} (fixed from the "
            "first population; the number the progress line ends on).</p>")


def render_report(result: Any, *, true_front: np.ndarray | None = None,
                  evaluations: Any = None) -> str:
    """The report's HTML text; ``evaluations`` (default: those the result kept) are drawn
    faintly behind the front."""
    from mooc.figures import convergence_figure, front_figure, parallel_figure, plotly

    plotly()  # a clear message when plotly is missing
    from plotly.offline import get_plotlyjs

    if evaluations is None:
        evaluations = result.evaluations
    metadata = result.metadata()
    problem = result.problem
    title = html.escape(problem.title)
    warning = "" if result.feasible_found else f'<p class="warn">{html.escape(result.message)}</p>'
    front = front_figure(result, true_front=true_front, evaluations=evaluations)
    parallel, parallel_json = "", ""
    if result.F.shape[1] > 3:
        parallel = '<h3>Parallel coordinates</h3><div id="parallel" class="figure"></div>'
        parallel_json = (f'<script type="application/json" id="parallel-figure">'
                         f'{_figure_json(parallel_figure(result))}</script>')
    kept = "" if evaluations is None else \
        f" Grey: the other {len(evaluations) - int(np.sum(evaluations.on_front))} evaluations."
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — mooc report</title>
<style>{(ASSETS / "report.css").read_text(encoding="utf-8")}</style>
<script>{get_plotlyjs()}</script>
</head><body>
<h1>{title}</h1>
<p class="summary">{html.escape(result.message)} in {result.elapsed:.2f} s ({html.escape(result.how)}).
Model <code>{html.escape(str(problem.path or problem.name))}</code>, hash
<code>{metadata["model_hash"]}</code>.</p>
{_hypervolume_line(result)}
{warning}
{_picked_box(result)}
<h2>Pareto front</h2>
<p class="hint">Drag to zoom, double-click to zoom out, hover a point for its card, click it to
find its row.{kept}</p>
<div id="front" class="figure"></div>
{parallel}
<h2>Front table</h2>
<p class="hint">Click a column to sort, a row to show its point.</p>
<div class="scroll" id="table-scroll"><table id="front-table"></table></div>
<h2>Convergence</h2>
<div id="convergence" class="figure"></div>
<h2>Problem</h2>
<pre class="math">{html.escape(_mathematics(result))}</pre>
<h2>Settings and versions</h2>
<dl class="settings">{_settings_list(metadata)}</dl>
<script type="application/json" id="front-figure">{_figure_json(front)}</script>
<script type="application/json" id="convergence-figure">{_figure_json(convergence_figure(result))}</script>
{parallel_json}
<script type="application/json" id="front-table-data">{_embedded_json(table_data(result))}</script>
<script>{(ASSETS / "report.js").read_text(encoding="utf-8")}</script>
</body></html>
"""


def write_report(result: Any, path: str | os.PathLike[str], *,
                 true_front: np.ndarray | None = None, evaluations: Any = None) -> None:
    """Write the report atomically."""
    write_atomically(path, render_report(result, true_front=true_front, evaluations=evaluations))
