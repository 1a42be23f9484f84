// Restructuring options: the value of each to the two sides, with low–high ranges (see charts.js).
(function () {
  if (!window.Chart) return;
  const { colours, optionColour: colour, read } = window.detenteCharts;
  const el = document.getElementById("options-chart");
  const data = read("options-data");
  if (!el || !data) return;
  const rangeBars = {
    id: "rangeBars",
    afterDatasetsDraw(chart) {
      const { ctx, scales: { x, y } } = chart;
      ctx.save(); ctx.lineWidth = 1.5;
      data.points.forEach((p, i) => {
        ctx.strokeStyle = colour(i);
        ctx.beginPath();
        ctx.moveTo(x.getPixelForValue(p.x_range[0]), y.getPixelForValue(p.y));
        ctx.lineTo(x.getPixelForValue(p.x_range[1]), y.getPixelForValue(p.y));
        ctx.moveTo(x.getPixelForValue(p.x), y.getPixelForValue(p.y_range[0]));
        ctx.lineTo(x.getPixelForValue(p.x), y.getPixelForValue(p.y_range[1]));
        ctx.stroke();
      });
      ctx.restore();
    },
  };
  new Chart(el, {
    type: "scatter",
    data: { datasets: data.points.map((p, i) => ({
      label: p.label + (p.chosen ? " (chosen)" : ""), data: [{ x: p.x, y: p.y }],
      backgroundColor: colour(i), borderColor: p.chosen ? colours.black : colour(i),
      borderWidth: p.chosen ? 3 : 1, pointRadius: p.chosen ? 10 : 7 })) },
    options: {
      plugins: { tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " +
        data.axis_x + " " + ctx.parsed.x.toLocaleString() + ", " + data.axis_y + " " + ctx.parsed.y.toLocaleString() + " " + data.currency } } },
      scales: { x: { title: { display: true, text: "Value to " + data.axis_x + " (" + data.currency + ")" } },
                y: { title: { display: true, text: "Value to " + data.axis_y + " (" + data.currency + ")" } } } },
    plugins: [rangeBars],
  });
})();
