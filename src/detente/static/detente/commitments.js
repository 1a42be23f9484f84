// Commitment adherence per side per quarter (see charts.js).
(function () {
  if (!window.Chart) return;
  const { colour, read } = window.detenteCharts;
  const el = document.getElementById("adherence-chart");
  const data = read("adherence-data");
  if (!el || !data) return;
  new Chart(el, {
    type: "line",
    data: { labels: data.labels, datasets: data.series.map((s, i) => ({
      label: s.side, data: s.percent, borderColor: colour(i),
      backgroundColor: colour(i), spanGaps: true, tension: 0.1, pointRadius: 5,
      due: s.due, onTime: s.on_time })) },
    options: { plugins: {
      tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + ctx.parsed.y + "% (" +
        ctx.dataset.onTime[ctx.dataIndex] + " of " + ctx.dataset.due[ctx.dataIndex] + " on time)" } } },
      scales: { y: { min: 0, max: 100, title: { display: true, text: "% done on time" } } } },
  });
})();
