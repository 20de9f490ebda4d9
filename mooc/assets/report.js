// mooc run report: draws the front, the table and the convergence chart from the embedded data.
// No network and no libraries: everything the page needs is in this file and the JSON beside it.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("mooc-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const fmt = (v) => (v === null || v === undefined) ? "—" :
    (typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))) : String(v));

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function ticks(lo, hi, count) {
    if (!(hi > lo)) { return [lo]; }
    const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= count) || step * 10;
    const out = [];
    for (let t = Math.ceil(lo / nice) * nice; t <= hi + nice * 1e-9; t += nice) out.push(+t.toPrecision(12));
    return out;
  }

  function frame(parent, width, height, xs, ys, xLabel, yLabel) {
    const m = { left: 64, right: 16, top: 12, bottom: 44 };
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "chart" }, parent);
    const finite = (a) => a.filter((v) => v !== null && isFinite(v));
    const fx = finite(xs), fy = finite(ys);
    let [x0, x1] = [Math.min(...fx), Math.max(...fx)], [y0, y1] = [Math.min(...fy), Math.max(...fy)];
    if (!(x1 > x0)) { x0 -= 0.5; x1 += 0.5; }
    if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
    const px = (x1 - x0) * 0.04, py = (y1 - y0) * 0.04;
    x0 -= px; x1 += px; y0 -= py; y1 += py;
    const sx = (v) => m.left + (v - x0) / (x1 - x0) * (width - m.left - m.right);
    const sy = (v) => height - m.bottom - (v - y0) / (y1 - y0) * (height - m.top - m.bottom);
    for (const t of ticks(x0, x1, 6)) {
      svg("line", { x1: sx(t), x2: sx(t), y1: m.top, y2: height - m.bottom, class: "grid" }, root);
      svg("text", { x: sx(t), y: height - m.bottom + 16, class: "tick", "text-anchor": "middle" }, root).textContent = fmt(t);
    }
    for (const t of ticks(y0, y1, 6)) {
      svg("line", { x1: m.left, x2: width - m.right, y1: sy(t), y2: sy(t), class: "grid" }, root);
      svg("text", { x: m.left - 6, y: sy(t) + 4, class: "tick", "text-anchor": "end" }, root).textContent = fmt(t);
    }
    svg("text", { x: (width + m.left) / 2, y: height - 6, class: "label", "text-anchor": "middle" }, root).textContent = xLabel;
    const yl = svg("text", { x: 14, y: height / 2, class: "label", "text-anchor": "middle",
      transform: `rotate(-90 14 ${height / 2})` }, root);
    yl.textContent = yLabel;
    return { root, sx, sy };
  }

  const tooltip = document.getElementById("tooltip");
  function describePoint(k) {
    const row = data.rows[k];
    const lines = [`<b>point ${k + 1}</b> — ${row.feasible ? "feasible" : "infeasible"}`];
    data.objectives.forEach((n, j) => lines.push(`${n} = ${fmt(row.f[j])}`));
    data.variables.forEach((n, j) => lines.push(`<span class="var">${n} = ${fmt(row.x[j])}</span>`));
    data.constraints.forEach((n, j) => lines.push(`<span class="viol">${n} violation = ${fmt(row.v[j])}</span>`));
    data.soft.forEach((n, j) => lines.push(`<span class="viol">${n} (soft) = ${fmt(row.s[j])}</span>`));
    return lines.join("<br>");
  }
  function showTip(event, k) {
    tooltip.innerHTML = describePoint(k);
    tooltip.style.display = "block";
    tooltip.style.left = (event.pageX + 14) + "px";
    tooltip.style.top = (event.pageY + 10) + "px";
  }

  const axisName = (j) => `${data.objectives[j]} (${data.senses[j] === "maximize" ? "max" : "min"})`;
  function drawFront() {
    const holder = document.getElementById("front");
    holder.innerHTML = "";
    const xi = +document.getElementById("x-axis").value, yi = +document.getElementById("y-axis").value;
    const single = data.objectives.length === 1;
    const xs = data.rows.map((r, k) => single ? k + 1 : r.f[xi]);
    const ys = data.rows.map((r) => r.f[single ? 0 : yi]);
    const chart = frame(holder, 720, 460, xs, ys, single ? "point" : axisName(xi), axisName(single ? 0 : yi));
    if (data.true_front && !single) {
      for (const p of data.true_front) {
        svg("circle", { cx: chart.sx(p[xi]), cy: chart.sy(p[yi]), r: 1.2, class: "true" }, chart.root);
      }
    }
    data.rows.forEach((row, k) => {
      if (xs[k] === null || ys[k] === null) return;
      const dot = svg("circle", { cx: chart.sx(xs[k]), cy: chart.sy(ys[k]), r: 4.5,
        class: "pt " + (row.feasible ? "feasible" : "infeasible"), "data-index": k }, chart.root);
      dot.addEventListener("mousemove", (e) => showTip(e, k));
      dot.addEventListener("mouseleave", () => { tooltip.style.display = "none"; });
    });
  }

  function axisSelectors() {
    const xs = document.getElementById("x-axis"), ys = document.getElementById("y-axis");
    data.objectives.forEach((n, j) => {
      xs.add(new Option(axisName(j), j));
      ys.add(new Option(axisName(j), j));
    });
    ys.value = data.objectives.length > 1 ? 1 : 0;
    if (data.objectives.length < 3) document.getElementById("axes").style.display = "none";
    xs.addEventListener("change", drawFront);
    ys.addEventListener("change", drawFront);
  }

  function drawTable() {
    const columns = ["#", ...data.objectives, ...data.variables, ...data.constraints, ...data.soft, "feasible"];
    const values = data.rows.map((r, k) => [k + 1, ...r.f, ...r.x, ...r.v, ...r.s, r.feasible ? "yes" : "no"]);
    const table = document.getElementById("front-table");
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    let sortColumn = -1, ascending = true;
    function fill() {
      body.innerHTML = "";
      for (const row of values) {
        const tr = body.insertRow();
        row.forEach((v) => { tr.insertCell().textContent = fmt(v); });
      }
    }
    columns.forEach((name, c) => {
      const th = document.createElement("th");
      th.textContent = name;
      th.title = "click to sort";
      th.addEventListener("click", () => {
        ascending = sortColumn === c ? !ascending : true;
        sortColumn = c;
        values.sort((a, b) => {
          const u = a[c], v = b[c];
          const cmp = (typeof u === "number" && typeof v === "number") ? u - v : String(u).localeCompare(String(v));
          return ascending ? cmp : -cmp;
        });
        head.querySelectorAll("th").forEach((h) => h.classList.remove("asc", "desc"));
        th.classList.add(ascending ? "asc" : "desc");
        fill();
      });
      head.appendChild(th);
    });
    fill();
  }

  function drawConvergence() {
    const holder = document.getElementById("convergence");
    const h = data.history;
    if (!h.length) { holder.textContent = "no history recorded"; return; }
    const useHv = h.some((s) => s.hypervolume !== null);
    const ys = h.map((s) => useHv ? s.hypervolume : s.min_violation);
    const xs = h.map((s) => s.evaluations);
    const chart = frame(holder, 720, 300, xs, ys, "evaluations",
      useHv ? "hypervolume (normalized)" : "least total violation");
    const points = h.map((s, k) => ys[k] === null ? null : `${chart.sx(xs[k])},${chart.sy(ys[k])}`).filter(Boolean);
    svg("polyline", { points: points.join(" "), class: "line" }, chart.root);
  }

  axisSelectors();
  drawFront();
  drawTable();
  drawConvergence();
  document.body.dataset.rendered = "yes";
})();
