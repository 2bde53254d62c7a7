// Keystrokes for the review page (the page works without this script):
//   a = confirm the suggestion, 1-9 = pick a correction, s = skip.
// Ignored while typing in a field, and with Ctrl/Alt/Meta held.
(function () {
  "use strict";
  var form = document.getElementById("decide");
  if (!form) return;
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && ev.target.type !== "radio" && ev.target.type !== "checkbox")) return;
    var press = function (id) { var b = document.getElementById(id); if (b) { ev.preventDefault(); b.click(); } };
    if (ev.key === "a") return press("accept");
    if (ev.key === "s") return press("skip");
    if (/^[1-9]$/.test(ev.key)) {
      var opt = document.getElementById("opt-" + ev.key);
      if (opt) { ev.preventDefault(); opt.checked = opt.type === "checkbox" ? !opt.checked : true; opt.focus(); }
    }
  });
})();
