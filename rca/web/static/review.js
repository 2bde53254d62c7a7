// Keystrokes for the review page (the page works without this script):
//   1-9 = pick a code, Enter = save the code picked (never the model's suggestion),
//   k = keep the council's code, a = confirm the model's suggestion, s = skip.
// Ignored while typing in a field, and with Ctrl/Alt/Meta held. Enter on a focused
// button presses that button, as browsers do.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  if (!form) return;
  var status = document.getElementById("status");
  var picked = function () { return form.querySelector("input[name=label]:checked"); };
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    var t = ev.target || {};
    var tag = t.tagName || "";
    if (tag === "TEXTAREA" || tag === "SELECT" || tag === "BUTTON" || (tag === "INPUT" && t.type !== "radio" && t.type !== "checkbox")) return;
    var press = function (id) { var b = document.getElementById(id); if (b) { ev.preventDefault(); b.click(); } };
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (picked()) return press("correct");
      if (status) status.textContent = "Pick a code with its number key first (or press a to confirm the model's, k to keep the council's).";
      return;
    }
    if (ev.key === "a") return press("accept");
    if (ev.key === "k") return press("keep");
    if (ev.key === "s") return press("skip");
    if (/^[1-9]$/.test(ev.key)) {
      var opt = document.getElementById("opt-" + ev.key);
      if (opt) { ev.preventDefault(); opt.checked = opt.type === "checkbox" ? !opt.checked : true; opt.focus(); }
    }
  });
})();
