"""Interactive figures of a result with plotly (imported here, only when a figure is made).

The front: two objectives as a scatter, three as a 3-D scatter, more as a scatter matrix with
parallel coordinates beside; one objective as its values by point. Feasible and infeasible
points are told apart, every evaluation the run kept is drawn faintly behind (dominated or
infeasible), the true front when known (the axes keep to the result, so it never stretches
them), the segments between consecutive points where they are on the front too (a linear
program's exact front of two objectives), and the picked point as a star. Each point's
hover card is short: its number, the objectives, a few variables and the violated
constraints. Convergence: the hypervolume against the run's fixed reference point over
evaluations (the number the progress line and the summary print), or the best value for one
objective.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from mooc import plot
from mooc.errors import UsageError
from mooc.table import format_point

FEASIBLE = "#1f77b4"
INFEASIBLE = "#d62728"
PICKED = "#ff7f0e"
FAINT = "rgba(120, 120, 120, 0.25)"
TRUE_FRONT = "#9a9a9a"
#: At most this many kept evaluations are drawn (evenly thinned beyond).
MAX_CLOUD = 5000
#: Variables and violations listed in a hover card before "... and N more".
CARD_VARIABLES = 6
CARD_VIOLATIONS = 4


def plotly() -> Any:
    """plotly.graph_objects, or a UsageError saying how to install it."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise UsageError("interactive figures and the report need plotly: pip install plotly") from None
    return go


