// The unit page's upload area: a progress bar fed by htmx's upload progress events, and drag-and-drop
// onto the file picker. The form works without this file (a plain multipart POST).
(function () {
  function progressBarOf(element) {
    var form = element.closest ? element.closest("form[data-upload-form]") : null;
    return form ? form.querySelector("progress") : null;
  }

  // Real upload progress: htmx's own progress events mix the upload with the download of the answer, so
  // listen to the request's upload side only; then say the server is checking the file.
  document.addEventListener("htmx:beforeSend", function (event) {
    var bar = progressBarOf(event.target);
    if (!bar || !event.detail.xhr) { return; }
    var note = bar.closest("form").querySelector("[data-upload-note]");
    bar.value = 0;
    event.detail.xhr.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) { return; }
      var share = Math.round((progress.loaded / progress.total) * 100);
      bar.value = share;
      if (note) { note.textContent = "Đã gửi " + share + "%"; }
    });
    event.detail.xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      if (note) { note.textContent = "Đã gửi xong, đang kiểm tra tệp…"; }
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var bar = progressBarOf(event.target);
    var note = bar && bar.closest("form").querySelector("[data-upload-note]");
    if (note) { note.textContent = event.detail.successful ? "Đã kiểm tra xong." : ""; }
  });

  // After an upload the results take the focus, starting with the one-line verdict.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "results") { return; }
    var root = event.detail.target;
    var first = root.querySelector("#verdict") || root.querySelector("[data-refusal]") || root.querySelector(".results");
    if (first) {
      if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
      first.focus();
      first.scrollIntoView({ block: "start" });
    }
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
    if (!event.detail.target || event.detail.target.id !== "preview") { return; }
    var marked = document.querySelector("#preview .cell-marked");
    if (marked) { marked.scrollIntoView({ block: "center", inline: "center" }); }
  });
})();
