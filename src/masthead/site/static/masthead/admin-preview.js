// Live Markdown preview beside the article body in the admin. Without JavaScript the
// "Preview on site" link on a saved article does the same job.
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.querySelector("textarea.markdown-body-input");
    if (!body) return;
    var pane = document.createElement("div");
    pane.className = "markdown-preview";
    pane.setAttribute("aria-live", "polite");
    pane.setAttribute("aria-label", "Preview of the body");
    body.parentNode.appendChild(pane);
    var timer = null;
    function refresh() {
      var data = new FormData();
      data.append("body", body.value);
      fetch(body.dataset.previewUrl, {method: "POST", body: data, headers: {"X-CSRFToken": csrfToken()}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (d) { pane.innerHTML = d.html || ""; })
        .catch(function () {});
    }
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
    refresh();
  });
})();
