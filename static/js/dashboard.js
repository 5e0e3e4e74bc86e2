// The dashboard refreshes itself every 30 seconds; skip a refresh while the keyboard focus is inside the table,
// so a keyboard user does not lose their place (the next refresh comes 30 seconds later).
document.addEventListener("htmx:beforeRequest", function (event) {
  var body = document.getElementById("dashboard-body");
  if (body && event.detail.elt === body && body.contains(document.activeElement) && document.activeElement !== body) {
    event.preventDefault();
  }
});
