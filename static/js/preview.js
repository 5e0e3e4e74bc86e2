// The preview keeps the columns that name a row in view: the server marks them (data-pin, from the workbook's
// column registry) wherever they stand, and each one sticks at the summed width of the row number and the
// pinned columns on its left. Without this file the row numbers alone stay in view.
(function () {
  function pin(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table.preview-table") : [];
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      var left = head.cells[0].getBoundingClientRect().width;
      var offsets = {};
      var pinned = head.querySelectorAll("[data-pin]");
      Array.prototype.forEach.call(pinned, function (cell) {
        offsets[cell.getAttribute("data-pin")] = left;
        left += cell.getBoundingClientRect().width;
      });
      var last = pinned.length ? pinned[pinned.length - 1].getAttribute("data-pin") : null;
      Array.prototype.forEach.call(table.querySelectorAll("[data-pin]"), function (cell) {
        var at = cell.getAttribute("data-pin");
        cell.style.left = offsets[at] + "px";
        cell.classList.toggle("pinned-last", at === last);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { pin(document); });
  document.addEventListener("htmx:afterSettle", function (event) { pin(event.detail.elt || document); });
  window.addEventListener("resize", function () { pin(document); });
})();
