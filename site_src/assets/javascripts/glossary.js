/* Leverage Glossary page behaviour: math, folds opened by links, hover previews, cite box,
 * filters and graphs.
 * Every search box (header, home quick find, 404 suggestions) is search-ui.js's, ranked by
 * search-engine.js. Everything is served from the site itself; nothing here makes a
 * request to another host. Entry text is only ever inserted as text (textContent), never
 * as HTML. */
(function () {
  "use strict";

  var ENTRY_PATH = /\/(term|definition|area)\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?(?:index\.html)?$/;
  var GRAPH_TICKS = 300; // the force simulation stops after this many ticks ...
  var GRAPH_COOLDOWN_MS = 6000; // ... or this long, whichever comes first
  var KIND_COLOURS = { area: "#e65100", term: "#3949ab", definition: "#00897b" };

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

  /* ---------- math: KaTeX over arithmatex's output ------------------------------------ */

  function renderMath(root) {
    if (!window.katex) return;
    root.querySelectorAll(".arithmatex").forEach(function (node) {
      if (node.getAttribute("data-katex") === "done") return;
      var text = node.textContent.trim();
      var display = node.tagName === "DIV";
      if (text.slice(0, 2) === "\\(" || text.slice(0, 2) === "\\[") text = text.slice(2, -2);
      try {
        window.katex.render(text, node, {
          displayMode: display,
          throwOnError: false,
          trust: false,
          strict: "ignore",
          maxExpand: 1000,
          maxSize: 20,
          output: "htmlAndMathml",
        });
        node.setAttribute("data-katex", "done");
      } catch (error) {
        node.classList.add("gl-math-error");
      }
    });
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

    function hide() {
      clearTimeout(showTimer);
      card.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
    }

    function show(anchor, slug) {
      previews().then(function (all) {
        var item = all[slug];
        if (!item || current !== anchor) return;
        card.textContent = "";
        card.appendChild(el("strong", "gl-preview__title", item.title));
        card.appendChild(el("span", "gl-preview__kind", { term: "Article", definition: "Definition", area: "Area" }[item.kind] || ""));
        card.appendChild(el("p", "gl-preview__summary", item.summary));
        card.hidden = false;
        var box = anchor.getBoundingClientRect();
        var width = Math.min(360, window.innerWidth - 16);
        card.style.width = width + "px";
        var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
        var below = box.bottom + window.scrollY + 6;
        card.style.left = left + "px";
        card.style.top = below + "px";
        var cardBox = card.getBoundingClientRect();
        if (cardBox.bottom > window.innerHeight && box.top > cardBox.height + 12) {
          card.style.top = box.top + window.scrollY - cardBox.height - 6 + "px";
        }
        anchor.setAttribute("aria-describedby", card.id);
      });
    }

    function enter(event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (!anchor || !anchor.closest(".md-content")) return;
      var slug = entrySlug(anchor);
      if (!slug) return;
      clearTimeout(showTimer);
      current = anchor;
      showTimer = setTimeout(function () {
        show(anchor, slug);
      }, 120);
    }

    function leave(event) {
      var anchor = event.target.closest ? event.target.closest("a[href]") : null;
      if (anchor && anchor === current) hide();
    }

    document.addEventListener("mouseover", enter);
    document.addEventListener("focusin", enter);
    document.addEventListener("mouseout", leave);
    document.addEventListener("focusout", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
    window.addEventListener("scroll", hide, { passive: true });
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

  /* ---------- area page filter ---------------------------------------------------------- */

  function normalise(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  function setupFilters() {
    document.querySelectorAll(".gl-filter").forEach(function (bar) {
      var target = document.getElementById(bar.getAttribute("data-target"));
      if (!target) return;
      bar.hidden = false;
      var input = bar.querySelector(".gl-filter__input");
      var kinds = bar.querySelectorAll(".gl-filter__kind");
      function apply() {
        var q = normalise(input.value);
        var allowed = {};
        kinds.forEach(function (box) {
          allowed[box.value] = box.checked;
        });
        target.querySelectorAll("li").forEach(function (li) {
          var badge = li.querySelector(".gl-kind");
          var kind = badge ? (badge.className.match(/gl-kind--(\w+)/) || [])[1] : "";
          var visible = (!kind || allowed[kind] !== false) && (!q || normalise(li.textContent).indexOf(q) >= 0);
          li.hidden = !visible;
        });
      }
      input.addEventListener("input", apply);
      kinds.forEach(function (box) {
        box.addEventListener("change", apply);
      });
    });
  }

  /* ---------- graphs (force-graph, loaded only where a graph is shown) ------------------- */

  var forceGraphPromise = null;
  function loadForceGraph() {
    if (window.ForceGraph) return Promise.resolve(window.ForceGraph);
    if (!forceGraphPromise) {
      forceGraphPromise = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = siteUrl("assets/vendor/force-graph/force-graph.min.js");
        script.onload = function () {
          resolve(window.ForceGraph);
        };
        script.onerror = function () {
          reject(new Error("could not load force-graph"));
        };
        document.head.appendChild(script);
      });
    }
    return forceGraphPromise;
  }

  function cssColour(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function drawLabel(node, ctx, scale, always) {
    if (!always && scale < 2.2) return;
    var size = Math.max(10 / scale, 1.5);
    ctx.font = size + "px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillStyle = cssColour("--md-default-fg-color", "#222");
    ctx.fillText(node.title, node.x, node.y + node.glR + 1);
  }

  function radius(node) {
    return 2 + Math.sqrt(node.degree || 0) * 1.2 + (node.kind === "area" ? 2 : 0);
  }

  function makeGraph(ForceGraph, container, data, options) {
    data.nodes.forEach(function (node) {
      node.glR = radius(node);
    });
    var graph = ForceGraph()(container)
      .width(container.clientWidth)
      .height(container.clientHeight)
      .graphData(data)
      .nodeId("id")
      .nodeVal(function (node) {
        return node.glR * node.glR / 4;
      })
      .nodeRelSize(2)
      .nodeColor(function (node) {
        return node.id === options.focus ? "#d81b60" : KIND_COLOURS[node.kind] || "#777";
      })
      .nodeLabel(function (node) {
        var tip = el("span", null, node.title);
        return tip.outerHTML; // force-graph inserts labels as HTML: escape through the DOM
      })
      .linkColor(function () {
        return cssColour("--md-default-fg-color--lighter", "rgba(0,0,0,0.25)");
      })
      .linkWidth(function (link) {
        return link.type === "broader" || link.type === "narrower" ? 1.2 : 0.6;
      })
      .cooldownTicks(options.ticks || GRAPH_TICKS)
      .cooldownTime(GRAPH_COOLDOWN_MS)
      .d3AlphaDecay(0.04)
      .d3VelocityDecay(0.35)
      .nodeCanvasObjectMode(function () {
        return "after";
      })
      .nodeCanvasObject(function (node, ctx, scale) {
        drawLabel(node, ctx, scale, options.labels || node.id === options.focus);
      })
      .onNodeClick(function (node) {
        if (node.url) window.location.href = siteUrl(node.url);
      })
      .onEngineStop(function () {
        // "settled" means the view no longer moves: after the layout stops and the fit
        // animation ends, and only if no new layout (a filter change) has started since
        var fitMs = options.fit ? 300 : 0;
        var layout = container.getAttribute("data-layout");
        if (options.fit) graph.zoomToFit(fitMs, 20);
        window.setTimeout(function () {
          if (container.getAttribute("data-layout") === layout) container.setAttribute("data-settled", "true");
        }, fitMs + 50);
      });
    if (options.spread) {
      graph.d3Force("charge").strength(-options.spread);
      graph.d3Force("link").distance(options.spread / 3);
    }
    window.addEventListener("resize", function () {
      graph.width(container.clientWidth).height(container.clientHeight);
    });
    return graph;
  }

  function setupLocalGraphs() {
    var holders = document.querySelectorAll(".gl-graph--local");
    if (!holders.length) return;
    function start(holder) {
      var json = holder.getAttribute("data-graph");
      if (!json || holder.getAttribute("data-started")) return;
      holder.setAttribute("data-started", "true");
      var data = JSON.parse(json);
      loadForceGraph().then(function (ForceGraph) {
        makeGraph(ForceGraph, holder, data, { focus: holder.getAttribute("data-focus"), labels: true, fit: true, ticks: 150, spread: 160 });
      });
    }
    if (!("IntersectionObserver" in window)) {
      holders.forEach(start);
      return;
    }
    var observer = new IntersectionObserver(function (seen) {
      seen.forEach(function (item) {
        if (item.isIntersecting) {
          observer.unobserve(item.target);
          start(item.target);
        }
      });
    }, { rootMargin: "200px" });
    holders.forEach(function (holder) {
      observer.observe(holder);
    });
  }

  function setupGlobalGraph() {
    var holder = document.querySelector(".gl-graph--global");
    if (!holder) return;
    var status = document.querySelector(".gl-graph-status");
    var areaSelect = document.querySelector(".gl-graph-area");
    var kindBoxes = document.querySelectorAll(".gl-graph-kind");
    Promise.all([
      loadForceGraph(),
      fetch(siteUrl(holder.getAttribute("data-src") || "graph.json")).then(function (response) {
        if (!response.ok) throw new Error("graph.json: HTTP " + response.status);
        return response.json();
      }),
    ]).then(function (loaded) {
      var ForceGraph = loaded[0], full = loaded[1];
      var graph = makeGraph(ForceGraph, holder, { nodes: full.nodes.slice(), links: full.links.slice() }, { fit: true });
      window.glossaryGraph = graph;
      function filtered() {
        var area = areaSelect ? areaSelect.value : "";
        var kinds = {};
        kindBoxes.forEach(function (box) {
          kinds[box.value] = box.checked;
        });
        var keep = {};
        var nodes = full.nodes.filter(function (node) {
          var ok = kinds[node.kind] !== false && (!area || node.id === area || (node.areas || []).indexOf(area) >= 0);
          if (ok) keep[node.id] = true;
          return ok;
        });
        var links = full.links.filter(function (link) {
          var s = typeof link.source === "object" ? link.source.id : link.source;
          var t = typeof link.target === "object" ? link.target.id : link.target;
          return keep[s] && keep[t];
        });
        return { nodes: nodes, links: links };
      }
      function refresh() {
        var data = filtered();
        holder.removeAttribute("data-settled");
        holder.setAttribute("data-layout", String(Number(holder.getAttribute("data-layout") || 0) + 1));
        graph.graphData(data);
        if (status) status.textContent = data.nodes.length + " entries, " + data.links.length + " links";
      }
      if (areaSelect) areaSelect.addEventListener("change", refresh);
      kindBoxes.forEach(function (box) {
        box.addEventListener("change", refresh);
      });
      if (status) status.textContent = full.nodes.length + " entries, " + full.links.length + " links";
      holder.setAttribute("data-ready", "true");
    }).catch(function (error) {
      if (status) status.textContent = "The graph could not be loaded.";
      holder.setAttribute("data-error", String(error));
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

  /* ---------- calculators (calc-engine.js and calc-ui.js, loaded only where used) ---- */

  function loadScript(path) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = siteUrl(path);
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error("could not load " + path));
      };
      document.head.appendChild(script);
    });
  }

  function setupCalculators() {
    if (!document.querySelector(".gl-calc[data-calc], .gl-try[data-try]")) return;
    loadScript("assets/javascripts/calc-engine.js").then(function () {
      return loadScript("assets/javascripts/calc-ui.js");
    });
  }

  /* ---------- start -------------------------------------------------------------------- */

  function start() {
    renderMath(document);
    setupFolds();
    setupPreviews();
    setupCite();
    setupFilters();
    setupLocalGraphs();
    setupGlobalGraph();
    setupCalculators();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
