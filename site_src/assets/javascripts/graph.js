/* Leverage Glossary graphs on the pages: the local graph of each entry, started as it
 * comes near, and the /graph/ page with its filters (area, kinds), search box and the list
 * of entries beside the canvas. glossary.js loads this file, after graph-view.js (which
 * draws each graph), only on pages with a graph; force-graph itself is loaded here, once.
 *
 * The list (server-rendered links, one per entry) is filtered by the search box through the
 * site's one ranker (window.GlossarySearch, search-engine.js) or, without it, by a match on
 * titles; Enter centres the first match, the arrow keys move through the list (one tab
 * stop) and focusing an item highlights its node. Entry text is only ever inserted as text
 * (textContent), never as HTML. */
(function () {
  "use strict";

  var view = window.GlossaryGraph;
  if (!view) return; // graph-view.js did not load: no graphs, as without scripts
  var Graph = view.Graph, idOf = view.idOf, siteUrl = view.siteUrl;

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
