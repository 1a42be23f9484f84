// Charts of a realism check (see charts.js), from data embedded by json_script (the same
// data as the check's JSON twin in the API, under "charts").
(function () {
  if (!window.Chart) return;
  const { colours, read } = window.detenteCharts;
  const { blue, grey, red, green } = colours;
  const pct = (p) => (100 * p).toFixed(1) + "%";
  const fmt = (v) => Math.round(v).toLocaleString();

  // Vertical lines at values on a category axis of bins [from, to]: the target and the
  // realistic target. A value beyond the last bin is drawn at the right edge with an arrow.
  const markers = {
    id: "realismMarkers",
    afterDatasetsDraw(chart, args, opts) {
      const { ctx, chartArea, scales } = chart;
      (opts.lines || []).forEach((line) => {
        const bins = opts.bins; let x; let beyond = false;
        const i = bins.findIndex((b) => line.value >= b.from && line.value <= b.to);
        if (i >= 0) {
          const b = bins[i]; const frac = b.to > b.from ? (line.value - b.from) / (b.to - b.from + 1) : 0.5;
          const w = bins.length > 1 ? scales.x.getPixelForValue(1) - scales.x.getPixelForValue(0) : chartArea.width;
          x = scales.x.getPixelForValue(i) - w / 2 + frac * w;
        } else if (line.value > bins[bins.length - 1].to) { x = chartArea.right - 2; beyond = true; }
        else { x = chartArea.left + 2; }
        ctx.save(); ctx.strokeStyle = line.color; ctx.lineWidth = 2; ctx.setLineDash(line.dash || []);
        ctx.beginPath(); ctx.moveTo(x, chartArea.top); ctx.lineTo(x, chartArea.bottom); ctx.stroke();
        ctx.fillStyle = line.color; ctx.font = "12px sans-serif";
        ctx.textAlign = x > chartArea.left + chartArea.width / 2 ? "right" : "left";
        const label = line.label + (beyond ? " →" : "");
        ctx.fillText(label, x + (ctx.textAlign === "left" ? 4 : -4), chartArea.top + 12 + (line.row || 0) * 14);
        ctx.restore();
      });
    },
  };

  const data = read("realism-data");
  if (data) {
    const f = data.funnel;
    new Chart(document.getElementById("funnel-chart"), {
      type: "bar",
      data: { labels: f.labels, datasets: [
        { label: "Needed per working day", data: f.required_per_day, backgroundColor: red },
        { label: "Today per working day", data: f.current_per_day, backgroundColor: blue },
      ] },
      options: { indexAxis: "y",
        scales: { x: { type: "logarithmic", title: { display: true, text: "per working day (log scale)" },
          ticks: { autoSkip: true, callback: (v) => {
            const m = v / Math.pow(10, Math.floor(Math.log10(v)));
            return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-9) ? v.toLocaleString() : ""; } } } },
        plugins: { tooltip: { callbacks: {
          label: (c) => c.dataset.label + ": " + c.raw.toLocaleString(undefined, { maximumFractionDigits: 1 }) } } } },
    });

    const o = data.outcomes;
    const bins = o.from.map((from, i) => ({ from, to: o.to[i] }));
    new Chart(document.getElementById("outcomes-chart"), {
      type: "bar",
      data: { labels: o.labels, datasets: [{ label: "Probability", data: o.probability,
        backgroundColor: o.to.map((to) => (to >= o.target ? green : grey)), barPercentage: 1, categoryPercentage: 1 }] },
      options: {
        scales: { y: { ticks: { callback: (v) => pct(v) } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => pct(c.raw) } },
          realismMarkers: { bins, lines: [
            { value: o.target, color: red, label: "target " + fmt(o.target) },
            { value: o.realistic_target, color: green, dash: [5, 4], label: "realistic " + fmt(o.realistic_target), row: 2 },
          ] } } },
      plugins: [markers],
    });

    const p = data.phases;
    if (p) {
      new Chart(document.getElementById("phases-chart"), {
        data: { labels: p.labels.map((l, i) => l + " (to " + p.ends[i] + ")"), datasets: [
          { type: "bar", label: "Asked (cumulative)", data: p.asked, backgroundColor: grey, yAxisID: "y" },
          { type: "bar", label: "Proposed (cumulative)", data: p.proposed, backgroundColor: green, yAxisID: "y" },
          { type: "line", label: "Probability as asked", data: p.asked_probability, borderColor: red, backgroundColor: red, yAxisID: "p" },
          { type: "line", label: "Probability as proposed", data: p.proposed_probability, borderColor: blue, backgroundColor: blue, yAxisID: "p" },
        ] },
        options: { scales: {
          y: { position: "left", title: { display: true, text: "milestone" } },
          p: { position: "right", min: 0, max: 1, grid: { drawOnChartArea: false }, ticks: { callback: (v) => pct(v) } } },
          plugins: { tooltip: { callbacks: { label: (c) =>
            c.dataset.label + ": " + (c.dataset.yAxisID === "p" ? pct(c.raw) : fmt(c.raw)) } } } },
      });
    }
  }

  // Probability at each saved check of the KPI, with a band of two standard errors.
  const trend = data ? data.trend : read("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (trend && canvas) {
    const labels = trend.map((t) => t.date);
    const low = trend.map((t) => Math.max(0, t.probability - 2 * t.probability_stderr));
    const high = trend.map((t) => Math.min(1, t.probability + 2 * t.probability_stderr));
    new Chart(canvas, {
      type: "line",
      data: { labels, datasets: [
        { label: "± 2 standard errors", data: high, borderWidth: 0, pointRadius: 0, backgroundColor: colours.blueBand, fill: "+1" },
        { label: "low", data: low, borderWidth: 0, pointRadius: 0, fill: false },
        { label: "Probability of the target", data: trend.map((t) => t.probability), borderColor: blue, backgroundColor: blue, tension: 0 },
      ] },
      options: { scales: { y: { min: 0, max: 1, ticks: { callback: (v) => pct(v) } } },
        plugins: { legend: { labels: { filter: (item) => item.text !== "low" } },
          tooltip: { filter: (item) => item.datasetIndex === 2, callbacks: { label: (c) => {
            const t = trend[c.dataIndex];
            return pct(t.probability) + " for " + fmt(t.target) + " by " + t.deadline; } } } } },
    });
  }
})();
