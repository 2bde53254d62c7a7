// Intake page helper. The form works without this script (it posts to / and the
// server renders the answer); the script only remembers the API token for this
// browser tab, so an officer does not paste it for every complaint.
(function () {
  "use strict";
  var KEY = "rca-api-token";
  var form = document.getElementById("intake");
  var token = document.getElementById("token");
  if (!form || !token) return;
  if (!token.value) token.value = sessionStorage.getItem(KEY) || "";
  form.addEventListener("submit", function () {
    sessionStorage.setItem(KEY, token.value.trim());
    var status = document.getElementById("status");
    if (status) { status.className = ""; status.textContent = "Working…"; }
  });
})();
