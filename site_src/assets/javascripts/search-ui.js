/*
 * The header search box (templates/overrides/partials/search.html): results as you type,
 * keyboard navigation (up/down, Enter opens, Escape closes), "did you mean" when nothing
 * matches, and the shortcuts "/", "s" and "f" like Material's own search.
 * Ranking lives in search-engine.js; text is inserted with textContent only.
 */
(function () {
  "use strict";

  var engine = window.GlossarySearch;
  var LIMIT = 10;
  var SNIPPET = 160;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function snippet(text) {
    if (text.length <= SNIPPET) return text;
    var cut = text.lastIndexOf(" ", SNIPPET);
    return text.slice(0, cut > 80 ? cut : SNIPPET) + "\u2026";
  }

  function setup() {
    var root = document.querySelector('[data-md-component="glossary-search"]');
    var toggle = document.getElementById("__search");
    if (!root || !toggle || !engine) return;
    var input = root.querySelector("[data-gl-search-input]");
    var form = root.querySelector("form");
    var meta = root.querySelector("[data-gl-search-meta]");
    var list = root.querySelector("#gl-search-results");
    var initialMeta = meta.textContent;
    var active = -1;
    var rendered = "";
    var pending = false;

    function links() {
      return list.querySelectorAll(".md-search-result__link");
    }

    function setActive(position) {
      var all = links();
      if (!all.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = (position + all.length) % all.length;
      all.forEach(function (link, i) {
        var on = i === active;
        link.classList.toggle("gl-search--active", on);
        link.setAttribute("aria-selected", on ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function item(hit, position) {
      var li = el("li", "md-search-result__item");
      li.setAttribute("role", "presentation");
      var link = el("a", "md-search-result__link");
      link.id = "gl-search-option-" + position;
      link.href = engine.href(hit);
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      link.tabIndex = -1;
      link.dataset.slug = hit.slug;
      var article = el("article", "md-search-result__article md-typeset");
      var title = el("h1", "gl-search__title", hit.title);
      title.appendChild(el("span", "gl-search__kind", hit.kind));
      article.appendChild(title);
      if (hit.matched) {
        var matched = el("p", "gl-search__matched", hit.matched_field === "abbreviation" ? "abbreviation " : "also called ");
        matched.appendChild(el("mark", "", hit.matched));
        article.appendChild(matched);
      }
      article.appendChild(el("p", "gl-search__summary", snippet(hit.summary)));
      link.appendChild(article);
      li.appendChild(link);
      return li;
    }

    function render(index) {
      var query = input.value;
      if (query === rendered) return;
      rendered = query;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!query.trim()) {
        meta.textContent = initialMeta;
        input.setAttribute("aria-expanded", "false");
        announce("idle", query, 0);
        return;
      }
      var hits = index.search(query, LIMIT);
      var state = "results";
      if (hits.length) {
        meta.textContent = hits.length === 1 ? "1 matching entry" : hits.length + " matching entries";
      } else {
        hits = index.suggest(query, 5);
        state = hits.length ? "suggest" : "none";
        meta.textContent = hits.length
          ? "No entry matches \u201c" + query.trim() + "\u201d. Did you mean:"
          : "No entry matches \u201c" + query.trim() + "\u201d. Try fewer words, or browse the A\u2013Z list.";
      }
      hits.forEach(function (hit, i) { list.appendChild(item(hit, i)); });
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
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
      var all = links();
      var target = all[active >= 0 ? active : 0];
      if (target) window.location.assign(target.href);
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", open);
    input.addEventListener("pointerenter", function () { engine.load(); });
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        engine.load();
        if (document.activeElement !== input) setTimeout(function () { input.focus(); input.select(); }, 0);
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
      if (event.key === "ArrowDown") { event.preventDefault(); setActive(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); setActive(active - 1); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });

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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
