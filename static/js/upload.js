// The unit page's upload area: a progress bar fed by htmx's upload progress events, and drag-and-drop
// onto the file picker. The form works without this file (a plain multipart POST).
(function () {
  function progressBarOf(element) {
    var form = element.closest ? element.closest("form[data-upload-form]") : null;
    return form ? form.querySelector("progress") : null;
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = progressBarOf(event.target);
    if (bar && event.detail.lengthComputable) {
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var bar = progressBarOf(event.target);
    if (bar) { bar.value = 0; }
  });

  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone) { event.preventDefault(); zone.classList.add("dragging"); }
  });

  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone) { zone.classList.remove("dragging"); }
  });

  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("dragging");
    var input = zone.querySelector("input[type=file]");
    if (input && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // Choosing a finding marks its cell in the preview (the preview fragment carries data-cell ids).
  document.addEventListener("htmx:afterSwap", function (event) {
    var marked = document.querySelector("#preview .cell-marked");
    if (marked) { marked.scrollIntoView({ block: "center", inline: "center" }); }
  });
})();
