// The facilitator's frontier chart: packages on the Pareto frontier, the fair points and
// the walk-away lines, drawn with Chart.js from the data embedded by json_script.
(function () {
  const el = document.getElementById("frontier-data");
  if (!el || !window.Chart) return;
  const data = JSON.parse(el.textContent);
  const [a, b] = data.sides;
  const ua = String(a.id), ub = String(b.id);
  const point = (u) => ({ x: u[ua], y: u[ub] });
  const ok = data.frontier.filter((f) => f.acceptable).map((f) => point(f.utilities));
  const below = data.frontier.filter((f) => !f.acceptable).map((f) => point(f.utilities));
  const names = { nash: "Nash", kalai_smorodinsky: "Kalai-Smorodinsky", egalitarian: "Egalitarian", max_welfare: "Max welfare" };
  const colours = { nash: "#c8423b", kalai_smorodinsky: "#7b4bb7", egalitarian: "#d9902f", max_welfare: "#1a7f4b" };
  const styles = { nash: "circle", kalai_smorodinsky: "triangle", egalitarian: "rectRot", max_welfare: "star" };
  const fair = Object.entries(data.fair).map(([key, u]) => ({
    label: names[key], data: [point(u)], backgroundColor: colours[key], borderColor: colours[key],
    pointStyle: styles[key], pointRadius: 9, showLine: false,
  }));
  const wa = data.walk_away[ua], wb = data.walk_away[ub];
  new Chart(document.getElementById("frontier-chart"), {
    type: "scatter",
    data: { datasets: [
      ...fair,
      { label: "Frontier", data: ok, showLine: true, borderColor: "#2f5d8a", backgroundColor: "#2f5d8a", pointRadius: 4 },
      { label: "Below a walk-away", data: below, backgroundColor: "#9aa3ad", pointRadius: 4 },
      { label: a.name + " walk-away", data: [{ x: wa, y: 0 }, { x: wa, y: 1 }], showLine: true, borderDash: [6, 4], borderColor: "#555", pointRadius: 0 },
      { label: b.name + " walk-away", data: [{ x: 0, y: wb }, { x: 1, y: wb }], showLine: true, borderDash: [2, 3], borderColor: "#555", pointRadius: 0 },
    ] },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: a.name + " utility" } },
        y: { min: 0, max: 1, title: { display: true, text: b.name + " utility" } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
