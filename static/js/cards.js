// List tables read as cards on a phone (static/css/cards.css): each cell is headed by its column's name, copied
// from the table's header into the cell's data-label when the page loads and whenever htmx swaps rows in (CSS shows
// it with attr(), so no inline style, which the CSP refuses). A column whose header is visually hidden (the actions)
// gets none, and a part of a header hidden from screen readers (a sort arrow) is no part of its name; a row that runs
// across the table is left as it is. The rows of the table's foot (totals) are labelled as its body's are. Without this script the cards show their cells
// unlabelled, and the desktop table is unchanged.
(function () {
  "use strict";

  function heads(table) {
    return Array.from(table.querySelectorAll("thead th"), function (th) {
      if (th.querySelector(".visually-hidden")) return null;
      var named = th.cloneNode(true);
      Array.from(named.querySelectorAll("[aria-hidden='true']"), function (hidden) { hidden.remove(); });
      return named.textContent.replace(/\s+/g, " ").trim();
    });
  }

  function labelTable(table) {
    var names = heads(table);
    Array.from(table.tBodies).concat(table.tFoot ? [table.tFoot] : []).forEach(function (body) {
      Array.from(body.rows).forEach(function (row) {
        if (row.cells.length !== names.length) return;
        Array.from(row.cells).forEach(function (cell, index) {
          if (names[index]) cell.setAttribute("data-label", names[index]);
          else cell.removeAttribute("data-label");
        });
      });
    });
  }

  function labelWithin(root) {
    var tables = root.querySelectorAll ? Array.from(root.querySelectorAll("table.card-table")) : [];
    var around = root.closest ? root.closest("table.card-table") : null;
    if (around) tables.push(around);
    tables.forEach(labelTable);
  }

  document.addEventListener("DOMContentLoaded", function () { labelWithin(document); });
  document.addEventListener("htmx:load", function (event) { labelWithin(event.target); });
})();
