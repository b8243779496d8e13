/* While `glossary serve` runs (the server adds this script to every page then, and only
   then): if the last rebuild stopped on errors in the entries, the page shown is the last
   good build, and this banner says what to fix. The server writes the report beside the
   pages (generator/emit/mkdocs/serve_status.py) and removes it with the next good build. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var report = new URL("../../glossary-serve-status.json", script.src).href;

  function show(message) {
    var box = document.createElement("div");
    box.className = "gl-serve-error";
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:sticky;top:0;z-index:10;margin:0;padding:0.8rem 1rem;" +
      "background:#fff3f3;color:#5c0000;border-bottom:3px solid #b00020;" +
      "font:0.8rem/1.45 system-ui,sans-serif;max-height:50vh;overflow:auto";
    var title = document.createElement("strong");
    title.textContent = "Your last edit was not built. This page is the last good build; fix the entries below and save.";
    var details = document.createElement("pre");
    details.style.cssText = "white-space:pre-wrap;margin:0.5rem 0 0;font-size:0.75rem";
    details.textContent = message; // text, never markup: the report quotes the entries
    box.appendChild(title);
    box.appendChild(details);
    document.body.insertBefore(box, document.body.firstChild);
  }

  fetch(report, { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (status) {
      if (status && typeof status.message === "string") show(status.message);
    })
    .catch(function () { /* no report: the last build was good */ });
})();
