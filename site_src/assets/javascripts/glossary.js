/* Leverage Glossary page behaviour (math is drawn at build time): folds opened by links, hover previews, cite box,
 * filters, and the graph and calculator scripts loaded on the pages that show one.
 * Every search box (header, home quick find, 404 suggestions) is search-ui.js's, ranked by
 * search-engine.js. Everything is served from the site itself; nothing here makes a
 * request to another host. Entry text is only ever inserted as text (textContent), never
 * as HTML. */
(function () {
  "use strict";

  var ENTRY_PATH = /\/(term|definition|area)\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?(?:index\.html)?$/;

  /* ---------- the site's base address ------------------------------------------------ */

  function siteBase() {
    var meta = document.querySelector('meta[name="glossary:base"]');
    var base = meta ? meta.getAttribute("content") || "." : ".";
    if (base.charAt(base.length - 1) !== "/") base += "/";
    return new URL(base, window.location.href);
  }
  var BASE = siteBase();

  function siteUrl(path) {
    return new URL(path, BASE).href;
  }

  var previewsPromise = null;
  function previews() {
    if (!previewsPromise) {
      previewsPromise = fetch(siteUrl("previews.json"))
        .then(function (response) {
          if (!response.ok) throw new Error("previews.json: HTTP " + response.status);
          return response.json();
        })
        .catch(function () {
          return {};
        });
    }
    return previewsPromise;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---------- hover previews of entry links -------------------------------------------- */

  function entrySlug(anchor) {
    var href = anchor.getAttribute("href");
    if (!href || href.charAt(0) === "#") return null;
    var url;
    try {
      url = new URL(href, window.location.href);
    } catch (error) {
      return null;
    }
    if (url.origin !== window.location.origin || url.pathname.indexOf(BASE.pathname) !== 0) return null;
    var match = ENTRY_PATH.exec(url.pathname);
    if (!match || url.pathname === window.location.pathname) return null;
    return match[2];
  }

  function setupPreviews() {
    var card = el("div", "gl-preview");
    card.setAttribute("role", "tooltip");
    card.id = "gl-preview";
    card.hidden = true;
    document.body.appendChild(card);
    var showTimer = null;
    var current = null;
    var loaded = null; // previews.json once here: a tap must know at once whether it has a preview
    var lastPointer = ""; // the pointerType of the last pointerdown: "touch", "pen" or "mouse"

    function load() {
      return previews().then(function (all) {
        loaded = all;
        return all;
      });
    }

    function hide() {
      clearTimeout(showTimer);
      card.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
    }

    // Title, kind, summary and the primary formula (its title and LaTeX source, as text).
    function fill(item, touch) {
      card.textContent = "";
      card.appendChild(el("strong", "gl-preview__title", item.title));
      card.appendChild(el("span", "gl-preview__kind", item.kind_label || ""));
      card.appendChild(el("p", "gl-preview__summary", item.summary));
      if (item.formula && item.formula.latex) {
        var formula = el("p", "gl-preview__formula");
        formula.appendChild(el("span", "gl-preview__formula-title", item.formula.title));
        formula.appendChild(el("code", "gl-preview__latex", item.formula.latex));
        card.appendChild(formula);
      }
      if (touch) card.appendChild(el("p", "gl-preview__hint", "Tap the link again to open the page."));
    }

    function place(anchor) {
      var box = anchor.getBoundingClientRect();
      var width = Math.min(360, window.innerWidth - 16);
      card.style.width = width + "px";
      var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
      card.style.left = left + "px";
      card.style.top = box.bottom + window.scrollY + 6 + "px";
      var cardBox = card.getBoundingClientRect();
      if (cardBox.bottom > window.innerHeight && box.top > cardBox.height + 12) {
        card.style.top = box.top + window.scrollY - cardBox.height - 6 + "px";
      }
    }

    function show(anchor, slug, touch) {
      load().then(function (all) {
        var item = all[slug];
        if (!item || current !== anchor) return;
        fill(item, touch);
        card.hidden = false;
        place(anchor);
        anchor.setAttribute("aria-describedby", card.id);
      });
    }

    function entryAnchor(event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (!anchor || !anchor.closest(".md-content")) return null;
      var slug = entrySlug(anchor);
      return slug ? { anchor: anchor, slug: slug } : null;
    }

    function enter(event) {
      var found = entryAnchor(event);
      if (!found) return;
      clearTimeout(showTimer);
      current = found.anchor;
      showTimer = setTimeout(function () {
        show(found.anchor, found.slug, false);
      }, 120);
    }

    function leave(event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (anchor && anchor === current) hide();
    }

    // Touch screens have no hover: the first tap on an entry link opens its preview, a
    // second tap on the same link follows it. A link with no preview (or before
    // previews.json has arrived) is followed at once.
    function tap(event) {
      if ((event.pointerType || lastPointer) !== "touch") return;
      var found = entryAnchor(event);
      if (!found || !loaded || !loaded[found.slug]) return;
      if (current === found.anchor && !card.hidden) return; // the second tap: follow the link
      event.preventDefault();
      clearTimeout(showTimer);
      if (current && current !== found.anchor) current.removeAttribute("aria-describedby");
      current = found.anchor;
      show(found.anchor, found.slug, true);
    }

    document.addEventListener("mouseover", enter);
    document.addEventListener("focusin", enter);
    document.addEventListener("mouseout", leave);
    document.addEventListener("focusout", leave);
    document.addEventListener(
      "pointerdown",
      function (event) {
        lastPointer = event.pointerType || "";
        if (lastPointer === "touch" && !loaded) load();
      },
      true
    );
    document.addEventListener("click", tap);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
    window.addEventListener("scroll", hide, { passive: true });
    if (window.matchMedia && window.matchMedia("(hover: none), (pointer: coarse)").matches) load();
  }

  /* ---------- cite box: today's access date, copy button -------------------------------- */

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  var MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* Mirrors generator/cite.py format_accessed: the same date, written as each style wants. */
  function formatAccessed(style, day) {
    var y = day.getFullYear(), m = day.getMonth() + 1, d = day.getDate();
    if (style === "apa" || style === "chicago") return MONTHS[m - 1] + " " + d + ", " + y;
    if (style === "mla") return d + " " + MLA_MONTHS[m - 1] + " " + y;
    if (style === "bibtex") return y + "-" + pad(m) + "-" + pad(d);
    if (style === "ris") return y + "/" + pad(m) + "/" + pad(d);
    return "[" + y + ", " + m + ", " + d + "]";
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy failed"));
    });
  }

  function setupCite() {
    var today = new Date();
    document.querySelectorAll(".gl-accessed").forEach(function (span) {
      span.textContent = formatAccessed(span.getAttribute("data-style"), today);
    });
    document.querySelectorAll(".gl-cite").forEach(function (box) {
      var button = box.querySelector(".gl-cite__copy");
      var status = box.querySelector(".gl-cite__status");
      if (!button) return;
      button.addEventListener("click", function () {
        var inputs = box.querySelectorAll(".tabbed-set > input");
        var index = 0;
        inputs.forEach(function (input, i) {
          if (input.checked) index = i;
        });
        var blocks = box.querySelectorAll(".gl-cite__text");
        var text = blocks[index] ? blocks[index].textContent : "";
        copyText(text).then(
          function () {
            status.textContent = "Copied.";
          },
          function () {
            status.textContent = "Select the text and copy it.";
          }
        );
      });
    });
  }

  /* ---------- list filters (area pages, A–Z) ------------------------------------------ */

  function normalise(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  function kindOf(li) {
    var badge = li.querySelector(".gl-kind");
    var found = badge ? badge.className.match(/gl-kind--(\w+)/) : li.className.match(/gl-kind-of--(\w+)/);
    return found ? found[1] : "";
  }

  // A filter bar (.gl-filter, data-target = the id of what it filters), on the area pages
  // and A–Z: a text box and kind boxes hide the list items that do not match. Where the
  // target holds groups (.gl-filter__group, each after its heading: A–Z's letters), an
  // emptied group hides with its heading and its link in the letter bar.
  function setupFilters() {
    document.querySelectorAll(".gl-filter").forEach(function (bar) {
      var target = document.getElementById(bar.getAttribute("data-target"));
      if (!target) return;
      bar.hidden = false;
      var input = bar.querySelector(".gl-filter__input");
      var kinds = bar.querySelectorAll(".gl-filter__kind");
      var count = bar.querySelector(".gl-filter__count");
      var items = Array.prototype.slice.call(target.querySelectorAll("li"));
      var texts = items.map(function (li) {
        return normalise(li.textContent);
      });
      var itemKinds = items.map(kindOf);
      var groups = target.querySelectorAll(".gl-filter__group");
      function apply() {
        var q = normalise(input.value);
        var allowed = {};
        var filtering = Boolean(q);
        kinds.forEach(function (box) {
          allowed[box.value] = box.checked;
          if (!box.checked) filtering = true;
        });
        var shown = 0;
        items.forEach(function (li, i) {
          var kind = itemKinds[i];
          var visible = (!kind || allowed[kind] !== false) && (!q || texts[i].indexOf(q) >= 0);
          li.hidden = !visible;
          if (visible) shown += 1;
        });
        groups.forEach(function (group) {
          var empty = !group.querySelector("li:not([hidden])");
          group.hidden = empty;
          var heading = group.previousElementSibling;
          if (!heading || !/^H[2-6]$/.test(heading.tagName)) return;
          heading.hidden = empty;
          if (!heading.id) return;
          document.querySelectorAll('.gl-letters a[href="#' + heading.id + '"]').forEach(function (link) {
            link.classList.toggle("gl-letters__empty", empty);
          });
        });
        if (count) count.textContent = filtering ? shown + " of " + items.length + " shown" : "";
      }
      input.addEventListener("input", apply);
      kinds.forEach(function (box) {
        box.addEventListener("change", apply);
      });
      if (input.value) apply(); // a value the browser restored
    });
  }

  /* ---------- folded formulas and examples open for a link to them -------------------- */

  // Formula variants and worked examples after the first sit folded in <details>; a link to
  // one (#formula-<id>, from another page or this one) opens it and every fold around it.
  function reveal(id) {
    var target = null;
    try {
      target = document.getElementById(decodeURIComponent(id));
    } catch (error) {
      target = document.getElementById(id);
    }
    if (!target) return;
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        opened = true;
      }
    }
    if (opened) target.scrollIntoView();
  }

  function setupFolds() {
    if (window.location.hash.length > 1) reveal(window.location.hash.slice(1));
    window.addEventListener("hashchange", function () {
      if (window.location.hash.length > 1) reveal(window.location.hash.slice(1));
    });
    // a link to the fragment already in the address bar fires no hashchange
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      if (link && link.hash.length > 1 && link.hash === window.location.hash) reveal(link.hash.slice(1));
    });
  }

  /* ---------- scripts loaded only where they are used --------------------------------- */

  // Each list in the order its files depend on one another. The files download side by side
  // and run in the order added: a script added from a script runs in insertion order when
  // its `async` is false.
  var GRAPH_SCRIPTS = ["graph-view.js", "graph.js"]; // with force-graph, which graph.js loads
  var CALC_SCRIPTS = ["calc-numbers.js", "calc-evaluate.js", "calc-engine.js", "calc-form.js", "calc-ui.js"];

  function loadScripts(names) {
    names.forEach(function (name) {
      var script = document.createElement("script");
      script.src = siteUrl("assets/javascripts/" + name);
      script.async = false;
      document.head.appendChild(script);
    });
  }

  // The /graph/ page loads the graph at once; an entry page when its local graph comes near.
  function setupGraphs() {
    if (document.querySelector(".gl-graph--global")) return loadScripts(GRAPH_SCRIPTS);
    var holders = document.querySelectorAll(".gl-graph--local");
    if (!holders.length) return;
    if (!("IntersectionObserver" in window)) return loadScripts(GRAPH_SCRIPTS);
    var observer = new IntersectionObserver(function (seen) {
      if (seen.some(function (item) { return item.isIntersecting; })) {
        observer.disconnect();
        loadScripts(GRAPH_SCRIPTS);
      }
    }, { rootMargin: "200px" });
    holders.forEach(function (holder) {
      observer.observe(holder);
    });
  }

  function setupCalculators() {
    if (document.querySelector(".gl-calc[data-calc], .gl-try[data-try]")) loadScripts(CALC_SCRIPTS);
  }

  /* ---------- start -------------------------------------------------------------------- */

  function start() {
    setupFolds();
    setupPreviews();
    setupCite();
    setupFilters();
    setupGraphs();
    setupCalculators();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
