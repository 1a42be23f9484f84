// A KPI's values as each side reported them, its target and guardrail bands, and the
// guardrails kept while pursuing it (see charts.js). Data from detente.objectives.guardrails,
// the same as the API's.
(function () {
  if (!window.Chart) return;
  const { colours, colour, read } = window.detenteCharts;
  const guards = read("guardrail-data");

  // A guardrail band (green, between its bounds; an open side runs past the data) and its
  // breaches (red crosses).
  function addBand(datasets, labels, g, values) {
    const finite = values.filter((v) => v !== null && v !== undefined);
    const lo = g.band.lower, hi = g.band.upper;
    const max = Math.max(...finite, hi ?? -Infinity, lo ?? -Infinity);
    const min = Math.min(...finite, lo ?? Infinity, hi ?? Infinity);
    const pad = (max - min || 1) * 0.15;
    const top = hi ?? max + pad, bottom = lo ?? min - pad;
    datasets.push({ label: "band top", data: labels.map(() => top), borderWidth: 0,
      pointRadius: 0, fill: false });
    datasets.push({ label: g.counter_kpi + " guardrail (" + g.bound + ")", data: labels.map(() => bottom),
      borderWidth: 0, pointRadius: 0, backgroundColor: colours.greenBand, fill: "-1" });
    g.sides.filter((s) => s.breaches.length).forEach((s) => {
      const breaches = Object.fromEntries(s.breaches.map((b) => [b.period, b.value]));
      datasets.push({ label: "breach (" + s.side + ")",
        data: labels.map((l) => l in breaches ? breaches[l] : null),
        showLine: false, pointStyle: "crossRot", pointRadius: 10, borderWidth: 3,
        borderColor: colours.red, backgroundColor: colours.red });
    });
  }
  const withoutBandTop = () => ({ labels: { filter: (item) => item.text !== "band top" } });

  const el = document.getElementById("kpi-chart");
  const data = read("kpi-data");
  if (el && data) {
    const datasets = data.series.map((s, i) => ({
      label: s.side, data: s.values, borderColor: colour(i),
      backgroundColor: colour(i), spanGaps: true, tension: 0.15,
      pointStyle: s.private.map((p) => p ? "rectRot" : "circle"), pointRadius: 5,
    }));
    datasets.push({ label: "Target (" + data.target + " " + data.unit + ")",
      data: data.labels.map(() => data.target), borderColor: colours.muted, borderDash: [6, 4],
      pointRadius: 0, fill: false });
    guards.guards.forEach((g) => addBand(datasets, data.labels, g,
      data.series.flatMap((s) => s.values).concat([data.target])));
    new Chart(el, {
      type: "line", data: { labels: data.labels, datasets },
      options: { plugins: { legend: withoutBandTop() },
        scales: { y: { title: { display: true, text: data.unit } } } },
    });
  }

  (guards ? guards.guarded_by : []).forEach((g, index) => {
    const canvas = document.getElementById("guardrail-chart-" + index);
    if (!canvas) return;
    const datasets = g.sides.map((s, i) => ({ label: g.counter_kpi + " (" + s.side + ")",
      data: s.values, borderColor: colour(i),
      backgroundColor: colour(i), spanGaps: true, tension: 0.15, pointRadius: 4 }));
    addBand(datasets, g.labels, g, g.sides.flatMap((s) => s.values));
    new Chart(canvas, {
      type: "line", data: { labels: g.labels, datasets },
      options: { plugins: { legend: withoutBandTop() },
        scales: { y: { title: { display: true, text: g.unit } } } },
    });
  });
})();
