/*
 * What every search box of the site draws for one result, and how its list behaves
 * (search-ui.js sets up the boxes): the kind as the page names it (Article, Definition,
 * Area, Page), the alias or abbreviation that matched, the best section's snippet with the
 * query's words marked, a list the arrow keys move through, and a box that closes when
 * focus leaves it. Index text only ever goes in through textContent and createElement,
 * never as HTML.
 *
 * Reads: window.GlossarySearch (search-engine.js): href, snippet.
 * Adds: window.GlossarySearch.results: el, highlight, snippetNode, loadSnippets,
 * matchedNode, Options, closeOnFocusLeaving, inlineItem.
 */
(function () {
  "use strict";

  var engine = window.GlossarySearch;
  if (!engine) return;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---------- one result's parts ----------------------------------------------------------- */

  // `text` into `node` with each [start, end) of `marks` wrapped in <mark>; text nodes only.
  function highlight(node, text, marks) {
    node.textContent = "";
    var at = 0;
    marks.slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (m) {
      var start = Math.max(m[0], at), end = Math.min(m[1], text.length);
      if (end <= start) return;
      if (start > at) node.appendChild(document.createTextNode(text.slice(at, start)));
      node.appendChild(el("mark", "", text.slice(start, end)));
      at = end;
    });
    if (at < text.length) node.appendChild(document.createTextNode(text.slice(at)));
  }

  // The snippet at once from what the index holds (the summary); the best section's own
  // text replaces it when loadSnippets fetches the page's texts. data-gl-snippet says which.
  function snippetNode(tag, className, hit, index) {
    var node = el(tag, className);
    var first = index.snippet(hit.summary, hit.terms || []);
    highlight(node, first[0], first[1]);
    node.dataset.glSnippet = hit.sectionNumber < 0 ? "done" : "summary";
    node.glHit = hit;
    return node;
  }

  function loadSnippets(container) {
    container.querySelectorAll('[data-gl-snippet="summary"]').forEach(function (node) {
      node.dataset.glSnippet = "loading";
      engine.snippet(node.glHit).then(function (found) {
        highlight(node, found[0], found[1]);
        node.dataset.glSnippet = "done";
      }, function () {
        node.dataset.glSnippet = "done"; // the summary's snippet stays
      });
    });
  }

  function matchedNode(tag, className, hit) {
    var node = el(tag, className, hit.matched_field === "abbreviation" ? "abbreviation " : "also called ");
    node.appendChild(el("mark", "", hit.matched));
    return node;
  }

  /* ---------- a list the keyboard moves through -------------------------------------------- */

  // Up/down move the active option (wrapping), its id goes in aria-activedescendant;
  // target() is the link Enter opens: the active one, else the first.
  function Options(input, list, selector, activeClass) {
    this.input = input;
    this.list = list;
    this.selector = selector;
    this.activeClass = activeClass;
    this.active = -1;
  }

  Options.prototype.all = function () {
    return this.list.querySelectorAll(this.selector);
  };

  Options.prototype.reset = function () {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
  };

  Options.prototype.move = function (step) {
    var all = this.all(), self = this;
    if (!all.length) { this.reset(); return; }
    var n = all.length;
    this.active = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
    all.forEach(function (option, i) {
      var on = i === self.active;
      option.classList.toggle(self.activeClass, on);
      option.setAttribute("aria-selected", on ? "true" : "false");
    });
    this.input.setAttribute("aria-activedescendant", all[this.active].id);
    all[this.active].scrollIntoView({ block: "nearest" });
  };

  Options.prototype.target = function () {
    var all = this.all(), option = all[this.active >= 0 ? this.active : 0];
    if (!option) return null;
    return option.matches("a[href]") ? option : option.querySelector("a[href]");
  };

  // Close when focus goes somewhere outside `box` in this window (Tab away, a click
  // elsewhere); not while a press inside the box is moving focus, nor when the window
  // itself loses focus.
  function closeOnFocusLeaving(box, close) {
    var pressing = false;
    box.addEventListener("pointerdown", function () { pressing = true; });
    document.addEventListener("pointerup", function () { setTimeout(function () { pressing = false; }, 0); });
    box.addEventListener("focusout", function (event) {
      if (event.relatedTarget && box.contains(event.relatedTarget)) return;
      setTimeout(function () {
        if (pressing || !document.hasFocus() || box.contains(document.activeElement)) return;
        close();
      }, 0);
    });
  }

  /* ---------- results drawn in a page (home quick find, 404) ------------------------------- */

  // `toPage`: link to the entry's page itself, not its best section (the 404 page: the
  // address asked for was a page). There the list is a plain list of links, reached with
  // Tab; under a search box it is the box's listbox, moved through with the arrow keys.
  function inlineItem(hit, id, index, toPage) {
    var li = el("li", "gl-result");
    li.id = id;
    if (!toPage) {
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
    }
    li.dataset.slug = hit.slug;
    li.dataset.kind = hit.kind;
    var link = el("a", "gl-result__link", hit.title);
    link.href = engine.href(toPage ? { url: hit.url, anchor: "" } : hit);
    if (!toPage) link.tabIndex = -1;
    li.appendChild(link);
    li.appendChild(el("span", "gl-kind gl-kind--" + hit.kind + " gl-result__kind", hit.kind_label));
    if (hit.section && !toPage) li.appendChild(el("span", "gl-result__section", hit.section));
    if (hit.matched) li.appendChild(matchedNode("span", "gl-result__matched", hit));
    li.appendChild(snippetNode("span", "gl-result__snippet", hit, index));
    return li;
  }

  engine.results = {
    el: el,
    highlight: highlight,
    snippetNode: snippetNode,
    loadSnippets: loadSnippets,
    matchedNode: matchedNode,
    Options: Options,
    closeOnFocusLeaving: closeOnFocusLeaving,
    inlineItem: inlineItem
  };
})();
