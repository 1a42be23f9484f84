// Health-check charts, drawn with Chart.js from data embedded by json_script.
(function () {
  if (!window.Chart) return;
  const colours = ["#2f5d8a", "#d9902f", "#1a7f4b", "#7b4bb7", "#c8423b", "#8aa0b5"];
  const line = (labels, series, yTitle) => ({
    type: "line",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data,
      borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length],
      spanGaps: false, tension: 0, pointRadius: 4 })) },
    options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } },
      scales: { y: { title: { display: !!yTitle, text: yTitle } } } },
  });
  const el = document.getElementById("health-data");
  if (el) {
    const d = JSON.parse(el.textContent);
    d.trends.forEach((t, i) => {
      const canvas = document.getElementById("trend-" + i);
      if (canvas) new Chart(canvas, line(d.periods, t.series, t.unit === "%" ? "%" : "score 1–5"));
    });
    const radar = document.getElementById("radar");
    if (radar && d.radar) {
      new Chart(radar, { type: "radar", data: { labels: d.radar.labels,
        datasets: d.radar.series.map((s, i) => ({ label: s.label, data: s.data,
          borderColor: colours[i], backgroundColor: colours[i] + "33" })) },
        options: { maintainAspectRatio: false, scales: { r: { min: 1, max: 5, ticks: { stepSize: 1 } } },
          plugins: { legend: { position: "bottom" } } } });
    }
    const gaps = document.getElementById("gaps");
    if (gaps) new Chart(gaps, line(d.periods, d.gaps, d.gap_title));
    const rates = document.getElementById("rates");
    if (rates) {
      const cfg = line(d.periods, d.response_rates, "% answered");
      cfg.options.scales.y.min = 0; cfg.options.scales.y.max = 100;
      new Chart(rates, cfg);
    }
  }
  // Sparklines (portfolio): one small line per alliance, no axes.
  document.querySelectorAll("canvas[data-spark]").forEach((canvas) => {
    const d = JSON.parse(document.getElementById(canvas.dataset.spark).textContent);
    if (!d.data.some((v) => v !== null)) return;
    new Chart(canvas, { type: "line",
      data: { labels: d.labels, datasets: [{ data: d.data, borderColor: "#2f5d8a", borderWidth: 2,
        pointRadius: 2, tension: 0 }] },
      options: { maintainAspectRatio: false, animation: false, events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false } } } });
  });
})();
