// Behaviour every page shares, attached from this file so that the templates need no
// inline script, event handler or style (the Content-Security-Policy forbids them).
(function () {
  // A form with data-confirm="question" is sent only when the person confirms (deletes).
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset ? event.target.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // A button with data-print prints the page.
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  // Computed colours (the cells of a goal-conflict matrix) come as data-fill: set through
  // the style object, which the policy allows, instead of a style attribute, which it blocks.
  const paint = (root) => root.querySelectorAll("[data-fill]").forEach((el) => {
    el.style.backgroundColor = el.dataset.fill;
  });
  paint(document);
  document.addEventListener("htmx:load", (event) => paint(event.target));
  // On a phone a wide table is shown as one card per row (detente.css): each cell is given
  // its column's heading as data-label, which the stylesheet shows above the cell's value.
  const label = (root) => root.querySelectorAll(".table-wrap > table").forEach((table) => {
    const heads = [];
    table.querySelectorAll(":scope > thead > tr:first-child > th").forEach((th) => {
      for (let i = 0; i < th.colSpan; i += 1) heads.push(th.textContent.trim());
    });
    table.querySelectorAll(":scope > tbody > tr").forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (!cell.textContent.trim() && !cell.querySelector("*")) cell.dataset.empty = "";
        else if (heads[column] && cell.tagName === "TD" && cell.colSpan === 1) cell.dataset.label = heads[column];
        column += cell.colSpan;
      });
    });
  });
  label(document);
  document.addEventListener("htmx:load", () => label(document));
})();
