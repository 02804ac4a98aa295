// Watch mode: reload the page once the next build has finished (see outreach/serve/watch.py).
(function () {
  "use strict";
  var marked = document.querySelector("[data-watch-build]");
  if (!marked) return;
  var seen = marked.getAttribute("data-watch-build");
  var tries = 0;
  function poll() {
    fetch("/watch/status", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        tries = 0;
        if (String(s.build) !== seen) { location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, Math.min(30000, 1000 * Math.pow(2, ++tries))); });
  }
  setTimeout(poll, 1000);
})();
