// Charts for detente pages, drawn with Chart.js from data embedded by json_script.
(function () {
  const palette = { "Forming": "#9aa3ad", "Active": "#1a7f4b", "At risk": "#d9902f",
    "Renegotiating": "#2f5d8a", "Restructuring": "#7b4bb7", "Exiting": "#c8423b", "Closed": "#555" };
  const statusData = document.getElementById("status-data");
  if (statusData && window.Chart) {
    const counts = JSON.parse(statusData.textContent);
    const labels = Object.keys(counts);
    new Chart(document.getElementById("status-chart"), {
      type: "doughnut",
      data: { labels, datasets: [{ data: labels.map(l => counts[l]),
        backgroundColor: labels.map(l => palette[l] || "#9aa3ad") }] },
      options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } },
    });
  }
  const activity = document.getElementById("activity-data");
  if (activity && window.Chart) {
    const data = JSON.parse(activity.textContent);
    new Chart(document.getElementById("activity-chart"), {
      type: "bar",
      data: { labels: data.labels, datasets: [
        { label: "Signals", data: data.signal, backgroundColor: "#d9902f" },
        { label: "Interactions", data: data.interaction, backgroundColor: "#2f5d8a" },
        { label: "History", data: data.history, backgroundColor: "#8aa0b5" },
      ] },
      options: { maintainAspectRatio: false, scales: { x: { stacked: true },
        y: { stacked: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } },
    });
  }
})();
