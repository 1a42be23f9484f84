// The facilitator's frontier chart (see charts.js): packages on the Pareto frontier, the
// fair points and the walk-away lines, from the data embedded by json_script.
(function () {
  if (!window.Chart) return;
  const { colours, read } = window.detenteCharts;
  const data = read("frontier-data");
  if (!data) return;
  const [a, b] = data.sides;
  const ua = String(a.id), ub = String(b.id);
  const point = (u) => ({ x: u[ua], y: u[ub] });
  const ok = data.frontier.filter((f) => f.acceptable).map((f) => point(f.utilities));
  const below = data.frontier.filter((f) => !f.acceptable).map((f) => point(f.utilities));
  const names = { nash: "Nash", kalai_smorodinsky: "Kalai-Smorodinsky", egalitarian: "Egalitarian", max_welfare: "Max welfare" };
  const fairColours = { nash: colours.red, kalai_smorodinsky: colours.purple, egalitarian: colours.amber, max_welfare: colours.green };
  const styles = { nash: "circle", kalai_smorodinsky: "triangle", egalitarian: "rectRot", max_welfare: "star" };
  const fair = Object.entries(data.fair).map(([key, u]) => ({
    label: names[key], data: [point(u)], backgroundColor: fairColours[key], borderColor: fairColours[key],
    pointStyle: styles[key], pointRadius: 9, showLine: false,
  }));
  const wa = data.walk_away[ua], wb = data.walk_away[ub];
  new Chart(document.getElementById("frontier-chart"), {
    type: "scatter",
    data: { datasets: [
      ...fair,
      { label: "Frontier", data: ok, showLine: true, borderColor: colours.blue, backgroundColor: colours.blue, pointRadius: 4 },
      { label: "Below a walk-away", data: below, backgroundColor: colours.grey, pointRadius: 4 },
      { label: a.name + " walk-away", data: [{ x: wa, y: 0 }, { x: wa, y: 1 }], showLine: true, borderDash: [6, 4], borderColor: colours.dark, pointRadius: 0 },
      { label: b.name + " walk-away", data: [{ x: 0, y: wb }, { x: 1, y: wb }], showLine: true, borderDash: [2, 3], borderColor: colours.dark, pointRadius: 0 },
    ] },
    options: {
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: a.name + " utility" } },
        y: { min: 0, max: 1, title: { display: true, text: b.name + " utility" } },
      },
    },
  });
})();
