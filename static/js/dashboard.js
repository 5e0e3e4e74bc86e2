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

// The filters read what the address says after every step back or forward. A step back reloads the page (the
// dashboard keeps no history snapshot), and a browser may refill a reloaded form with the values it had when the page
// was left (Firefox does), which belong to a later address: the form's autocomplete="off" asks it not to, this makes
// sure.
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
document.addEventListener("DOMContentLoaded", syncDashboardFilters);
window.addEventListener("pageshow", syncDashboardFilters);
