/*
 * Every search box of the site, one ranker (search-engine.js, window.GlossarySearch):
 *
 * - the header search (templates/overrides/partials/search.html): results as you type,
 *   keyboard navigation (up/down, Enter opens, Escape closes), "did you mean" when nothing
 *   matches, the panel closing when focus leaves it, and the shortcuts "/", "s" and "f"
 *   like Material's own search;
 * - the home page's quick find (templates/home.md.j2, .gl-quickfind): the same results,
 *   drawn in the page;
 * - the 404 page's suggestions (templates/overrides/404.html): the entries nearest to the
 *   address asked for.
 *
 * Each result (drawn by search-results.js) names its kind as the page does (Article,
 * Definition, Area, Page), links to its best section (#anchor), shows that section's heading
 * and a snippet with the query's words marked. Index text only ever goes in through
 * textContent and createElement, never as HTML. The index is fetched when a search box is
 * focused or typed in (the 404 page, which must suggest something at once, is the exception).
 */
(function () {
  "use strict";

  var engine = window.GlossarySearch;
  var parts = (engine && engine.results) || {};
  var el = parts.el, snippetNode = parts.snippetNode, loadSnippets = parts.loadSnippets;
  var matchedNode = parts.matchedNode, Options = parts.Options;
  var closeOnFocusLeaving = parts.closeOnFocusLeaving, inlineItem = parts.inlineItem;
  var LIMIT = 10;
  var SNIPPET_DELAY_MS = 120; // section texts are fetched once typing pauses this long

  /* ---------- the header search ------------------------------------------------------------ */

  function setupHeader() {
    var root = document.querySelector('[data-md-component="glossary-search"]');
    var toggle = document.getElementById("__search");
    if (!root || !toggle) return;
    var input = root.querySelector("[data-gl-search-input]");
    var form = root.querySelector("form");
    var meta = root.querySelector("[data-gl-search-meta]");
    var list = root.querySelector("#gl-search-results");
    var initialMeta = meta.textContent;
    var options = new Options(input, list, ".md-search-result__link", "gl-search--active");
    var rendered = "";
    var pending = false;
    var snippetTimer = null;

    function item(hit, position, index) {
      var li = el("li", "md-search-result__item");
      li.setAttribute("role", "presentation");
      var link = el("a", "md-search-result__link");
      link.id = "gl-search-option-" + position;
      link.href = engine.href(hit);
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      link.tabIndex = -1;
      link.dataset.slug = hit.slug;
      link.dataset.kind = hit.kind;
      var article = el("article", "md-search-result__article md-typeset");
      var title = el("h1", "gl-search__title", hit.title);
      title.appendChild(el("span", "gl-search__kind gl-search__kind--" + hit.kind, hit.kind_label));
      article.appendChild(title);
      if (hit.section) article.appendChild(el("p", "gl-search__section", hit.section));
      if (hit.matched) article.appendChild(matchedNode("p", "gl-search__matched", hit));
      article.appendChild(snippetNode("p", "gl-search__snippet", hit, index));
      link.appendChild(article);
      li.appendChild(link);
      return li;
    }

    function render(index) {
      var query = input.value;
      if (query === rendered) return;
      rendered = query;
      list.textContent = "";
      options.reset();
      clearTimeout(snippetTimer);
      if (!query.trim()) {
        meta.textContent = initialMeta;
        input.setAttribute("aria-expanded", "false");
        announce("idle", query, 0);
        return;
      }
      var hits = index.search(query, LIMIT);
      var state = "results";
      if (hits.length) {
        meta.textContent = hits.length === 1 ? "1 result" : hits.length + " results";
      } else {
        hits = index.suggest(query, 5);
        state = hits.length ? "suggest" : "none";
        meta.textContent = hits.length
          ? "Nothing matches \u201c" + query.trim() + "\u201d. Did you mean:"
          : "Nothing matches \u201c" + query.trim() + "\u201d. Try fewer words, or browse the A\u2013Z list.";
      }
      hits.forEach(function (hit, i) { list.appendChild(item(hit, i, index)); });
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      snippetTimer = setTimeout(function () { loadSnippets(list); }, SNIPPET_DELAY_MS);
      announce(state, query, hits.length);
    }

    // What is on screen now, for tests and benchmarks (data-gl-state, data-gl-query, an event).
    function announce(state, query, count) {
      root.dataset.glState = state;
      root.dataset.glQuery = query;
      root.dispatchEvent(new CustomEvent("glossary-search:rendered", { detail: { query: query, state: state, count: count } }));
    }

    // Coalesce bursts of keystrokes into one search per frame; never wait longer.
    function update() {
      if (pending) return;
      pending = true;
      engine.load().then(function (index) {
        pending = false;
        render(index);
      }, function () {
        pending = false;
        meta.textContent = "Search is unavailable: its index could not be loaded.";
      });
    }

    function open() {
      if (!toggle.checked) {
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      }
      engine.load();
    }

    function close() {
      if (toggle.checked) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
      input.blur();
    }

    function go() {
      var target = options.target();
      if (target) window.location.assign(target.href);
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", open);
    input.addEventListener("pointerenter", function () { engine.load(); });
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        engine.load();
        if (document.activeElement !== input) {
          setTimeout(function () {
            if (toggle.checked && document.activeElement !== input) { input.focus(); input.select(); }
          }, 0);
        }
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      engine.load().then(function (index) { render(index); go(); });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { update(); input.focus(); }, 0);
    });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      if (event.key === "ArrowDown") { event.preventDefault(); options.move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); options.move(-1); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    closeOnFocusLeaving(root, function () { if (toggle.checked) close(); });

    document.addEventListener("keydown", function (event) {
      if (toggle.checked || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        open();
        input.focus();
      }
    });

    // ?q=... opens the search with that query, so searches can be linked to.
    var shared = new URLSearchParams(window.location.search).get("q");
    if (shared) {
      input.value = shared;
      open();
      input.focus();
      update();
    }
  }

  /* ---------- results drawn in a page (home quick find, 404) ------------------------------- */

  function setupQuickFind() {
    document.querySelectorAll(".gl-quickfind").forEach(function (box, n) {
      var input = box.querySelector(".gl-quickfind__input");
      var list = box.querySelector(".gl-quickfind__results");
      if (!input || !list) return;
      var limit = parseInt(box.getAttribute("data-results") || "8", 10) || 8;
      if (!list.id) list.id = "gl-quickfind-results" + (n ? "-" + n : "");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", list.id);
      input.setAttribute("aria-expanded", "false");
      var options = new Options(input, list, ".gl-result[role=option]", "gl-result--active");
      var rendered = null;
      var pending = false;
      var snippetTimer = null;

      function show(visible) {
        list.hidden = !visible;
        input.setAttribute("aria-expanded", visible && list.children.length ? "true" : "false");
      }

      function render(index) {
        var query = input.value;
        if (query === rendered) return;
        rendered = query;
        list.textContent = "";
        options.reset();
        clearTimeout(snippetTimer);
        var state = "idle", hits = [];
        if (query.trim()) {
          hits = index.search(query, limit);
          state = "results";
          if (!hits.length) {
            hits = index.suggest(query, Math.min(limit, 5));
            state = hits.length ? "suggest" : "none";
            list.appendChild(el("li", "gl-result gl-result--none", hits.length
              ? "Nothing matches \u201c" + query.trim() + "\u201d. Did you mean:"
              : "Nothing matches \u201c" + query.trim() + "\u201d. Try fewer words, or the A\u2013Z list."));
          }
        }
        hits.forEach(function (hit, i) { list.appendChild(inlineItem(hit, list.id + "-option-" + i, index)); });
        show(true);
        snippetTimer = setTimeout(function () { loadSnippets(list); }, SNIPPET_DELAY_MS);
        box.dataset.glState = state;
        box.dataset.glQuery = query;
      }

      function update() {
        if (pending) return;
        pending = true;
        engine.load().then(function (index) {
          pending = false;
          render(index);
        }, function () {
          pending = false;
          list.textContent = "";
          list.appendChild(el("li", "gl-result gl-result--none", "Search is unavailable: its index could not be loaded."));
        });
      }

      input.addEventListener("focus", function () {
        engine.load();
        if (input.value.trim()) show(true);
      });
      input.addEventListener("input", update);
      input.addEventListener("keydown", function (event) {
        if (event.isComposing) return;
        if (event.key === "ArrowDown") { event.preventDefault(); show(true); options.move(1); }
        else if (event.key === "ArrowUp") { event.preventDefault(); show(true); options.move(-1); }
        else if (event.key === "Escape" && !list.hidden) {
          event.preventDefault(); // the first Escape closes the list, a second clears the box
          options.reset();
          show(false);
        }
        else if (event.key === "Enter") {
          event.preventDefault();
          engine.load().then(function (index) {
            render(index);
            var target = options.target();
            if (target) window.location.assign(target.href);
          });
        }
      });
      closeOnFocusLeaving(box, function () { options.reset(); show(false); });
      if (input.value.trim()) update(); // a value the browser kept on going back
    });
  }

  function setupNotFound() {
    var holder = document.querySelector(".gl-404-suggest");
    if (!holder) return;
    var path = window.location.pathname;
    try { path = decodeURIComponent(path); } catch (error) { /* keep it encoded */ }
    var shown = document.querySelector(".gl-404-path");
    if (shown) shown.textContent = path;
    var segments = path.split("/").filter(function (s) { return s && s !== "index.html"; });
    var query = (segments[segments.length - 1] || "").replace(/\.(html?|md)$/, "").replace(/[-_+]+/g, " ").trim();
    if (!query) return;
    var list = holder.querySelector(".gl-404-list");
    // No search box to wait for here: the page exists to suggest, so the index loads now.
    engine.load().then(function (index) {
      var hits = index.suggest(query, 5);
      holder.dataset.glQuery = query;
      if (!hits.length) return;
      hits.forEach(function (hit, i) { list.appendChild(inlineItem(hit, "gl-404-option-" + i, index, true)); });
      holder.hidden = false;
      loadSnippets(list);
    });
  }

  function setup() {
    if (!engine || !engine.results) return;
    setupHeader();
    setupQuickFind();
    setupNotFound();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
