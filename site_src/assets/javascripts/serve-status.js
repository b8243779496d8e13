/* While `glossary serve` runs (the server adds this script to every page then, and only
   then): if the last rebuild stopped on errors in the entries, the page shown is the last
   good build, and this banner says what to fix. The server writes the report beside the
   pages (generator/emit/mkdocs/serve_status.py) and removes it with the next good build.

   It also reloads the page only when a rebuild changed it: it stands in for MkDocs'
   live-reload loop (the `livereload` function the server's script assigns, then calls) and,
   when the server says the site has a newer version, reloads only if the server's build log
   names this page (or all pages) among the builds after the page's own. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var root = new URL("../../", script.src);
  var report = new URL("glossary-serve-status.json", root).href;
  var changes = new URL("glossary-serve-changes.json", root).href;

  function path(url) {
    return url.pathname.replace(/index\.html$/, "");
  }

  // Whether a build after the one that made this page (version `epoch`) changed it: builds
  // are [start, urls or null], oldest first; the first to start at or after `epoch` is the
  // page's own (the server takes a version just before it builds). A log whose oldest builds
  // were let go may not hold the page's own: then it has changed, as far as anyone knows.
  function changedSince(epoch, log) {
    var builds = log.builds || [];
    if (!builds.length || (log.trimmed && builds[0][0] > epoch)) return true;
    var later = builds.filter(function (b) { return b[0] >= epoch; });
    var here = path(window.location);
    return later.slice(1).some(function (b) {
      return b[1] === null || b[1].some(function (url) { return path(new URL(url, root)) === here; });
    });
  }

  // MkDocs' loop (mkdocs/livereload), except that a newer version reloads only a changed page.
  function liveReload(epoch, requestId) {
    var req, timeout;
    function poll() {
      req = new XMLHttpRequest();
      req.onloadend = function () {
        var version = parseFloat(this.responseText);
        if (!(version > epoch)) {
          timeout = setTimeout(poll, this.status === 200 ? 0 : 3000);
          return;
        }
        fetch(changes, { cache: "no-store" })
          .then(function (response) { return response.json(); })
          .then(function (log) {
            if (changedSince(epoch, log)) {
              window.location.reload();
            } else {
              epoch = version;
              timeout = setTimeout(poll, 0);
            }
          })
          .catch(function () { window.location.reload(); });
      };
      req.open("GET", "/livereload/" + epoch + "/" + requestId);
      req.send();
    }
    function stop() {
      if (req) req.abort();
      if (timeout) clearTimeout(timeout);
      req = timeout = undefined;
    }
    function start() {
      if (document.visibilityState === "visible" && !req) poll();
    }
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start);
    window.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") start(); else stop();
    });
    window.addEventListener("beforeunload", stop);
  }

  // The server's script runs `var livereload = function ...; livereload(epoch, id)` after this
  // one: the assignment lands here and the call reaches liveReload. A script that declares
  // the function instead replaces this property, and MkDocs' own loop runs.
  Object.defineProperty(window, "livereload", {
    configurable: true,
    get: function () { return liveReload; },
    set: function () { /* MkDocs' loop, replaced by liveReload */ }
  });

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