def _short(value: Any) -> str:
    """A value for a hover card (plotly reads its text as HTML: escaped); a variable that does
    not exist at the point (None) as the report's table shows it."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


# plotly reads titles, labels and cards as HTML: a name like 'make[<b>]' is shown as written
def axis_label(name: str, sense: str) -> str:
    return html.escape(plot.axis_label(name, sense))


def axis_labels(result: Any) -> list[str]:
    return [html.escape(label) for label in plot.axis_labels(result)]


def hover_cards(result: Any) -> list[str]:
    """A short hover card per front point (HTML for plotly's hover label)."""
    problem = result.problem
    variables = result.variable_values()
    cards = []
    for k in range(len(result)):
        lines = [f"<b>point {k + 1}</b> · {'feasible' if result.feasible[k] else 'infeasible'}"]
        lines.append(", ".join(f"{_short(n)} = {_short(float(v))}"
                               for n, v in zip(problem.objective_names, result.F[k], strict=True)))
        shown = [f"{_short(n)} = {_short(v)}" for n, v in zip(problem.variable_names, variables[k],
                                                        strict=True)]
        more = len(shown) - CARD_VARIABLES
        shown = shown[:CARD_VARIABLES]
        for start in range(0, len(shown), 3):
            lines.append(", ".join(shown[start:start + 3]))
        if more > 0:
            lines.append(f"… and {more} more variable{'s' if more > 1 else ''}")
        lines.extend(_violation_lines(result, k))
        cards.append("<br>".join(lines))
    return cards


def _violation_lines(result: Any, k: int) -> list[str]:
    names = [*result.problem.constraint_names, *(f"{n} (soft)" for n in
                                                 result.problem.soft_constraint_names)]
    values = np.concatenate([result.violation[k], result.soft_violation[k]])
    broken = [f"{_short(n)} violated by {_short(float(v))}" for n, v in zip(names, values, strict=True)
              if v != 0]
    if len(broken) > CARD_VIOLATIONS:
        broken = broken[:CARD_VIOLATIONS] + [f"… and {len(broken) - CARD_VIOLATIONS} more"]
    return broken


def _cloud(evaluations: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The kept evaluations not on the front (objectives, feasible), thinned to MAX_CLOUD."""
    if evaluations is None or not len(evaluations):
        return None
    rest = ~np.asarray(evaluations.on_front, dtype=bool)
    F, feasible = evaluations.F[rest], evaluations.feasible[rest]
    finite = np.isfinite(F).all(axis=1)
    F, feasible = F[finite], feasible[finite]
    if F.shape[0] > MAX_CLOUD:
        keep = np.linspace(0, F.shape[0] - 1, MAX_CLOUD).astype(int)
        F, feasible = F[keep], feasible[keep]
    return F, feasible


def _span(values: np.ndarray) -> list[float] | None:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    low, high = float(finite.min()), float(finite.max())
    pad = (high - low) * 0.05 or max(abs(low) * 0.05, 0.5)
    return [low - pad, high + pad]


def front_figure(result: Any, *, true_front: np.ndarray | None = None,
                 evaluations: Any = None) -> Any:
    """The front as a plotly Figure (see the module); ``evaluations`` defaults to the ones
    the result kept in memory."""
    go = plotly()
    if evaluations is None:
        evaluations = result.evaluations_table
    n_obj = result.F.shape[1]
    if n_obj == 1:
        figure = _one(go, result, evaluations)
    elif n_obj == 2:
        figure = _two(go, result, true_front, evaluations)
    elif n_obj == 3:
        figure = _three(go, result, true_front, evaluations)
    else:
        figure = _many(go, result)
    figure.update_layout(template="plotly_white", margin={"l": 60, "r": 20, "t": 40, "b": 50},
                         legend={"orientation": "h", "y": -0.15},
                         hoverlabel={"font": {"size": 11}, "align": "left"},
                         title={"text": _title(result), "font": {"size": 13}})
    return figure


def _title(result: Any) -> str:
    count = plot.front_count(result)
    if result.method == "exact":
        return html.escape(f"{result.problem.title}: {count} ({result.how})")
    return html.escape(f"{result.problem.title}: {count}, {result.n_evaluations} evaluations")


def _groups(result: Any) -> list[tuple[np.ndarray, str, str, str]]:
    feasible = np.asarray(result.feasible, dtype=bool)
    groups = [(feasible.nonzero()[0], "front (feasible)", FEASIBLE, "circle"),
              ((~feasible).nonzero()[0], "front (infeasible: least violating)", INFEASIBLE, "x")]
    return [group for group in groups if group[0].size]


def _picked(result: Any) -> int | None:
    return None if result.picked is None else int(result.picked.index)


def _two(go: Any, result: Any, true_front: np.ndarray | None, evaluations: Any) -> Any:
    figure = go.Figure()
    cloud = _cloud(evaluations)
    if cloud is not None:
        F, feasible = cloud
        for mask, name in ((feasible, "evaluated, dominated"), (~feasible, "evaluated, infeasible")):
            if mask.any():
                figure.add_trace(go.Scatter(x=F[mask, 0], y=F[mask, 1], mode="markers",
                                            name=name, hoverinfo="skip", marker={
                                                "color": FAINT if name.endswith("dominated")
                                                else "rgba(214, 39, 40, 0.18)", "size": 4}))
    if true_front is not None and len(true_front):
        order = np.argsort(true_front[:, 0])
        figure.add_trace(go.Scatter(x=true_front[order, 0], y=true_front[order, 1], mode="lines",
                                    name="true front", hoverinfo="skip",
                                    line={"color": TRUE_FRONT, "width": 1.5, "dash": "dot"}))
    _add_segments(go, figure, result)
    cards = hover_cards(result)
    for rows, name, color, symbol in _groups(result):
        figure.add_trace(go.Scatter(
            x=result.F[rows, 0], y=result.F[rows, 1], mode="markers", name=name,
            customdata=rows.tolist(), text=[cards[k] for k in rows], hovertemplate="%{text}<extra></extra>",
            marker={"color": color, "symbol": symbol, "size": 7,
                    "line": {"color": "white", "width": 0.5}}))
    chosen = _picked(result)
    if chosen is not None:
        figure.add_trace(go.Scatter(
            x=[result.F[chosen, 0]], y=[result.F[chosen, 1]], mode="markers",
            name=f"picked ({result.picked.rule})", customdata=[chosen], text=[cards[chosen]],
            hovertemplate="%{text}<extra>picked</extra>",
            marker={"color": PICKED, "symbol": "star", "size": 18,
                    "line": {"color": "black", "width": 1}}))
    names = axis_labels(result)
    figure.update_xaxes(title=names[0], range=_span(result.F[:, 0]))
    figure.update_yaxes(title=names[1], range=_span(result.F[:, 1]))
    figure.update_layout(height=520, dragmode="zoom")
    return figure


def _add_segments(go: Any, figure: Any, result: Any) -> None:
    """The segments joining consecutive points, where the result says they are on the front
    too (a linear program's exact front: its points are the vertices), as the static plot
    draws them."""
    if not getattr(result, "segments", False) or len(result) < 2:
        return
    order = np.argsort(result.F[:, 0], kind="stable")
    figure.add_trace(go.Scatter(x=result.F[order, 0], y=result.F[order, 1], mode="lines",
                                name="front (segments)", hoverinfo="skip",
                                line={"color": FEASIBLE, "width": 1.5}))


def _three(go: Any, result: Any, true_front: np.ndarray | None, evaluations: Any) -> Any:
    figure = go.Figure()
    cloud = _cloud(evaluations)
    if cloud is not None:
        F, _ = cloud
        figure.add_trace(go.Scatter3d(x=F[:, 0], y=F[:, 1], z=F[:, 2], mode="markers",
                                      name="evaluated, dominated or infeasible",
                                      hoverinfo="skip", marker={"color": FAINT, "size": 2}))
    ranges = [_span(result.F[:, j]) for j in range(3)]
    if true_front is not None and len(true_front):
        inside = np.ones(len(true_front), dtype=bool)
        for j, span in enumerate(ranges):
            if span is not None:
                inside &= (true_front[:, j] >= span[0]) & (true_front[:, j] <= span[1])
        shown = true_front[inside]
        figure.add_trace(go.Scatter3d(x=shown[:, 0], y=shown[:, 1], z=shown[:, 2],
                                      mode="markers", name="true front", hoverinfo="skip",
                                      marker={"color": TRUE_FRONT, "size": 1.5}))
    cards = hover_cards(result)
    for rows, name, color, symbol in _groups(result):
        figure.add_trace(go.Scatter3d(
            x=result.F[rows, 0], y=result.F[rows, 1], z=result.F[rows, 2], mode="markers",
            name=name, customdata=rows.tolist(), text=[cards[k] for k in rows],
            hovertemplate="%{text}<extra></extra>",
            marker={"color": color, "size": 4, "symbol": "x" if symbol == "x" else "circle"}))
    chosen = _picked(result)
    if chosen is not None:
        figure.add_trace(go.Scatter3d(
            x=[result.F[chosen, 0]], y=[result.F[chosen, 1]], z=[result.F[chosen, 2]],
            mode="markers", name=f"picked ({result.picked.rule})", customdata=[chosen],
            text=[cards[chosen]], hovertemplate="%{text}<extra>picked</extra>",
            marker={"color": PICKED, "size": 9, "symbol": "diamond",
                    "line": {"color": "black", "width": 1}}))
    names = axis_labels(result)
    scene = {axis: {"title": names[j], "range": ranges[j]}
             for j, axis in enumerate(("xaxis", "yaxis", "zaxis"))}
    figure.update_layout(height=620, scene=scene)
    return figure


def _many_colors(result: Any) -> tuple[np.ndarray, list[list[Any]]]:
    color = np.where(result.feasible, 0.0, 1.0)
    chosen = _picked(result)
    if chosen is not None:
        color[chosen] = 2.0
    return color, [[0.0, FEASIBLE], [0.5, INFEASIBLE], [1.0, PICKED]]


def _many(go: Any, result: Any) -> Any:
    """A scatter matrix (the lower half) of four or more objectives."""
    names = axis_labels(result)
    color, scale = _many_colors(result)
    figure = go.Figure(go.Splom(
        dimensions=[{"label": n, "values": result.F[:, j].tolist()} for j, n in enumerate(names)],
        customdata=list(range(len(result))), text=hover_cards(result),
        hovertemplate="%{text}<extra></extra>", diagonal={"visible": False},
        showupperhalf=False, name="front",
        marker={"color": color.tolist(), "colorscale": scale, "cmin": 0, "cmax": 2, "size": 5}))
    figure.update_layout(height=180 * len(names) + 80, dragmode="select")
    return figure


def parallel_figure(result: Any) -> Any:
    """The front in parallel coordinates (drag along an axis to filter), the picked point in
    orange and infeasible points in red."""
    go = plotly()
    names = axis_labels(result)
    color, scale = _many_colors(result)
    figure = go.Figure(go.Parcoords(
        dimensions=[{"label": n, "values": result.F[:, j].tolist()} for j, n in enumerate(names)],
        line={"color": color.tolist(), "colorscale": scale, "cmin": 0, "cmax": 2}))
    figure.update_layout(template="plotly_white", height=420,
                         margin={"l": 60, "r": 60, "t": 60, "b": 30})
    return figure


def _front_numbers(result: Any, evaluations: Any) -> np.ndarray:
    """Each front point's evaluation number (its row + 1 when the evaluations were not kept)."""
    rows = np.arange(len(result))
    if evaluations is None or not len(evaluations):
        return rows + 1
    from mooc.evaluations import row_key

    kept = evaluations.on_front.nonzero()[0]  # matched as on_front was: NaN (not there) too
    number = {row_key(evaluations.X[k]): int(evaluations.number[k]) for k in kept}
    return np.array([number.get(row_key(x), -1) for x in np.asarray(result.X)]) + 1


def _one(go: Any, result: Any, evaluations: Any) -> Any:
    """One objective: every kept evaluation's value by its number, the front's points on it."""
    figure = go.Figure()
    name = axis_label(result.objective_names[0], result.problem.senses[0])
    cards = hover_cards(result)
    where = _front_numbers(result, evaluations)
    if evaluations is not None and len(evaluations):
        finite = np.isfinite(evaluations.F[:, 0])
        figure.add_trace(go.Scatter(x=evaluations.number[finite] + 1, y=evaluations.F[finite, 0],
                                    mode="markers", name="evaluated", hoverinfo="skip",
                                    marker={"color": FAINT, "size": 4}))
    for rows, label, color, symbol in _groups(result):
        figure.add_trace(go.Scatter(
            x=where[rows], y=result.F[rows, 0], mode="markers", name=label,
            customdata=rows.tolist(), text=[cards[k] for k in rows],
            hovertemplate="%{text}<extra></extra>",
            marker={"color": color, "symbol": symbol, "size": 8}))
    chosen = _picked(result)
    if chosen is not None:
        figure.add_trace(go.Scatter(
            x=[where[chosen]], y=[result.F[chosen, 0]], mode="markers",
            name=f"picked ({result.picked.rule})", customdata=[chosen], text=[cards[chosen]],
            hovertemplate="%{text}<extra>picked</extra>",
            marker={"color": PICKED, "symbol": "star", "size": 18,
                    "line": {"color": "black", "width": 1}}))
    figure.update_xaxes(title="evaluation" if evaluations is not None else "point of the result")
    figure.update_yaxes(title=name)
    figure.update_layout(height=420)
    return figure


def convergence_figure(result: Any) -> Any:
    """Hypervolume against the run's fixed reference point over evaluations (the numbers the
    progress line prints, ending on the summary's), or the best value for one objective, or
    the least violation while nothing feasible was found."""
    go = plotly()
    history = result.history
    figure = go.Figure()
    evaluations = [s.evaluations for s in history]
    n_obj = result.F.shape[1]
    volumes = [s.hypervolume for s in history]
    if n_obj == 1 and result.reference_point is not None:
        ref = float(result.reference_point[0])
        sign = -1.0 if result.problem.senses[0] == "maximize" else 1.0
        best = [None if v is None else ref - sign * v for v in volumes]
        figure.add_trace(go.Scatter(x=evaluations, y=best, mode="lines+markers", name="best",
                                    marker={"size": 4}, connectgaps=False))
        title = f"best {axis_label(result.objective_names[0], result.problem.senses[0])}"
    elif any(v is not None for v in volumes):
        figure.add_trace(go.Scatter(x=evaluations, y=volumes, mode="lines+markers",
                                    name="population's front", marker={"size": 4}))
        if result.hypervolume is not None:
            figure.add_trace(go.Scatter(
                x=[result.n_evaluations], y=[result.hypervolume], mode="markers+text",
                name="final front (the summary's number)", text=[f"{result.hypervolume:.6g}"],
                textposition="top left", marker={"size": 10, "color": PICKED}))
        point = format_point(result.reference_point)
        figure.update_layout(title={"text": f"hypervolume against the reference point {point}",
                                    "font": {"size": 13}})
        title = "hypervolume"
    else:
        figure.add_trace(go.Scatter(x=evaluations, y=[s.front_size for s in history],
                                    mode="lines", name="front size"))
        title = "points in the population's front"
    if any(s.min_violation > 0 for s in history):
        figure.add_trace(go.Scatter(x=evaluations, y=[s.min_violation for s in history],
                                    mode="lines", name="least violation", yaxis="y2",
                                    line={"dash": "dot", "color": INFEASIBLE}))
        figure.update_layout(yaxis2={"title": "least violation", "overlaying": "y",
                                     "side": "right", "showgrid": False})
    figure.update_layout(template="plotly_white", height=340, xaxis_title="evaluations",
                         yaxis_title=title, margin={"l": 60, "r": 60, "t": 40, "b": 50},
                         legend={"orientation": "h", "y": -0.3})
    return figure
