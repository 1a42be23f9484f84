// Health-check charts (see charts.js): trends, radar, gaps and response rates of an
// alliance, and the portfolio's sparklines.
(function () {
  if (!window.Chart) return;
  const { colours, colour, read } = window.detenteCharts;
  const line = (labels, series, yTitle) => ({
    type: "line",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data,
      borderColor: colour(i), backgroundColor: colour(i),
      spanGaps: false, tension: 0, pointRadius: 4 })) },
    options: { scales: { y: { title: { display: !!yTitle, text: yTitle } } } },
  });
  const d = read("health-data");
  if (d) {
    d.trends.forEach((t, i) => {
      const canvas = document.getElementById("trend-" + i);
      if (canvas) new Chart(canvas, line(d.periods, t.series, t.unit === "%" ? "%" : "score 1–5"));
    });
    const radar = document.getElementById("radar");
    if (radar && d.radar) {
      new Chart(radar, { type: "radar", data: { labels: d.radar.labels,
        datasets: d.radar.series.map((s, i) => ({ label: s.label, data: s.data,
          borderColor: colour(i), backgroundColor: colour(i) + "33" })) },
        options: { scales: { r: { min: 1, max: 5, ticks: { stepSize: 1 } } } } });
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
    const d = read(canvas.dataset.spark);
    if (!d.data.some((v) => v !== null)) return;
    new Chart(canvas, { type: "line",
      data: { labels: d.labels, datasets: [{ data: d.data, borderColor: colours.blue, borderWidth: 2,
        pointRadius: 2, tension: 0 }] },
      options: { animation: false, events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false } } } });
  });
})();
