"""One self-contained HTML file per run: the interactive front, a sortable table, the problem as
mathematics, convergence, and the settings, seed and versions. It needs no network: the script
and style are embedded, and so is the data, as JSON."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from mooc.result import write_atomically

ASSETS = Path(__file__).resolve().parent / "assets"


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _numbers(values: np.ndarray) -> list[float | None]:
    return [_number(v) for v in np.asarray(values, dtype=float).ravel()]


def report_data(result: Any, true_front: np.ndarray | None = None) -> dict[str, Any]:
    """What the page's script draws, as plain JSON-ready data."""
    variables = result.variable_values()
    rows = [{"x": variables[k], "f": _numbers(result.F[k]), "v": _numbers(result.violation[k]),
             "s": _numbers(result.soft_violation[k]), "feasible": bool(result.feasible[k])}
            for k in range(len(result))]
    history = [{"generation": s.generation, "evaluations": s.evaluations,
                "front_size": s.front_size, "min_violation": _number(s.min_violation),
                "mean_violation": _number(s.mean_violation),
                "hypervolume": None if s.hypervolume is None else _number(s.hypervolume)}
               for s in result.history]
    front = None
    if true_front is not None:
        front = [_numbers(p) for p in np.asarray(true_front, dtype=float)]
    return {"objectives": list(result.objective_names), "senses": list(result.problem.senses),
            "variables": list(result.variable_names), "constraints": list(result.constraint_names),
            "soft": list(result.soft_constraint_names), "rows": rows, "history": history,
            "true_front": front}


def _embedded_json(value: Any) -> str:
    # "</" would end the script element early; JSON allows the escaped form.
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def _settings_list(metadata: dict[str, Any]) -> str:
    items = []
    for key, value in metadata.items():
        shown = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        items.append(f"<dt>{html.escape(key)}</dt><dd>{html.escape(shown)}</dd>")
    return "\n".join(items)


def render_report(result: Any, *, true_front: np.ndarray | None = None) -> str:
    """The report's HTML text."""
    from mooc.show import describe

    metadata = result.metadata()
    problem = result.problem
    title = html.escape(problem.title)
    warning = "" if result.feasible_found else \
        f'<p class="warn">{html.escape(result.message)}</p>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} — mooc report</title>
<style>{(ASSETS / "report.css").read_text(encoding="utf-8")}</style>
</head><body>
<h1>{title}</h1>
<p class="summary">{html.escape(result.message)} in {result.elapsed:.2f} s ({html.escape(result.how)}).
Model <code>{html.escape(str(problem.path or problem.name))}</code>, hash
<code>{metadata["model_hash"]}</code>.</p>
{warning}
<h2>Pareto front</h2>
<p id="axes">x: <select id="x-axis"></select> y: <select id="y-axis"></select></p>
<div id="front"></div>
<p class="summary">Hover a point to see its variables and violations.</p>
<h2>Front table</h2>
<div class="scroll"><table id="front-table"></table></div>
<h2>Problem</h2>
<pre class="math">{html.escape(describe(problem))}</pre>
<h2>Convergence</h2>
<div id="convergence"></div>
<h2>Settings and versions</h2>
<dl class="settings">{_settings_list(metadata)}</dl>
<div id="tooltip"></div>
<script type="application/json" id="mooc-data">{_embedded_json(report_data(result, true_front))}</script>
<script>{(ASSETS / "report.js").read_text(encoding="utf-8")}</script>
</body></html>
"""


def write_report(result: Any, path: str | os.PathLike[str], *,
                 true_front: np.ndarray | None = None) -> None:
    """Write the report atomically."""
    write_atomically(path, render_report(result, true_front=true_front))
