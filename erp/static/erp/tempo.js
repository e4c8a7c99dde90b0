// Small behaviours without inline handlers, so a strict content security policy can apply.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // A header checkbox ticks every enabled checkbox of its name in the same form.
  document.querySelectorAll("input[type=checkbox][data-check-all]").forEach((all) => {
    all.addEventListener("change", () => {
      all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]:not(:disabled)`).forEach((box) => {
        box.checked = all.checked;
      });
    });
  });
  // Tree tables: rows carry data-depth in depth-first order; a toggle hides or shows the rows below its own.
  document.querySelectorAll("table[data-tree] .tree-toggle").forEach((toggle) => {
    toggle.addEventListener("click", () => {
      const row = toggle.closest("tr");
      const depth = Number(row.dataset.depth);
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      for (let next = row.nextElementSibling; next && Number(next.dataset.depth) > depth; next = next.nextElementSibling) {
        // Opening shows only direct children; deeper rows follow their own toggles.
        const child = Number(next.dataset.depth) === depth + 1;
        if (!open) next.classList.add("tree-hidden");
        else if (child) {
          next.classList.remove("tree-hidden");
          const inner = next.querySelector(".tree-toggle");
          if (inner) inner.setAttribute("aria-expanded", "false");
        }
      }
    });
  });
});

// Meeting charts: a <canvas data-chart="ID"> whose numbers sit in <script type="application/json" id="ID">
// (json_script). Chart.js is loaded only on the pages that draw one; it is drawn once per canvas.
function drawCharts(root) {
  if (!window.Chart) return;
  root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    if (window.Chart.getChart(canvas)) return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const bad = getComputedStyle(document.documentElement).getPropertyValue("--bad").trim() || "#b42318";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: [
          { label: data.names.demand, data: data.demand, backgroundColor: "#9aa4b2", order: 2 },
          { label: data.names.supply, data: data.supply, backgroundColor: "#3c9a6b", order: 2 },
          {
            type: "line",
            label: data.names.projected,
            data: data.projected,
            borderColor: "#0f4c81",
            backgroundColor: "#0f4c81",
            pointBackgroundColor: data.projected.map((v) => (v < 0 ? bad : "#0f4c81")),
            pointBorderColor: data.projected.map((v) => (v < 0 ? bad : "#0f4c81")),
            pointRadius: 3,
            order: 1,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        // The line is drawn over the bars (order 1), but the legend and tooltip keep demand, supply, projection.
        plugins: {
          legend: { position: "bottom", labels: { sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: { itemSort: (a, b) => a.datasetIndex - b.datasetIndex },
        },
        scales: {
          // Zero always shows, and a shortfall goes below it, never clipped (DESIGN section 4).
          y: { beginAtZero: true, grid: { color: (ctx) => (ctx.tick && ctx.tick.value === 0 ? "#66717f" : "#dde3ea") } },
          x: { grid: { display: false } },
        },
      },
    });
  });
}
document.addEventListener("DOMContentLoaded", () => drawCharts(document));
// A swap that replaces a canvas frees its chart first; a swap that brings one draws it.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!window.Chart || !event.detail.shouldSwap || !event.detail.target) return;
  event.detail.target.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = window.Chart.getChart(canvas);
    if (chart) chart.destroy();
  });
});
document.addEventListener("htmx:afterSwap", () => drawCharts(document));
