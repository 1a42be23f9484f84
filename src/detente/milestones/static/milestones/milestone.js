// The probability of a milestone over time (see charts.js), from data embedded by
// json_script: the same readings as the milestone's JSON twin in the API.
(function () {
  if (!window.Chart) return;
  const { colours, read, pct } = window.detenteCharts;
  const data = read("milestone-data");
  const canvas = document.getElementById("milestone-chart");
  if (!data || !canvas) return;
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: [
      { label: "Probability of making it", data: data.probability, borderColor: colours.blue,
        backgroundColor: colours.blue, tension: 0, yAxisID: "y" },
      { label: "On-track line", data: data.labels.map(() => data.confidence), borderColor: colours.amber,
        borderDash: [6, 4], pointRadius: 0, yAxisID: "y" },
      { label: "Achieved", data: data.achieved, borderColor: colours.green, backgroundColor: colours.green,
        tension: 0, yAxisID: "y2" },
    ] },
    options: { scales: {
      y: { min: 0, max: 1, ticks: { callback: (v) => pct(v) } },
      y2: { position: "right", min: 0, suggestedMax: data.target, grid: { drawOnChartArea: false } },
    } },
  });
})();
