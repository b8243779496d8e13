/* Leverage Glossary graphs: the /graph/ page and the local graph of each entry, drawn with
 * the vendored force-graph. glossary.js loads this file only on pages with a graph.
 *
 * Layout: force-graph's own d3 forces, but ticked here in slices of a few milliseconds per
 * frame (its engine is stopped at once), so the layout settles in a few frames at the
 * shipped size and never blocks the page at 1,000 nodes. Labels: placed greedily, most
 * central node (PageRank, from graph.json) first, each only where it overlaps no label
 * already placed; placed again after every zoom. Hovering a node, or focusing it in the
 * list beside the canvas, highlights it and its neighbours. The list (server-rendered
 * links, one per entry) is filtered by the search box through the site's one ranker
 * (window.GlossarySearch, search-engine.js) or, without it, by a match on titles.
 * Entry text is only ever inserted as text (textContent), never as HTML. */
(function () {
  "use strict";

  var KIND_COLOURS = { area: "#e65100", term: "#3949ab", definition: "#00897b" };
  var FADED = "rgba(128,128,128,0.22)";
  var LABEL_PX = 12; // label size on screen, whatever the zoom
  var LABEL_GAP = 3; // screen pixels kept free around each label
  var LABELS_AT_FIT = 40; // at most this many labels at the default (fitted) zoom, more as one zooms in
  var SLICE_MS = 24; // layout work per animation frame: some 30 frames a second while it runs
  var script = document.currentScript;
  var BASE = script ? new URL("../../", script.src) : new URL("./", window.location.href);

  function siteUrl(path) {
    return new URL(path, BASE).href;
  }

  function cssColour(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  var forceGraph = null;
  function loadForceGraph() {
    if (window.ForceGraph) return Promise.resolve(window.ForceGraph);
    return (forceGraph = forceGraph || new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = siteUrl("assets/vendor/force-graph/force-graph.min.js");
      tag.onload = function () {
        resolve(window.ForceGraph);
      };
      tag.onerror = function () {
        reject(new Error("could not load force-graph"));
      };
      document.head.appendChild(tag);
    }));
  }

  function idOf(end) {
    return typeof end === "object" ? end.id : end;
  }

  function radius(node) {
    return 2 + Math.sqrt(node.degree || 0) * 1.2 + (node.kind === "area" ? 2 : 0);
  }

  /* ---------- layout: the forces ticked in slices ------------------------------------- */

  // d3's own tick (alpha decays towards 0; velocities decay; fixed nodes stay put), on the
  // forces force-graph set up for the current data. `done` runs once alpha is spent.
  function runLayout(graph, nodes, ticks, run, done) {
    var forces = ["link", "charge", "center"].map(function (name) {
      return graph.d3Force(name);
    }).filter(Boolean);
    var decay = 1 - Math.pow(0.001, 1 / ticks), keep = 0.6, alpha = 1, tick = 0;
    graph.autoPauseRedraw(false); // redraw every frame while positions change
    function slice() {
      if (run.cancelled) return;
      var started = performance.now();
      while (tick < ticks && performance.now() - started < SLICE_MS) {
        alpha += -alpha * decay;
        for (var f = 0; f < forces.length; f++) forces[f](alpha);
        for (var i = 0; i < nodes.length; i++) {
          var n = nodes[i];
          if (n.fx == null) n.x += n.vx *= keep;
          else (n.x = n.fx), (n.vx = 0);
          if (n.fy == null) n.y += n.vy *= keep;
          else (n.y = n.fy), (n.vy = 0);
        }
        tick++;
      }
      if (tick < ticks) window.requestAnimationFrame(slice);
      else {
        graph.autoPauseRedraw(true);
        done();
      }
    }
    slice();
  }

  /* ---------- one graph ------------------------------------------------------------------ */

  function Graph(ForceGraph, container, options) {
    var self = this;
    this.container = container;
    this.options = options;
    this.highlight = null; // ids of the highlighted node and its neighbours
    this.focused = null; // the node hovered or focused in the list
    this.labelled = {};
    this.neighbours = {};
    this.byId = {};
    this.measure = document.createElement("canvas").getContext("2d");
    this.measure.font = LABEL_PX + "px sans-serif";
    this.pendingLayout = false;
    this.cancelLayout = null;
    var fg = (this.fg = ForceGraph()(container)
      .width(container.clientWidth)
      .height(container.clientHeight)
      .nodeId("id")
      .nodeVal(function (node) {
        return (node.glR * node.glR) / 4;
      })
      .nodeRelSize(2)
      .nodeColor(function (node) {
        if (self.highlight && !self.highlight[node.id]) return FADED;
        return node.id === options.focus || node.id === self.focused ? "#d81b60" : KIND_COLOURS[node.kind] || "#777";
      })
      .nodeLabel(function (node) {
        var tip = document.createElement("span");
        tip.textContent = node.title;
        return tip.outerHTML; // force-graph inserts labels as HTML: escape through the DOM
      })
      .linkColor(function (link) {
        if (self.focused && (idOf(link.source) === self.focused || idOf(link.target) === self.focused)) {
          return cssColour("--md-accent-fg-color", "#d81b60");
        }
        return self.highlight ? FADED : cssColour("--md-default-fg-color--lighter", "rgba(0,0,0,0.25)");
      })
      .linkWidth(function (link) {
        if (self.focused && (idOf(link.source) === self.focused || idOf(link.target) === self.focused)) return 2;
        return link.type === "broader" || link.type === "narrower" ? 1.2 : 0.6;
      })
      .warmupTicks(0)
      .cooldownTicks(0) // force-graph's engine stops at once; runLayout ticks instead
      .onEngineStop(function () {
        if (self.pendingLayout) self.layout();
      })
      .onNodeHover(function (node) {
        self.setFocus(node ? node.id : null);
      })
      .onNodeClick(function (node) {
        if (node.url) window.location.href = siteUrl(node.url);
      })
      .onZoomEnd(function () {
        self.placeLabels();
      })
      .onRenderFramePost(function (ctx, scale) {
        self.drawLabels(ctx, scale);
      }));
    if (options.spread) {
      fg.d3Force("charge").strength(-options.spread);
      fg.d3Force("link").distance(options.spread / 3);
    }
    window.addEventListener("resize", function () {
      fg.width(container.clientWidth).height(container.clientHeight);
      self.placeLabels();
    });
  }

  Graph.prototype.setData = function (data) {
    var self = this;
    this.byId = {};
    this.neighbours = {};
    data.nodes.forEach(function (node) {
      node.glR = radius(node);
      self.byId[node.id] = node;
      self.neighbours[node.id] = [];
    });
    data.links.forEach(function (link) {
      var s = idOf(link.source), t = idOf(link.target);
      if (self.neighbours[s] && self.neighbours[t]) {
        self.neighbours[s].push(t);
        self.neighbours[t].push(s);
      }
    });
    // the label order: most central first (the focus of a local graph before all)
    var focus = this.options.focus;
    this.ranked = data.nodes.slice().sort(function (a, b) {
      if (a.id === focus || b.id === focus) return a.id === focus ? -1 : 1;
      return (b.centrality || 0) - (a.centrality || 0) || (b.degree || 0) - (a.degree || 0);
    });
    if (this.cancelLayout) this.cancelLayout();
    this.started = performance.now();
    this.container.removeAttribute("data-settled");
    this.container.setAttribute("data-layout", String(Number(this.container.getAttribute("data-layout") || 0) + 1));
    this.labelled = {};
    this.pendingLayout = true;
    this.fg.graphData(data);
  };

  Graph.prototype.layout = function () {
    var self = this, layoutId = this.container.getAttribute("data-layout");
    var nodes = this.fg.graphData().nodes;
    this.pendingLayout = false;
    var ticks = nodes.length > 400 ? 110 : this.options.ticks || 130;
    var run = { cancelled: false };
    this.cancelLayout = function () {
      run.cancelled = true;
    };
    runLayout(this.fg, nodes, ticks, run, function () {
      self.cancelLayout = null;
      if (nodes.length) self.fg.zoomToFit(0, 24);
      self.fitZoom = self.fg.zoom();
      self.placeLabels();
      if (self.container.getAttribute("data-layout") !== layoutId) return;
      self.container.setAttribute("data-settle-ms", String(Math.round(performance.now() - self.started)));
      self.container.setAttribute("data-settled", "true");
    });
  };

  Graph.prototype.redraw = function () {
    var fg = this.fg, self = this;
    fg.autoPauseRedraw(false);
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        if (!self.cancelLayout) fg.autoPauseRedraw(true); // a running layout keeps redrawing
      });
    });
  };

  /* Highlight a node and its neighbours (null clears); labels are placed again for them. */
  Graph.prototype.setFocus = function (id) {
    if (id === this.focused) return;
    this.focused = id && this.byId[id] ? id : null;
    if (this.focused) {
      this.highlight = {};
      this.highlight[this.focused] = true;
      var self = this;
      this.neighbours[this.focused].forEach(function (n) {
        self.highlight[n] = true;
      });
    } else this.highlight = null;
    this.container.setAttribute("data-highlight", this.focused || "");
    this.placeLabels();
    this.redraw();
  };

  /* Greedy label placement in screen space: candidates in label order (the highlighted ones
     only, while something is highlighted), each kept only if its box is on screen and clear
     of every box already kept, so labels never overlap. */
  Graph.prototype.placeLabels = function () {
    var fg = this.fg, self = this;
    var width = this.container.clientWidth, height = this.container.clientHeight;
    var k = fg.zoom(), boxes = [], labelled = {};
    var most = this.highlight ? Infinity : Math.round(LABELS_AT_FIT * Math.pow(Math.max(1, k / (this.fitZoom || k)), 2));
    var first = this.focused ? [this.byId[this.focused]] : [];
    first.concat(this.ranked || []).forEach(function (node) {
      if (!node || labelled[node.id] || node.x === undefined || boxes.length >= most) return;
      if (self.highlight && !self.highlight[node.id]) return;
      if (self.hidden && self.hidden[node.id]) return;
      var p = fg.graph2ScreenCoords(node.x, node.y);
      if (!node.glW) node.glW = self.measure.measureText(node.title).width;
      var box = {
        x: p.x - node.glW / 2 - LABEL_GAP,
        y: p.y + node.glR * k + 1 - LABEL_GAP,
        w: node.glW + 2 * LABEL_GAP,
        h: LABEL_PX + 2 + 2 * LABEL_GAP,
      };
      if (box.x < 0 || box.y < 0 || box.x + box.w > width || box.y + box.h > height) return;
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h) return;
      }
      boxes.push(box);
      labelled[node.id] = true;
    });
    this.labelled = labelled;
    this.container.setAttribute("data-labels", String(boxes.length));
    this.redraw();
  };

  Graph.prototype.drawLabels = function (ctx, scale) {
    var size = LABEL_PX / scale;
    ctx.save();
    ctx.font = size + "px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = cssColour("--md-default-bg-color", "#fff");
    ctx.fillStyle = cssColour("--md-default-fg-color", "#222");
    for (var id in this.labelled) {
      var node = this.byId[id];
      if (!node || node.x === undefined) continue;
      var y = node.y + node.glR + 1 / scale;
      ctx.strokeText(node.title, node.x, y);
      ctx.fillText(node.title, node.x, y);
    }
    ctx.restore();
  };

  /* Bring a node into view (panning only when it is near the edge, or always with zoom). */
  Graph.prototype.show = function (id, zoom) {
    var node = this.byId[id];
    if (!node || node.x === undefined) return;
    var p = this.fg.graph2ScreenCoords(node.x, node.y);
    var w = this.container.clientWidth, h = this.container.clientHeight, margin = 60;
    if (zoom) {
      this.fg.centerAt(node.x, node.y, 400);
      this.fg.zoom(Math.max(this.fg.zoom(), zoom), 400);
    } else if (p.x < margin || p.y < margin || p.x > w - margin || p.y > h - margin) {
      this.fg.centerAt(node.x, node.y, 300);
    }
    this.setFocus(id);
    var self = this;
    window.setTimeout(function () {
      self.placeLabels();
    }, 450);
  };

  /* ---------- local graphs on entry pages ------------------------------------------------ */

  function setupLocalGraphs() {
    var holders = document.querySelectorAll(".gl-graph--local");
    function start(holder) {
      var json = holder.getAttribute("data-graph");
      if (!json || holder.getAttribute("data-started")) return;
      holder.setAttribute("data-started", "true");
      loadForceGraph().then(function (ForceGraph) {
        var graph = new Graph(ForceGraph, holder, { focus: holder.getAttribute("data-focus"), ticks: 120, spread: 160 });
        graph.setData(JSON.parse(json));
      }, failed);
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

  /* ---------- the /graph/ page: filters, search box and the list of nodes ---------------- */

  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Slugs for a query, best first: the site's ranker when it loads, else titles holding every word.
  function rank(query, nodes) {
    var words = fold(query).split(" ").filter(Boolean);
    function byName() {
      return nodes.filter(function (node) {
        var title = " " + fold(node.title) + " " + node.id.replace(/-/g, " ");
        return words.every(function (w) {
          return title.indexOf(" " + w) >= 0;
        });
      }).map(function (node) {
        return node.id;
      });
    }
    var engine = window.GlossarySearch;
    if (!engine || !engine.search) return Promise.resolve(byName());
    return engine.search(query, 60).then(
      function (hits) {
        return hits.map(function (hit) {
          return hit.slug;
        });
      },
      function () {
        return byName();
      }
    );
  }

  function setupList(graph, full, status) {
    var box = document.querySelector(".gl-graph-search");
    var list = document.querySelector(".gl-graph-list");
    if (!box || !list) return function () {};
    var items = {}, order = [];
    list.querySelectorAll("li[id^='gl-node-']").forEach(function (li) {
      var id = li.id.slice("gl-node-".length);
      items[id] = li;
      order.push(id);
    });
    var matches = null, shown = [], asked = 0;

    function links() {
      return shown.map(function (id) {
        return items[id].querySelector("a");
      });
    }

    function render() {
      var wanted = matches || order;
      shown = wanted.filter(function (id) {
        return items[id] && !(graph.hidden && graph.hidden[id]);
      });
      var visible = {};
      shown.forEach(function (id) {
        visible[id] = true;
        list.appendChild(items[id]); // in rank order while searching, else A-Z
        items[id].hidden = false;
      });
      order.forEach(function (id) {
        if (visible[id]) return;
        items[id].hidden = true;
        items[id].querySelector("a").tabIndex = -1;
      });
      // one tab stop for the list; the arrow keys move within it
      links().forEach(function (a, i) {
        a.tabIndex = i === 0 ? 0 : -1;
      });
      list.setAttribute("data-count", String(shown.length));
      if (matches && status) status.textContent = shown.length ? shown.length + " matching entries" : "No entry matches.";
    }

    box.addEventListener("input", function () {
      var query = box.value.trim(), mine = ++asked;
      if (!query) {
        matches = null;
        render();
        list.setAttribute("data-query", "");
        return;
      }
      rank(query, full.nodes).then(function (slugs) {
        if (mine !== asked) return;
        matches = slugs;
        render();
        list.setAttribute("data-query", query);
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (!shown.length) return;
        graph.show(shown[0], 2.5);
        if (status) status.textContent = "Centred on " + graph.byId[shown[0]].title + ".";
      } else if (event.key === "ArrowDown" && shown.length) {
        event.preventDefault();
        links()[0].focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var all = links(), at = all.indexOf(document.activeElement), next = -1;
      if (at < 0) return;
      if (event.key === "ArrowDown") next = Math.min(at + 1, all.length - 1);
      else if (event.key === "ArrowUp") next = at - 1;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = all.length - 1;
      else return;
      event.preventDefault();
      if (next < 0) {
        box.focus();
        return;
      }
      all[at].tabIndex = -1;
      all[next].tabIndex = 0;
      all[next].focus();
    });
    list.addEventListener("focusin", function (event) {
      var li = event.target.closest("li[id^='gl-node-']");
      if (li) graph.show(li.id.slice("gl-node-".length));
    });
    list.addEventListener("focusout", function (event) {
      if (!list.contains(event.relatedTarget)) graph.setFocus(null);
    });
    list.addEventListener("mouseover", function (event) {
      var li = event.target.closest("li[id^='gl-node-']");
      if (li) graph.setFocus(li.id.slice("gl-node-".length));
    });
    list.addEventListener("mouseleave", function () {
      if (!list.contains(document.activeElement)) graph.setFocus(null);
    });
    render();
    return render;
  }

  function setupGlobalGraph() {
    var holder = document.querySelector(".gl-graph--global");
    if (!holder) return;
    var status = document.querySelector(".gl-graph-status");
    var areaSelect = document.querySelector(".gl-graph-area");
    var kindBoxes = document.querySelectorAll(".gl-graph-kind");
    var data = fetch(siteUrl(holder.getAttribute("data-src") || "graph.json")).then(function (response) {
      if (!response.ok) throw new Error("graph.json: HTTP " + response.status);
      return response.json();
    });
    Promise.all([loadForceGraph(), data])
      .then(function (loaded) {
        var ForceGraph = loaded[0], full = loaded[1];
        var graph = new Graph(ForceGraph, holder, { spread: 60 });
        window.glossaryGraph = graph.fg;
        window.glossaryGraphView = graph;
        function filtered() {
          var area = areaSelect ? areaSelect.value : "";
          var kinds = {};
          kindBoxes.forEach(function (box) {
            kinds[box.value] = box.checked;
          });
          var keep = {};
          graph.hidden = {};
          var nodes = full.nodes.filter(function (node) {
            var ok = kinds[node.kind] !== false && (!area || node.id === area || (node.areas || []).indexOf(area) >= 0);
            if (ok) keep[node.id] = true;
            else graph.hidden[node.id] = true;
            return ok;
          });
          var links = full.links.filter(function (link) {
            return keep[idOf(link.source)] && keep[idOf(link.target)];
          });
          return { nodes: nodes, links: links };
        }
        var renderList = setupList(graph, full, status);
        function refresh() {
          var data = filtered();
          graph.setData(data);
          renderList();
          if (status) status.textContent = data.nodes.length + " entries, " + data.links.length + " links";
        }
        if (areaSelect) areaSelect.addEventListener("change", refresh);
        kindBoxes.forEach(function (box) {
          box.addEventListener("change", refresh);
        });
        refresh();
        holder.setAttribute("data-ready", "true");
      })
      .catch(function (error) {
        if (status) status.textContent = "The graph could not be loaded.";
        holder.setAttribute("data-error", String(error));
      });
  }

  function failed(error) {
    document.querySelectorAll(".gl-graph").forEach(function (holder) {
      holder.setAttribute("data-error", String(error));
    });
  }

  setupLocalGraphs();
  setupGlobalGraph();
})();
