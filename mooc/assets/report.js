// mooc run report: draws the embedded plotly figures, the front's table, and links the two
// (a click on a point marks its row; a click on a row marks and hovers its point).
(function () {
  "use strict";
  const json = (id) => JSON.parse(document.getElementById(id).textContent);
  // six significant digits as the terminal's table shows them (Python's "g"), or more where a
  // column needs them (below); whole numbers below 1e15 in full
  const number = (v, digits = 6) => {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-4)) {
      return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
    }
    return String(Number(v.toPrecision(digits)));
  };
  // the digits of a column: six, more where six would show two different numbers of it alike
  // (as the terminal's table), up to 17, which tell every two apart
  const digitsOf = (column) => {
    const numbers = [...new Set(column.filter((v) => typeof v === "number"))];
    for (let digits = 6; digits < 17; digits++) {
      if (new Set(numbers.map((v) => number(v, digits))).size === numbers.length) return digits;
    }
    return 17;
  };
  // a cell: null is a variable that does not exist at the point ("—"); a number that is not
  // finite comes as {number: "inf" | "-inf" | "nan"} (JSON has none) and is shown so
  const cell = (v) => (v !== null && typeof v === "object") ?
    { inf: Infinity, "-inf": -Infinity, nan: NaN }[v.number] : v;
  const fmt = (v, digits) => (v === null || v === undefined) ? "—" :
    (typeof v === "number" ? number(v, digits) :
      (typeof v === "boolean" ? (v ? "yes" : "no") : String(v)));
  const config = { responsive: true, displaylogo: false, scrollZoom: true };
  const frontDiv = document.getElementById("front");
  const front = json("front-figure");
  const table = json("front-table-data");
  table.rows = table.rows.map((row) => row.map(cell));
  // ascending order: numbers (inf last of them, then NaN), then text, then absent (null)
  const rank = (v) => (v === null || v === undefined) ? 3 :
    (typeof v === "number" ? (Number.isNaN(v) ? 1 : 0) : 2);
  const compare = (u, v) => {
    const r = rank(u) - rank(v);
    if (r !== 0 || rank(u) === 1 || rank(u) === 3) return r;
    if (rank(u) === 0) return u === v ? 0 : (u < v ? -1 : 1);
    return String(u).localeCompare(String(v));
  };
  const rowOf = new Map();  // point index -> <tr>

  function drawTable() {
    const element = document.getElementById("front-table");
    const head = element.createTHead().insertRow();
    const body = element.createTBody();
    const values = table.rows.slice();
    const digits = table.columns.map((_, c) => digitsOf(values.map((row) => row[c])));
    let sortColumn = -1, ascending = true;
    function fill() {
      body.innerHTML = "";
      for (const row of values) {
        const tr = body.insertRow();
        const k = row[0] - 1;
        tr.dataset.index = k;
        if (k === table.picked) tr.classList.add("picked");
        row.forEach((v, c) => { tr.insertCell().textContent = fmt(v, digits[c]); });
        tr.addEventListener("click", () => select(k, "row"));
        rowOf.set(k, tr);
      }
    }
    table.columns.forEach((name, c) => {
      const th = document.createElement("th");
      th.textContent = name;
      th.title = "click to sort";
      th.addEventListener("click", () => {
        ascending = sortColumn === c ? !ascending : true;
        sortColumn = c;
        values.sort((a, b) => (ascending ? 1 : -1) * compare(a[c], b[c]));
        head.querySelectorAll("th").forEach((h) => h.classList.remove("asc", "desc"));
        th.classList.add(ascending ? "asc" : "desc");
        fill();
      });
      head.appendChild(th);
    });
    fill();
  }

  // the trace and point number that show front point k
  function locate(k) {
    const data = frontDiv.data || [];
    for (let t = 0; t < data.length; t++) {
      const ids = data[t].customdata;
      if (!ids || (data[t].name || "").startsWith("picked")) continue;
      for (let p = 0; p < ids.length; p++) if (ids[p] === k) return { curveNumber: t, pointNumber: p };
    }
    return null;
  }

  function select(k, from) {
    rowOf.forEach((tr) => tr.classList.remove("active"));
    const tr = rowOf.get(k);
    if (tr) {
      tr.classList.add("active");
      if (from === "plot") {
        const box = document.getElementById("table-scroll");
        box.scrollTop = tr.offsetTop - box.clientHeight / 2;
      }
    }
    document.body.dataset.selected = String(k);
    const where = locate(k);
    if (from === "row" && where) {
      const trace = frontDiv.data[where.curveNumber];
      const box = frontDiv.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) frontDiv.scrollIntoView({ block: "center" });
      // the others of its trace fade; its hover card shows (on 2-D plots)
      Plotly.restyle(frontDiv, { selectedpoints: [[where.pointNumber]] }, [where.curveNumber]).then(() => {
        if (trace.type === "scatter") Plotly.Fx.hover(frontDiv, [where]);
      });
    }
  }

  drawTable();
  const plots = [
    Plotly.newPlot(frontDiv, front.data, front.layout, config),
    Plotly.newPlot("convergence", ...(() => { const c = json("convergence-figure"); return [c.data, c.layout, config]; })()),
  ];
  if (document.getElementById("parallel-figure")) {
    const p = json("parallel-figure");
    plots.push(Plotly.newPlot("parallel", p.data, p.layout, config));
  }
  Promise.all(plots).then(() => {
    frontDiv.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && point.customdata !== undefined) select(Number(point.customdata), "plot");
    });
    document.body.dataset.rendered = "yes";
  });
})();
