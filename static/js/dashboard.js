// The dashboard refreshes itself every 30 seconds; skip a refresh while the keyboard focus is inside the table,
// so a keyboard user does not lose their place (the next refresh comes 30 seconds later).
document.addEventListener("htmx:beforeRequest", function (event) {
  var body = document.getElementById("dashboard-body");
  if (body && event.detail.elt === body && body.contains(document.activeElement) && document.activeElement !== body) {
    event.preventDefault();
  }
});

// The filters' empty fields stay out of the address: /review/?status=submitted, not ?q=&status=submitted&group=…
document.addEventListener("htmx:configRequest", function (event) {
  if (event.detail.verb !== "get" || !event.detail.elt.closest("#dashboard-filters, #dashboard-body")) { return; }
  var parameters = event.detail.parameters;
  Object.keys(parameters).forEach(function (name) {
    if (parameters[name] === "" || (name === "sort" && parameters[name] === "unit") ||
        (name === "order" && parameters[name] === "asc")) { delete parameters[name]; }
  });
});

// The filters read what the address says after every step back or forward, whichever restored page lands last:
// two restores in flight (back pressed twice) may land in either order.
function syncDashboardFilters() {
  var form = document.getElementById("dashboard-filters");
  if (!form) { return; }
  var parameters = new URLSearchParams(window.location.search);
  var defaults = { sort: "unit", order: "asc" };
  ["q", "status", "group", "level", "sort", "order"].forEach(function (name) {
    var field = form.elements[name];
    if (field) { field.value = parameters.get(name) || defaults[name] || ""; }
  });
  if (form.elements.late) { form.elements.late.checked = parameters.get("late") === "1"; }
}
document.addEventListener("htmx:historyRestore", syncDashboardFilters);
