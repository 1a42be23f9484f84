// The portfolio's status chart and an alliance's activity chart (see charts.js).
(function () {
  if (!window.Chart) return;
  const { colours, status, read } = window.detenteCharts;
  const counts = read("status-data");
  if (counts) {
    const labels = Object.keys(counts);
    new Chart(document.getElementById("status-chart"), {
      type: "doughnut",
      data: { labels, datasets: [{ data: labels.map((l) => counts[l]),
        backgroundColor: labels.map((l) => status[l] || colours.grey) }] },
    });
  }
  const data = read("activity-data");
  if (data) {
    new Chart(document.getElementById("activity-chart"), {
      type: "bar",
      data: { labels: data.labels, datasets: [
        { label: "Signals", data: data.signal, backgroundColor: colours.amber },
        { label: "Interactions", data: data.interaction, backgroundColor: colours.blue },
        { label: "History", data: data.history, backgroundColor: colours.steel },
      ] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } },
    });
  }
})();
