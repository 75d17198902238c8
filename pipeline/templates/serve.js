// jixiao serve: keyboard shortcuts and scrolling the report text to the quoted figure.
// Served as /static/serve.js (the pages' Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector(".pane mark.ev");
    if (first) { first.scrollIntoView({ block: "center" }); }
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.findings tbody tr[data-href]"));
    var sel = rows.length ? 0 : -1;
    function show() {
      rows.forEach(function (r, i) { r.classList.toggle("sel", i === sel); });
      if (sel >= 0) { rows[sel].scrollIntoView({ block: "nearest" }); }
    }
    show();
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      if (e.key === "Escape") {
        if (typing(e)) { e.target.blur(); } else if (location.pathname !== "/") { location.href = "/"; }
        return;
      }
      if (typing(e)) { return; }
      if (e.key === "j" && sel < rows.length - 1) { sel += 1; show(); }
      else if (e.key === "k" && sel > 0) { sel -= 1; show(); }
      else if (e.key === "Enter" && sel >= 0) { location.href = rows[sel].getAttribute("data-href"); }
      else if (e.key === "/") { var u = document.getElementById("f-unit"); if (u) { e.preventDefault(); u.focus(); } }
      else if (e.key === "n") { var n = document.getElementById("next"); if (n) { location.href = n.getAttribute("href"); } }
      else if (e.key === "c") { var c = document.getElementById("confirm"); if (c) { c.focus(); } }
      else if (e.key === "d") { var d = document.getElementById("reason"); if (d) { e.preventDefault(); d.focus(); } }
    });
  });
})();
