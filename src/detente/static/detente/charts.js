// The chart palette and the setup every chart of detente shares. Each chart page loads
// Chart.js, then this file, then its own script, which reads its data from a json_script
// element (no inline script: the Content-Security-Policy allows scripts from this site only).
(function () {
  const colours = {
    blue: "#2f5d8a", amber: "#d9902f", green: "#1a7f4b", purple: "#7b4bb7", red: "#c8423b",
    steel: "#8aa0b5", grey: "#9aa3ad", slate: "#5a6b7b", rose: "#b0356a",
    muted: "#5d6b7a", dark: "#555", tie: "#999", white: "#fff", black: "#000",
    greenBand: "rgba(26,127,75,0.15)", blueBand: "rgba(47,93,138,.15)",
  };
  // One colour per side, party, option or consideration, in this order.
  const series = [colours.blue, colours.amber, colours.green, colours.purple, colours.red,
    colours.steel, colours.rose];
  // The options of a restructuring comparison (up to seven on one chart): as the series but
  // slate sixth, darker than steel, as that chart has always drawn them.
  const options = [...series.slice(0, 5), colours.slate, colours.rose];
  // The alliance statuses, on the portfolio's doughnut.
  const status = { "Forming": colours.grey, "Active": colours.green, "At risk": colours.amber,
    "Renegotiating": colours.blue, "Restructuring": colours.purple, "Exiting": colours.red,
    "Closed": colours.dark };

  window.detenteCharts = {
    colours,
    series,
    status,
    // The n-th series' colour; the palette repeats after its last colour.
    colour: (n) => series[n % series.length],
    optionColour: (n) => options[n % options.length],
    // The parsed content of a json_script element, or null when the page has none.
    read: (id) => {
      const el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    },
    pct: (x) => Math.round(x * 100) + "%",
  };

  if (!window.Chart) return;
  // Every chart fills its .chart-box (whose height the stylesheet sets) and puts its legend
  // below the plot.
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.position = "bottom";
})();
