/* One interactive graph of the glossary, drawn with the vendored force-graph: the layout,
 * the labels and the highlighting. graph.js (loaded after this file) puts one on the
 * /graph/ page and one in each entry's local graph.
 *
 * Layout: force-graph's own d3 forces, but ticked here in slices of a few milliseconds per
 * frame (its engine is stopped at once), so the layout settles in a few frames at the
 * shipped size and never blocks the page at 1,000 nodes. Labels: placed greedily, most
 * central node (PageRank, from graph.json) first, each only where it overlaps no label
 * already placed; placed again after every zoom. Hovering a node, or focusing it in the
 * list beside the canvas, highlights it and its neighbours. Entry text is only ever
 * inserted as text (textContent), never as HTML.
 *
 * window.GlossaryGraph = { Graph, idOf, siteUrl }; graph.js adds nothing to it. */
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

  window.GlossaryGraph = { Graph: Graph, idOf: idOf, siteUrl: siteUrl };
})();
