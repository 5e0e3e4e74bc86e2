// The reviewer's page: each finding with a cell gets a button that writes its address into the return comment,
// so the comment lands on that cell as an Excel note in the file the unit gets back. Without this file the
// reviewer types the address ('Đảng viên'!N12) by hand.
(function () {
  function addButtons(root) {
    var comment = document.getElementById("return-comment");
    if (!comment) { return; }
    root.querySelectorAll(".finding[data-ref]").forEach(function (finding) {
      if (finding.querySelector("[data-cite]")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "outline small";
      button.dataset.cite = finding.dataset.ref;
      button.textContent = "Ghi vào nhận xét";
      button.setAttribute("aria-label", "Ghi ô " + finding.dataset.ref + " vào nhận xét trả lại");
      finding.appendChild(button);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-cite]");
    var comment = document.getElementById("return-comment");
    if (!button || !comment) { return; }
    var prefix = comment.value && !/\n$/.test(comment.value) ? "\n" : "";
    comment.value += prefix + button.dataset.cite + ": ";
    comment.focus();
  });

  document.addEventListener("DOMContentLoaded", function () { addButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { addButtons(event.detail.target || document); });
})();
