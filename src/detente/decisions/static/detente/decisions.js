// Charts of the decision and guardrail pages (see charts.js), from json_script data
// produced by detente.decisions.analysis (the same data the API returns).
(function () {
  if (!window.Chart) return;
  const { colours, colour, pct } = window.detenteCharts;

  const charts = document.getElementById("decision-charts");
  if (charts && charts.textContent.trim() && charts.textContent.trim() !== '""') {
    const data = JSON.parse(charts.textContent);
    const scores = document.getElementById("scores-chart");
    if (scores && data.scores) {
      new Chart(scores, {
        type: "bar",
        data: {
          labels: data.scores.options,
          datasets: data.scores.parties.map((p, i) => ({
            label: p.party, backgroundColor: colour(i),
            data: data.scores.options.map((o) => p.scores[o]),
          })),
        },
        options: { scales: { y: { min: 0, max: 1, title: { display: true, text: "score (0 worst, 1 best)" } } } },
      });
    }
    (data.flips || []).forEach((chart, index) => {
      const canvas = document.getElementById("flip-chart-" + index);
      if (!canvas) return;
      const datasets = [];
      chart.lines.forEach((line, i) => {
        const c = colour(i);
        datasets.push({ type: "line", label: line.consideration, data: line.points,
          borderColor: c, backgroundColor: c, pointRadius: 0, borderWidth: 2 });
        datasets.push({ type: "scatter", label: line.consideration + " flips at " + pct(line.crossing.x),
          data: [line.crossing], pointStyle: "crossRot", pointRadius: 9, borderColor: c, borderWidth: 3 });
        if (line.now) {
          datasets.push({ type: "scatter", label: line.consideration + " now " + pct(line.now.x),
            data: [line.now], pointRadius: 5, backgroundColor: c, borderColor: colours.white });
        }
      });
      datasets.push({ type: "line", label: "tie", data: [{ x: 0, y: 0 }, { x: 1, y: 0 }],
        borderColor: colours.tie, borderDash: [4, 4], pointRadius: 0, borderWidth: 1 });
      new Chart(canvas, {
        data: { datasets },
        options: {
          parsing: false,
          scales: {
            x: { type: "linear", min: 0, max: 1, ticks: { callback: pct },
              title: { display: true, text: "share of the weight on the consideration" } },
            y: { title: { display: true, text: "score of " + chart.a + " minus " + chart.b } },
          },
          plugins: { legend: { labels: { boxWidth: 12,
            filter: (item) => item.text !== "tie" } } },
        },
      });
    });
  }

  const goals = document.getElementById("guardrail-data");
  if (goals) {
    const data = JSON.parse(goals.textContent);
    (data.guardrails || []).forEach((g, index) => {
      const canvas = document.getElementById("guardrail-chart-" + index);
      if (!canvas) return;
      const n = data.periods.length;
      const lower = g.band.lower, upper = g.band.upper;
      const values = g.history;
      const finite = values.filter((v) => v !== null);
      const span = Math.max(...finite, upper ?? -Infinity) - Math.min(...finite, lower ?? Infinity) || 1;
      const axisMax = Math.max(...finite, upper ?? -Infinity) + span * 0.2;
      const axisMin = Math.min(...finite, lower ?? Infinity) - span * 0.2;
      const top = upper ?? axisMax;
      const bottom = lower ?? axisMin;
      const breached = new Set(g.breaches.map((b) => b.period));
      new Chart(canvas, {
        type: "line",
        data: { labels: data.periods, datasets: [
          { label: "band top", data: Array(n).fill(top), borderWidth: 0, pointRadius: 0, fill: false },
          { label: "guardrail band (" + g.bound + ")", data: Array(n).fill(bottom), borderWidth: 0,
            pointRadius: 0, backgroundColor: colours.greenBand, fill: "-1" },
          { label: g.metric, data: values, borderColor: colours.blue, backgroundColor: colours.blue,
            pointRadius: data.periods.map((p) => (breached.has(p) ? 6 : 3)),
            pointBackgroundColor: data.periods.map((p) => (breached.has(p) ? colours.red : colours.blue)),
            spanGaps: true },
          { label: g.objective + " (right axis)", data: g.objective_history, yAxisID: "y1",
            borderColor: colours.grey, borderDash: [5, 4], pointRadius: 2, spanGaps: true },
        ] },
        options: {
          scales: { y: { min: axisMin, max: axisMax, title: { display: true, text: g.metric } },
            y1: { position: "right", grid: { drawOnChartArea: false },
              title: { display: true, text: g.objective } } },
          plugins: { legend: { labels: { filter: (item) => item.text !== "band top" } } } },
      });
    });
  }
})();
