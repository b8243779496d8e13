/*
 * Leverage Glossary site search, part 3 of 5: the name match (generator/search/names.py),
 * step for step: each query word matched against the name vocabulary exactly, as a prefix,
 * by full-text stem, as a curated synonym, within one or two typos or as a misspelt
 * prefix; then each doc scored from 0 to 100 by its best name and its summary. The
 * arithmetic is written in the order of the Python so both give bit-identical scores.
 *
 * Reads: Index, lowerBound (search-index.js). Adds: Index.prototype.scoreDocs and its
 * helpers, osa, indelSimilarity.
 */
(function (root) {
  "use strict";

  var search = (root.GlossarySearch = root.GlossarySearch || {});
  var Index = search.Index, lowerBound = search.lowerBound;

  /* ---- distances (rapidfuzz's OSA and Indel) ---------------------------------- */

  // Optimal string alignment distance, or max + 1 once it must exceed `max`.
  function osa(a, b, max) {
    var n = a.length, m = b.length;
    if (Math.abs(n - m) > max) return max + 1;
    if (n === 0) return m;
    if (m === 0) return n;
    var prev2 = new Array(m + 1), prev = new Array(m + 1), cur = new Array(m + 1);
    for (var j = 0; j <= m; j++) prev[j] = j;
    for (var i = 1; i <= n; i++) {
      cur[0] = i;
      var rowMin = cur[0];
      for (j = 1; j <= m; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur[j] = v;
        if (v < rowMin) rowMin = v;
      }
      if (rowMin > max) return max + 1;
      var t = prev2; prev2 = prev; prev = cur; cur = t;
    }
    return prev[m] > max ? max + 1 : prev[m];
  }

  // rapidfuzz Indel.normalized_similarity: 1 - (insertions + deletions) / (len a + len b).
  function indelSimilarity(a, b) {
    var total = a.length + b.length;
    if (total === 0) return 1;
    var row = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i++) {
      var diag = 0;
      for (var j = 1; j <= b.length; j++) {
        var up = row[j];
        row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
        diag = up;
      }
    }
    return 1 - (total - 2 * row[b.length]) / total;
  }


  Index.prototype.maxTypos = function (length, summary) {
    var p = this.params;
    if (length >= p.fuzzy2_min) return 2;
    if (length >= (summary ? p.summary_fuzzy_min : p.fuzzy_min)) return 1;
    return 0;
  };

  // Every vocabulary word `word` may stand for: Map(vocab id -> [name quality, summary quality]).
  Index.prototype.matchWord = function (word, standIns) {
    var p = this.params, vocab = this.vocab, length = word.length;
    var found = new Map();
    function add(id, nameQ, summaryQ) {
      var old = found.get(id);
      if (!old) found.set(id, [nameQ, summaryQ]);
      else found.set(id, [Math.max(old[0], nameQ), Math.max(old[1], summaryQ)]);
    }
    var start = lowerBound(vocab, word);
    var exact = start < vocab.length && vocab[start] === word;
    if (exact) add(start, 1, 1);
    var prefixed = false;
    if (length >= p.prefix_min) {
      var end = lowerBound(vocab, word + "\uffff", start);
      for (var id = start + (exact ? 1 : 0); id < end; id++) {
        var q = p.prefix_base + p.prefix_span * length / vocab[id].length;
        add(id, q, length >= p.summary_prefix_min ? q : 0);
        prefixed = true;
      }
    }
    // Same full-text stem ("liquidated" for "liquidation"): vocabulary words that begin with it.
    var stem = this.norm.stemText(word);
    if (stem.length >= p.prefix_min) {
      var from = lowerBound(vocab, stem), to = lowerBound(vocab, stem + "\uffff", from);
      for (var s = from; s < to; s++) {
        if ((s !== start || !exact) && this.norm.stemText(vocab[s]) === stem) add(s, p.stem_quality, p.stem_quality);
      }
    }
    // Curated synonyms (synonyms.py): name words of each stand-in's stem family.
    (standIns || []).forEach(function (standIn) {
      var a = lowerBound(vocab, standIn), b = lowerBound(vocab, standIn + "\uffff", a);
      for (var k = a; k < b; k++) {
        if (this.norm.stemText(vocab[k]) === standIn) add(k, p.synonym_quality, p.synonym_quality);
      }
    }, this);
    var typos = this.maxTypos(length, false);
    if (typos) {
      var summaryTypos = this.maxTypos(length, true);
      for (var i = 0; i < vocab.length; i++) {
        var d = osa(word, vocab[i], typos);
        if (d === 0 || d > typos) continue;
        var fq = p.fuzzy_base - p.fuzzy_penalty * d / length;
        add(i, fq, d <= summaryTypos ? fq : 0);
      }
    }
    if (!exact && !prefixed && length >= p.fuzzy_min + 1) {
      this.fuzzyPrefix(word).forEach(function (id) {
        add(id, p.fuzzy_prefix_base + p.fuzzy_prefix_span * length / vocab[id].length, 0);
      });
    }
    return found;
  };

  // Name words whose beginning is within one typo of `word` ("liqudat" -> "liquidation");
  // only words with the same first letter are tried, as in rank.py.
  Index.prototype.fuzzyPrefix = function (word) {
    var vocab = this.vocab, length = word.length, hits = [];
    var first = lowerBound(vocab, word[0]), last = lowerBound(vocab, word[0] + "\uffff", first);
    for (var i = first; i < last; i++) {
      var v = vocab[i];
      if (v.length <= length + 1 || !this.namePostings[i].length) continue;
      for (var cut = length - 1; cut <= length + 1; cut++) {
        if (osa(word, v.slice(0, cut), 1) <= 1) { hits.push(i); break; }
      }
    }
    return hits;
  };

  Index.prototype.weight = function (matches) {
    if (!matches.size) return 1;
    var df = 0, docFreq = this.docFreq;
    matches.forEach(function (_, id) { if (docFreq[id] > df) df = docFreq[id]; });
    return 1 + Math.log((this.docs.length + 1) / (df + 1));
  };

  // names.query_words: the query's words for the name match, normalised.
  Index.prototype.queryWords = function (query) {
    return this.norm.queryTokens(query);
  };

  // names._phrase_extras: the phrase stand-ins of each kept query word, phrases found among all its words.
  Index.prototype.phraseExtras = function (query, kept) {
    var every = this.norm.rawWords(query);
    var extras = this.norm.phraseStandIns(every, this.norm.namePhrases), position = 0;
    return kept.map(function (word) {
      while (position < every.length && every[position] !== word) position += 1;
      var found = position < every.length ? extras[position] : [];
      position += 1;
      return found;
    });
  };

  Index.prototype.scoreDocs = function (query) {
    var self = this, p = this.params;
    var raw = this.norm.queryWordsRaw(query), norm = this.norm;
    var qwords = raw.map(function (w) { return norm.word(w); });
    var results = new Map();
    if (!qwords.length) return results;
    var allKey = this.norm.words(query).join(" ");
    var queryKey = qwords.join(" ");
    var extras = this.phraseExtras(query, raw);
    var matches = qwords.map(function (w, i) {
      return self.matchWord(w, norm.standIns(norm.nameSynonyms, raw[i]).concat(extras[i]));
    });
    var weights = matches.map(function (m) { return self.weight(m); });
    var totalWeight = 0;
    weights.forEach(function (w) { totalWeight += w; });

    var perWord = new Map(), perToken = new Map();
    matches.forEach(function (wordMatches, position) {
      wordMatches.forEach(function (qs, vocabId) {
        var quality = qs[0];
        self.namePostings[vocabId].forEach(function (nameId) {
          var best = perWord.get(nameId);
          if (!best) {
            best = new Array(qwords.length).fill(0);
            perWord.set(nameId, best);
            perToken.set(nameId, new Map());
          }
          if (quality > best[position]) best[position] = quality;
          var tq = perToken.get(nameId);
          if (quality > (tq.get(vocabId) || 0)) tq.set(vocabId, quality);
        });
      });
    });

    var nameBest = new Map(), whole = new Set();  // whole: docs with a name matching every query word
    var base = p.completeness_base;
    var fieldFactor = [1, p.alias_factor, p.abbreviation_factor];
    perWord.forEach(function (best, nameId) {
      var name = self.names[nameId];
      var covered = 0;
      for (var i = 0; i < best.length; i++) covered += weights[i] * best[i];
      var coverage = covered / totalWeight;
      var tq = perToken.get(nameId), complete = 0;
      name.tokens.forEach(function (t) { complete += tq.get(t) || 0; });
      var completeness = complete / name.tokens.length;
      var score = coverage * (base + (1 - base) * completeness);
      var similarity = indelSimilarity(queryKey, name.key);
      if (similarity >= p.similarity_floor) score = Math.max(score, similarity);
      score *= fieldFactor[name.field];
      var old = nameBest.get(name.doc);
      if (!old || score > old[0] || (score === old[0] && nameId < old[1])) nameBest.set(name.doc, [score, nameId]);
      if (best.indexOf(0) < 0) whole.add(name.doc);
    });

    var summaryQ = new Map();
    matches.forEach(function (wordMatches, position) {
      wordMatches.forEach(function (qs, vocabId) {
        var quality = qs[1];
        if (quality <= 0) return;
        self.summaryPostings[vocabId].forEach(function (docId) {
          var best = summaryQ.get(docId);
          if (!best) { best = new Array(qwords.length).fill(0); summaryQ.set(docId, best); }
          if (quality > best[position]) best[position] = quality;
        });
      });
    });

    var candidates = new Set(nameBest.keys());
    summaryQ.forEach(function (_, docId) { candidates.add(docId); });
    candidates.forEach(function (docId) {
      var summaryScore = 0;
      var sq = summaryQ.get(docId);
      if (sq) {
        var covered = 0;
        for (var i = 0; i < sq.length; i++) covered += weights[i] * sq[i];
        summaryScore = covered / totalWeight;
      }
      var nb = nameBest.get(docId) || [0, -1];
      var named = p.name_weight * nb[0] + p.summary_tie * summaryScore;
      var byName = named >= p.summary_weight * summaryScore;
      var score = byName ? named : p.summary_weight * summaryScore;
      // Found by its summary rather than a name: no name id (ranked as full text).
      results.set(docId, [Math.min(score, p.fuzzy_cap), byName ? nb[1] : -1, whole.has(docId) && byName]);
    });

    var exactScore = [p.exact_title, p.exact_alias, p.exact_abbreviation];
    var keys = queryKey === allKey ? [queryKey] : [queryKey, allKey];
    var padded = " " + allKey + " ";
    keys.forEach(function (k) {
      (self.exact.get(k) || []).forEach(function (nameId) {
        var name = self.names[nameId];
        if (name.full === undefined) name.full = self.norm.words(name.text).join(" ");
        // "Perpetuals and Futures" is not exactly "perpetual futures": its "and" is missing.
        if (name.full !== k && padded.indexOf(" " + name.full + " ") < 0) return;
        var score = exactScore[name.field];
        var old = results.get(name.doc);
        if (score > (old ? old[0] : 0)) results.set(name.doc, [score, nameId, true]);
      });
    });
    results.forEach(function (v, docId) { if (v[0] < p.min_score) results.delete(docId); });
    return results;
  };

  search.osa = osa;
  search.indelSimilarity = indelSimilarity;
})(typeof window !== "undefined" ? window : globalThis);
