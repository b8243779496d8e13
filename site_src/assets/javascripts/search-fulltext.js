/*
 * Leverage Glossary site search, part 4 of 5: the full text (generator/search/fulltext.py):
 * a query's terms with their stand-ins, each doc's BM25 score as its best section's, and
 * the snippet of a section around the query's words. Integer sums and one division, in the
 * Python's order, so the terminal and the site agree to the last bit.
 *
 * Reads: Index (search-index.js). Adds: Index.prototype.queryTerms, scoreSections, snippet.
 */
(function (root) {
  "use strict";

  var search = (root.GlossarySearch = root.GlossarySearch || {});
  var Index = search.Index;

  // fulltext.query_terms: the query's distinct full-text terms, in order, each followed by its
  // stand-ins (synonyms.py) that are not themselves terms of the query.
  Index.prototype.queryTerms = function (query) {
    var norm = this.norm, table = norm.textSynonyms, standIns = new Map();
    var raw = norm.rawWords(query), phrases = norm.phraseStandIns(raw, norm.textPhrases);
    raw.forEach(function (w, position) {
      var term = norm.textWord(w);
      if (!term) return;
      if (!standIns.has(term)) standIns.set(term, []);
      var found = standIns.get(term);
      norm.standIns(table, w).concat(phrases[position]).forEach(function (s) { if (found.indexOf(s) < 0) found.push(s); });
    });
    var terms = Array.from(new Set(norm.textTokens(query))), asked = new Set(terms);
    return terms.map(function (t) {
      return [t].concat((standIns.get(t) || []).filter(function (s) { return !asked.has(s); }));
    });
  };

  // fulltext.score_sections: Map(doc id -> [text score in [0, 1], best section id]). A term with
  // stand-ins counts the best of its own impact x 4 and theirs x 3 in each section (integers).
  Index.prototype.scoreSections = function (terms) {
    var self = this, out = new Map();
    if (!terms.length) return out;
    var own = this.norm.synonymShare[1], part = this.norm.synonymShare[0];
    var ideal = 0, known = 0, scores = new Map();
    terms.forEach(function (group) {
      var found = [];
      group.forEach(function (t, i) {
        var hit = self.textTerms.get(t);
        if (hit) found.push([hit, i === 0 ? own : part]);
      });
      if (!found.length) return;
      known += 1;
      var largest = 0;
      found.forEach(function (f) { if (f[0][2] * f[1] > largest) largest = f[0][2] * f[1]; });
      ideal += largest;
      var best = new Map();
      found.forEach(function (f) {
        var sections = f[0][0], impacts = f[0][1], share = f[1];
        for (var i = 0; i < sections.length; i++) {
          var v = impacts[i] * share;
          if (v > (best.get(sections[i]) || 0)) best.set(sections[i], v);
        }
      });
      best.forEach(function (v, sectionId) { scores.set(sectionId, (scores.get(sectionId) || 0) + v); });
    });
    if (!known) return out;
    var shareKnown = known / terms.length;
    var top = new Map();
    Array.from(scores.keys()).sort(function (a, b) { return a - b; }).forEach(function (sectionId) {
      var total = scores.get(sectionId), docId = self.sectionDoc[sectionId], old = top.get(docId);
      if (!old || total > old[0]) top.set(docId, [total, sectionId]);
    });
    top.forEach(function (v, docId) { out.set(docId, [v[0] / ideal * shareKnown, v[1]]); });
    return out;
  };

  /* ---- snippets (fulltext.snippet) ------------------------------------------------------ */

  var WORD = /[\p{L}\p{N}]+/gu;

  /** [snippet text, [[start, end], ...]]: a stretch of `text` around the query's words. */
  Index.prototype.snippet = function (text, terms, width) {
    var p = this.params, norm = this.norm, wanted = new Set(terms);
    width = width || p.snippet;
    var hits = [], match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      var term = norm.textWord(norm.fold(match[0]));
      if (term && wanted.has(term)) hits.push([match.index, match.index + match[0].length, term]);
    }
    if (!hits.length) return [cut(text, 0, width), []];
    var best = 0, bestCount = -1;
    for (var i = 0; i < hits.length; i++) {
      var seen = new Set();
      for (var j = i; j < hits.length; j++) if (hits[j][0] < hits[i][0] + width - p.snippet_lead) seen.add(hits[j][2]);
      if (seen.size > bestCount) { best = i; bestCount = seen.size; }
    }
    var begin = Math.max(0, hits[best][0] - p.snippet_lead);
    if (begin > 0) {
      var space = text.indexOf(" ", begin);
      begin = space >= 0 && space < hits[best][0] ? space + 1 : hits[best][0];
    }
    var shown = cut(text, begin, width), offset = begin - (begin > 0 ? 1 : 0);
    var limit = shown.replace(/\u2026$/, "").length;
    var marks = hits.filter(function (h) { return h[0] >= begin && h[1] - offset <= limit; })
      .map(function (h) { return [h[0] - offset, h[1] - offset]; });
    return [shown, marks];
  };

  function cut(text, begin, width) {
    var end = begin + width, piece;
    if (end >= text.length) piece = text.slice(begin);
    else {
      var space = text.lastIndexOf(" ", end - 1);
      piece = text.slice(begin, space > begin + Math.floor(width / 2) ? space : end) + "\u2026";
    }
    return (begin > 0 ? "\u2026" : "") + piece;
  }
})(typeof window !== "undefined" ? window : globalThis);
