/*
 * Leverage Glossary site search, part 5 of 5: the ranking (generator/search/rank.py) and
 * window.GlossarySearch, the one ranker of every search box: the header search and the home
 * page's quick find (search-ui.js), the 404 page's suggestions, the graph's search box.
 *
 * The browser port of generator/search: same normalisation tables and ranking constants,
 * shipped in search/glossary-index.json by generator/search/site.py, so a query ranks the
 * same in the terminal and on the site. The full text arrives precomputed: the browser
 * only decodes it and adds integers. Keep the two in step: tests/browser/test_site_search.py
 * compares them query by query over both quality suites.
 *
 * No DOM here: search-results.js and search-ui.js draw the results, and the 404 page calls
 * window.GlossarySearch.suggest(text, n).
 *
 * Reads: Index and its methods (search-index.js, search-names.js, search-fulltext.js).
 * Adds: index, base, load, search, suggest, href, snippet.
 */
(function (root) {
  "use strict";

  var api = (root.GlossarySearch = root.GlossarySearch || {});
  var Index = api.Index, FIELD_NAMES = api.FIELD_NAMES, indelSimilarity = api.indelSimilarity;
  var TITLE = 0;

  // rank.rank_docs: Map(doc id -> [score, name id or -1, section id or -1]).
  Index.prototype.rankDocs = function (query, terms) {
    var p = this.params, names = this.scoreDocs(query), text = this.scoreSections(terms), ranked = new Map();
    var ids = new Set(names.keys());
    text.forEach(function (_, docId) { ids.add(docId); });
    ids.forEach(function (docId) {
      var n = names.get(docId) || [0, -1, false], t = text.get(docId) || [0, -1];
      var textScore = t[0] * 100;
      if (n[0] >= p.strong_name) ranked.set(docId, [p.strong_bonus + n[0], n[1], -1]);
      else if (n[2] && n[0] >= p.whole_name) {
        ranked.set(docId, [p.whole_bonus + p.name_share * n[0] + p.text_share * textScore, n[1], t[1]]);
      }
      else if (n[0] >= p.min_score || textScore >= p.text_min) {
        var share = n[1] >= 0 ? p.name_share : p.summary_share;  // a summary is full text too
        ranked.set(docId, [share * n[0] + p.text_share * textScore, n[1], t[1]]);
      }
    });
    return ranked;
  };

  Index.prototype.hit = function (docId, score, nameId, sectionId) {
    var doc = this.docs[docId];
    if (sectionId === undefined || sectionId < 0) sectionId = doc.sections.length ? doc.firstSection : -1;
    var section = sectionId >= 0 ? doc.sections[this.sectionIndex[sectionId]] : ["", ""];
    var hit = {
      slug: doc.slug, title: doc.title, kind: doc.kind, kind_label: doc.label, score: Math.round(score * 10) / 10,
      summary: doc.summary, url: doc.url, matched: "", matched_field: "",
      section: section[0], anchor: section[1], sectionNumber: sectionId >= 0 ? this.sectionIndex[sectionId] : -1
    };
    if (nameId >= 0) {
      var name = this.names[nameId];
      if (name.field !== TITLE) { hit.matched = name.text; hit.matched_field = FIELD_NAMES[name.field]; }
    }
    return hit;
  };

  Index.prototype.rank = function (entries) {
    var docs = this.docs;
    return entries.sort(function (a, b) {
      if (b[1][0] !== a[1][0]) return b[1][0] - a[1][0];
      var ta = docs[a[0]].title.toLowerCase(), tb = docs[b[0]].title.toLowerCase();
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    });
  };

  /** Rank entries for `query`: best first, at most `limit`. */
  Index.prototype.search = function (query, limit) {
    var self = this;
    limit = limit || 10;
    var terms = this.queryTerms(query), marked = [];
    terms.forEach(function (g) { g.forEach(function (t) { if (marked.indexOf(t) < 0) marked.push(t); }); });  // stand-ins highlighted too
    var ranked = this.rank(Array.from(this.rankDocs(query, terms).entries()));
    return ranked.slice(0, limit).map(function (e) {
      var hit = self.hit(e[0], e[1][0], e[1][1], e[1][2]);
      hit.terms = marked;
      return hit;
    });
  };

  /** 'Did you mean': search hits first, then the names closest to `text` as a whole. */
  Index.prototype.suggest = function (text, limit) {
    var self = this, p = this.params;
    limit = limit || 5;
    var hits = this.search(text, limit);
    var seen = new Set(hits.map(function (h) { return h.slug; }));
    var queryKey = this.queryWords(text).join(" ");
    if (hits.length >= limit || !queryKey) return hits;
    var sortedQuery = queryKey.split(" ").sort().join(" ");
    var best = new Map();
    this.names.forEach(function (name, nameId) {
      if (name.joined) return;
      var similarity = Math.max(
        indelSimilarity(queryKey, name.key),
        indelSimilarity(sortedQuery, name.key.split(" ").sort().join(" "))
      );
      var old = best.get(name.doc);
      if (similarity >= p.suggest_min && similarity > (old ? old[0] : 0)) best.set(name.doc, [similarity, nameId]);
    });
    var ranked = this.rank(Array.from(best.entries()));
    for (var i = 0; i < ranked.length && hits.length < limit; i++) {
      var docId = ranked[i][0];
      if (!seen.has(this.docs[docId].slug)) {
        hits.push(this.hit(docId, 100 * ranked[i][1][0] * p.suggest_min, ranked[i][1][1]));
      }
    }
    return hits;
  };

  /* ---- loading ---------------------------------------------------------------------- */

  // The site root, from this script's own address (assets/javascripts/search-engine.js).
  var script = root.document && root.document.currentScript;
  var siteBase = script ? new URL("../../", script.src).href : "";
  var loading = null;

  function load() {
    if (!loading) {
      loading = fetch(new URL("search/glossary-index.json", siteBase).href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("search index: HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          var index = new Index(data);
          index.base = siteBase;
          index.version = data.version || "";
          api.index = index;
          return index;
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  // The section texts of one page (search/text/<address>.json), fetched once, for snippets.
  var texts = new Map();
  function sectionTexts(index, url) {
    if (!texts.has(url)) {
      var path = "search/text/" + url.replace(/^\/+|\/+$/g, "") + ".json?v=" + encodeURIComponent(index.version || "");
      var promise = fetch(new URL(path, siteBase).href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("search text: HTTP " + response.status);
          return response.json();
        });
      promise.catch(function () { texts.delete(url); });
      texts.set(url, promise);
    }
    return texts.get(url);
  }

  api.index = null;
  api.base = siteBase;
  /** Promise of the loaded index; fetched once. */
  api.load = load;
  /** Promise of ranked hits for `query`. */
  api.search = function (query, limit) {
    return load().then(function (index) { return index.search(query, limit); });
  };
  /**
   * Promise of the `n` entries nearest to `text`, for "did you mean" and the 404 page.
   * An address ("/term/liquidaton-price/") is reduced to its last segment.
   */
  api.suggest = function (text, n) {
    text = String(text);
    if (text.indexOf("/") >= 0) text = text.split("/").filter(Boolean).pop() || "";
    return load().then(function (index) { return index.suggest(text, n || 5); });
  };
  /** Absolute address of a hit's best section (its page, with #anchor when it has one). */
  api.href = function (hit) {
    return new URL(hit.url.replace(/^\//, "") + (hit.anchor ? "#" + hit.anchor : ""), siteBase).href;
  };
  /** Promise of [snippet, highlights] for a hit: its best section's text around the query's words. */
  api.snippet = function (hit) {
    return load().then(function (index) {
      if (hit.sectionNumber < 0) return index.snippet(hit.summary, hit.terms || []);
      return sectionTexts(index, hit.url).then(function (all) {
        return index.snippet(all[hit.sectionNumber] || hit.summary, hit.terms || []);
      });
    });
  };

  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
