// Tables marked "cards-sm" become cards on a phone (app.css); each cell is labelled with its
// column heading here, so a template only adds the class.
document.querySelectorAll("table.cards-sm").forEach((table) => {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, i) => {
      if (!cell.hasAttribute("data-label") && heads[i] && !cell.hasAttribute("colspan")) {
        cell.setAttribute("data-label", heads[i]);
      }
    });
  });
});
