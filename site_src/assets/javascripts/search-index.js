/*
 * Leverage Glossary site search, part 2 of 5: the index (generator/search/index.py), read
 * from search/glossary-index.json as generator/search/sitecodec.py packs it: the docs with
 * their sections, the full text decoded into BM25 impacts (fulltext.py's integers, the
 * same the terminal ranks with), and the name vocabulary built from the raw names with
 * the same normalisation as the terminal.
 *
 * Reads: Normalizer (search-normalize.js). Adds: Index, lowerBound, decodeTerms, FIELD_NAMES.
 */
(function (root) {
  "use strict";

  var search = (root.GlossarySearch = root.GlossarySearch || {});
  var TITLE = 0, ALIAS = 1, ABBREVIATION = 2;

  // The first position in the sorted `list` whose word is not below `word`.
  function lowerBound(list, word, from) {
    var lo = from || 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* ---- sitecodec.py ------------------------------------------------------------ */

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = new Array(128).fill(-1);
  for (var d = 0; d < ALPHABET.length; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  // sitecodec.url_slug: the slug a title gives, when the index leaves it out.
  function urlSlug(title) {
    return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // sitecodec.section_pair: [heading, anchor]; a heading alone gives its anchor (toc_slugify).
  function sectionPair(shipped) {
    if (typeof shipped !== "string") return shipped;
    return [shipped, shipped.replace(/[^\w\s-]/g, "").trim().toLowerCase().replace(/[-\s]+/g, "-")];
  }

  // sitecodec.decode_terms: front-coded, space-separated terms.
  function decodeTerms(text) {
    var terms = [], previous = "";
    if (!text) return terms;
    text.split(" ").forEach(function (item) {
      previous = previous.slice(0, +item[0]) + item.slice(1);
      terms.push(previous);
    });
    return terms;
  }

  // sitecodec.decode_fulltext: Map(term -> [section ids, impacts, largest impact]);
  // impact = IDF x TF[length class][tf - 1], tf = fulltext.boosted_tf of the shipped count.
  // The IDF's N and df count the entries' sections only (bm25.counted_sections; a term no
  // entry holds takes its df among the pages): pages move none of the entries' statistics.
  function decodeFulltext(data, norm, docs, sectionDoc) {
    var p = data.params, table = data.tf_table || [], classes = data.length_classes || "";
    var cap = table.length ? table[0].length : 1;
    var terms = decodeTerms(data.terms), dfs = data.df || [], text = data.postings || "", counts = data.counts || "";
    var fixes = new Map(data.idf_fix || []);
    var titled = docs.map(function (doc) { return new Set(norm.textTokens(doc.title)); });
    var counted = sectionDoc.map(function (docId) { return docs[docId].kind !== "page"; });
    var total = counted.filter(Boolean).length;
    if (!total) { counted.fill(true); total = counted.length; }
    var order = terms.map(function (_, i) { return i; }).sort(function (a, b) { return dfs[a] - dfs[b] || a - b; });
    var out = new Map(), at = 0, extra = 0;
    order.forEach(function (termId) {
      var term = terms[termId], df = dfs[termId];
      var sections = new Array(df), impacts = new Array(df), previous = -1, largest = 0, held = 0;
      for (var j = 0; j < df; j++) {
        var value = 0, scale = 1, digit;
        while ((digit = DIGIT[text.charCodeAt(at++)]) < 32) { value += digit * scale; scale *= 32; }
        value += (digit - 32) * scale;
        previous += Math.floor(value / 2) + 1;
        var count = value % 2 ? +counts[extra++] : 1;
        var docId = sectionDoc[previous];
        var boost = docs[docId].firstSection === previous ? p.top_boost : 1;
        sections[j] = previous;
        impacts[j] = Math.min(cap, count * boost + (titled[docId].has(term) ? p.title_boost : 0));  // tf, for now
        if (counted[previous]) held++;
      }
      if (!held) held = df;
      var idf = fixes.has(held) ? fixes.get(held)
        : Math.max(1, Math.round(p.idf_scale * Math.log(1 + (total - held + 0.5) / (held + 0.5))));
      for (j = 0; j < df; j++) {
        var impact = idf * table[+classes[sections[j]]][impacts[j] - 1];
        impacts[j] = impact;
        if (impact > largest) largest = impact;
      }
      out.set(term, [sections, impacts, largest]);
    });
    return out;
  }

  /* ---- index.py ------------------------------------------------------------------ */

  function readDocs(data) {
    var kinds = data.kinds, labels = data.kind_labels || kinds;
    var docs = data.docs.map(function (d) {
      var slug = d[0] || urlSlug(d[1]);
      return {
        slug: slug, title: d[1], kind: kinds[d[2]], label: labels[d[2]], summary: d[3],
        // an entry's address is left out of the index: /<kind>/<slug>/
        aliases: d[4], abbreviations: d[5], url: d[6] || "/" + kinds[d[2]] + "/" + slug + "/",
        sections: (d[7] || []).map(sectionPair)
      };
    });
    return docs.sort(function (a, b) { return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0; });
  }

  // index.build_index's names: each doc's title, aliases and abbreviations normalised (a
  // joined form too for 2-4 words, so "stoploss" finds "stop loss"), its summary's words,
  // the sorted vocabulary with postings, and how many docs use each word.
  function buildNames(docs, norm) {
    var rawNames = [], summaryWords = [];
    docs.forEach(function (doc, docId) {
      var seen = new Set();
      var named = [[TITLE, doc.title]];
      doc.aliases.forEach(function (a) { named.push([ALIAS, a]); });
      doc.abbreviations.forEach(function (a) { named.push([ABBREVIATION, a]); });
      named.forEach(function (pair) {
        var words = norm.tokens(pair[1]);
        var seenKey = pair[0] + "\u0000" + words.join(" ");
        if (!words.length || seen.has(seenKey)) return;
        seen.add(seenKey);
        rawNames.push([docId, pair[0], pair[1], words, false]);
        if (words.length >= 2 && words.length <= 4) rawNames.push([docId, pair[0], pair[1], [words.join("")], true]);
      });
      summaryWords.push(new Set(norm.tokens(doc.summary)));
    });

    var vocabulary = new Set();
    rawNames.forEach(function (n) { n[3].forEach(function (w) { vocabulary.add(w); }); });
    summaryWords.forEach(function (s) { s.forEach(function (w) { vocabulary.add(w); }); });
    var vocab = Array.from(vocabulary).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    var ids = new Map();
    vocab.forEach(function (w, i) { ids.set(w, i); });

    var names = [], namePostings = vocab.map(function () { return []; });
    var summaryPostings = vocab.map(function () { return []; });
    var docWords = docs.map(function () { return new Set(); });
    var exact = new Map();
    rawNames.forEach(function (raw, nameId) {
      var tokenIds = raw[3].map(function (w) { return ids.get(w); });
      names.push({ doc: raw[0], field: raw[1], text: raw[2], tokens: tokenIds, joined: raw[4], key: raw[3].join(" ") });
      new Set(tokenIds).forEach(function (t) { namePostings[t].push(nameId); docWords[raw[0]].add(t); });
      if (!raw[4]) {
        var k = raw[3].join(" ");
        if (!exact.has(k)) exact.set(k, []);
        exact.get(k).push(nameId);
      }
    });
    summaryWords.forEach(function (words, docId) {
      words.forEach(function (w) {
        summaryPostings[ids.get(w)].push(docId);
        docWords[docId].add(ids.get(w));
      });
    });
    var docFreq = new Array(vocab.length).fill(0);
    docWords.forEach(function (set) { set.forEach(function (t) { docFreq[t] += 1; }); });

    return {
      vocab: vocab, names: names, namePostings: namePostings, summaryPostings: summaryPostings,
      docFreq: docFreq, exact: exact
    };
  }

  function Index(data) {
    var norm = new search.Normalizer(data.rules);
    var docs = readDocs(data);

    // Full text (fulltext.py): sections numbered in doc order.
    var sectionDoc = [], sectionIndex = [];
    docs.forEach(function (doc, docId) {
      doc.firstSection = sectionDoc.length;
      doc.sections.forEach(function (_, i) { sectionDoc.push(docId); sectionIndex.push(i); });
    });

    var named = buildNames(docs, norm);
    this.norm = norm;
    this.params = data.params;
    this.docs = docs;
    this.vocab = named.vocab;
    this.names = named.names;
    this.namePostings = named.namePostings;
    this.summaryPostings = named.summaryPostings;
    this.docFreq = named.docFreq;
    this.exact = named.exact;
    this.textTerms = decodeFulltext(data, norm, docs, sectionDoc);
    this.sectionDoc = sectionDoc;
    this.sectionIndex = sectionIndex;
    this.base = "";
  }

  search.Index = Index;
  search.lowerBound = lowerBound;
  search.decodeTerms = decodeTerms;
  search.FIELD_NAMES = ["title", "alias", "abbreviation"];
})(typeof window !== "undefined" ? window : globalThis);
