// Health-check charts (see charts.js): trends, radar, gaps and response rates of an
// alliance, and the portfolio's sparklines.
(function () {
  if (!window.Chart) return;
  const { colours, colour, read } = window.detenteCharts;
  // After the first health check there is one period: a line of one dot says little, so
  // each chart shows the sides as bars until there are two periods to draw a line between.
  let single = false;
  const line = (labels, series, yTitle) => ({
    type: single ? "bar" : "line",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data,
      borderColor: colour(i), backgroundColor: colour(i),
      spanGaps: false, tension: 0, pointRadius: 4 })) },
    options: { scales: { y: { title: { display: !!yTitle, text: yTitle } } } },
  });
  const d = read("health-data");
  if (d) {
    single = d.periods.length === 1;
    d.trends.forEach((t, i) => {
      const canvas = document.getElementById("trend-" + i);
      if (canvas) new Chart(canvas, line(d.periods, t.series, t.unit === "%" ? "%" : "score 1–5"));
    });
    const radar = document.getElementById("radar");
    if (radar && d.radar) {
      // A radar needs three axes to be a shape; with fewer score questions, bars.
      const flat = d.radar.labels.length < 3;
      new Chart(radar, { type: flat ? "bar" : "radar", data: { labels: d.radar.labels,
        datasets: d.radar.series.map((s, i) => ({ label: s.label, data: s.data,
          borderColor: colour(i), backgroundColor: flat ? colour(i) : colour(i) + "33" })) },
        options: { scales: flat ? { y: { min: 1, max: 5, ticks: { stepSize: 1 } } }
                                 : { r: { min: 1, max: 5, ticks: { stepSize: 1 } } } } });
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
