// Move focus to the list of problems after a form comes back with errors, so a screen
// reader reads it and a keyboard user starts from it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
