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
})();
