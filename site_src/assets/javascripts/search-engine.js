/*
 * Leverage Glossary site search: the browser port of generator/search (normalize.py,
 * index.py, rank.py, fulltext.py). Same normalisation tables and ranking constants,
 * shipped in search/glossary-index.json by generator/search/site.py, so a query ranks the
 * same in the terminal and on the site. The full text arrives precomputed (terms, IDF
 * weights, postings, length classes, the TF table): this file only decodes it and adds
 * integers. Keep the two in step: tests/browser/test_site_search.py compares them query
 * by query over both quality suites.
 *
 * No DOM here: search-ui.js draws the results for the header search and the home page's
 * quick find, and the 404 page calls window.GlossarySearch.suggest(text, n).
 */
(function (root) {
  "use strict";

  var TITLE = 0, ALIAS = 1, ABBREVIATION = 2;
  var FIELD_NAMES = ["title", "alias", "abbreviation"];

  /* ---- normalize.py ------------------------------------------------------------ */

  function Normalizer(rules) {
    this.wordMap = rules.word_map;
    this.suffixRules = rules.suffix_rules;
    this.pluralExceptions = new Set(rules.plural_exceptions);
    this.suffixExceptions = new Set(rules.suffix_exceptions);
    this.suffixMinStem = rules.suffix_min_stem;
    this.stopWords = new Set(rules.stop_words);
    this.textStopWords = new Set(rules.text_stop_words);
    // synonyms.py: reader's word (plural stripped) -> stand-ins, for names and for full text.
    this.nameSynonyms = rules.name_synonyms || {};
    this.textSynonyms = rules.text_synonyms || {};
    this.synonymShare = rules.synonym_share || [3, 4];
    // ... and short phrases (their words' keys joined by spaces) -> stand-ins.
    this.namePhrases = rules.name_phrases || {};
    this.textPhrases = rules.text_phrases || {};
    this.phraseMax = rules.phrase_max || 0;
    this.textSuffixes = rules.text_suffixes;
    this.textMinStem = rules.text_min_stem;
    this.ratio = new RegExp(rules.ratio, "g");
  }

  var FOLD_JOIN = /(^|[^a-z0-9])([a-z0-9])[&/.]([a-z0-9])(?=[^a-z0-9]|$)/g;
  var APOSTROPHE_S = /['\u2018\u2019`\u00b4]s\b/g;
  var APOSTROPHE = /['\u2018\u2019`\u00b4]/g;
  var MARKS = /\p{M}/gu;
  var SPLIT = /[^\p{L}\p{N}]+/u;

  function endsWith(word, suffix) {
    return word.length >= suffix.length && word.slice(word.length - suffix.length) === suffix;
  }

  function mapped(map, word) {
    return Object.prototype.hasOwnProperty.call(map, word) ? map[word] : word;
  }

  Normalizer.prototype.fold = function (text) {
    text = text.normalize("NFKD").replace(MARKS, "").toLowerCase();
    text = text.replace(FOLD_JOIN, "$1$2$3");
    text = text.replace(APOSTROPHE_S, "");
    return text.replace(APOSTROPHE, "");
  };

  Normalizer.prototype.stemPlural = function (word) {
    if (word.length < 4 || this.pluralExceptions.has(word) || !endsWith(word, "s")) return word;
    if (endsWith(word, "ies") && word.length > 4) return word.slice(0, -3) + "y";
    if (["sses", "xes", "ches", "shes", "zzes"].some(function (s) { return endsWith(word, s); })) {
      return word.slice(0, -2);
    }
    if (endsWith(word, "ss") || endsWith(word, "us") || endsWith(word, "is")) return word;
    return word.slice(0, -1);
  };

  Normalizer.prototype.americanize = function (word) {
    for (var i = 0; i < this.suffixRules.length; i++) {
      var rule = this.suffixRules[i];
      if (endsWith(word, rule[0]) && word.length - rule[0].length >= rule[2]) {
        return word.slice(0, word.length - rule[0].length) + rule[1];
      }
    }
    return word;
  };

  Normalizer.prototype.stemSuffix = function (word) {
    if (this.suffixExceptions.has(word)) return word;
    var suffixes = ["ing", "ed", "e"];
    for (var i = 0; i < suffixes.length; i++) {
      var suffix = suffixes[i];
      if (endsWith(word, suffix) && word.length - suffix.length >= this.suffixMinStem) {
        word = word.slice(0, word.length - suffix.length);
        var last = word[word.length - 1];
        if (suffix !== "e" && last === word[word.length - 2] && "aeiouylsz".indexOf(last) < 0) {
          word = word.slice(0, -1);
        }
        return word;
      }
    }
    return word;
  };

  Normalizer.prototype.word = function (word) {
    word = mapped(this.wordMap, word);
    word = this.stemSuffix(this.americanize(this.stemPlural(word)));
    return mapped(this.wordMap, word);
  };

  // normalize.query_words_raw: the name match's folded words, question verbs dropped when others remain.
  Normalizer.prototype.queryWordsRaw = function (text) {
    var stop = this.stopWords, textStop = this.textStopWords;
    var raw = this.fold(text).split(SPLIT).filter(Boolean);
    var kept = raw.filter(function (w) { return !stop.has(w); });
    var fewer = kept.filter(function (w) { return !textStop.has(w); });
    return fewer.length ? fewer : kept.length ? kept : raw;
  };

  // normalize.query_tokens: those words, normalised.
  Normalizer.prototype.queryTokens = function (text) {
    var self = this;
    return this.queryWordsRaw(text).map(function (w) { return self.word(w); });
  };

  // synonyms.synonym_key and the tables: a folded word's stand-ins.
  Normalizer.prototype.standIns = function (table, word) {
    var key = this.stemPlural(word);
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : [];
  };

  // synonyms.phrase_stand_ins: per folded word, the stand-ins of every phrase of `table` it is part of.
  Normalizer.prototype.phraseStandIns = function (raw, table) {
    var self = this, keys = raw.map(function (w) { return self.stemPlural(w); });
    var out = raw.map(function () { return []; });
    for (var position = 0; position < raw.length; position++) {
      for (var length = 2; length <= Math.min(this.phraseMax, raw.length - position); length++) {
        var key = keys.slice(position, position + length).join(" ");
        if (!Object.prototype.hasOwnProperty.call(table, key)) continue;
        var extra = table[key];
        for (var i = position; i < position + length; i++) {
          var found = out[i];
          extra.forEach(function (s) { if (found.indexOf(s) < 0) found.push(s); });
        }
      }
    }
    return out;
  };

  Normalizer.prototype.stemText = function (word) {
    for (var i = 0; i < this.textSuffixes.length; i++) {
      var rule = this.textSuffixes[i];
      if (endsWith(word, rule[0]) && word.length - rule[0].length >= this.textMinStem) {
        return word.slice(0, word.length - rule[0].length) + rule[1];
      }
    }
    return word;
  };

  // normalize.text_word: a folded word as a full-text term, "" for a function word.
  Normalizer.prototype.textWord = function (word) {
    if (this.stopWords.has(word) || this.textStopWords.has(word)) return "";
    return this.stemText(this.word(word));
  };

  // normalize.text_tokens: function words dropped, stemmed, each ratio ("30:1") added after.
  Normalizer.prototype.textTokens = function (text) {
    var self = this, folded = this.fold(text);
    var terms = folded.split(SPLIT).filter(Boolean).map(function (w) { return self.textWord(w); }).filter(Boolean);
    return terms.concat(folded.match(this.ratio) || []);
  };

  Normalizer.prototype.words = function (text) {
    var self = this;
    return this.fold(text).split(SPLIT).filter(Boolean).map(function (w) { return self.word(w); });
  };

  // Stop words are recognised before normalisation ("does" is one, "doe" is not).
  Normalizer.prototype.tokens = function (text) {
    var self = this, stop = this.stopWords;
    var raw = this.fold(text).split(SPLIT).filter(Boolean);
    var kept = raw.filter(function (w) { return !stop.has(w); });
    return (kept.length ? kept : raw).map(function (w) { return self.word(w); });
  };

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

  function lowerBound(list, word, from) {
    var lo = from || 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* ---- index.py ------------------------------------------------------------------ */

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

  // site.py decode_postings: [[section ids], [tf]] of one term.
  function decodePostings(text, tfCap) {
    var sections = [], tfs = [], previous = -1, value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = ALPHABET.indexOf(text[i]);
      if (digit < 32) { value += digit * Math.pow(2, shift); shift += 5; continue; }
      value += (digit - 32) * Math.pow(2, shift);
      previous += Math.floor(value / tfCap);
      sections.push(previous);
      tfs.push(value % tfCap + 1);
      value = 0; shift = 0;
    }
    return [sections, tfs];
  }

  function Index(data) {
    var norm = new Normalizer(data.rules);
    var params = data.params;
    var kinds = data.kinds;
    var labels = data.kind_labels || kinds;
    var docs = data.docs.map(function (d) {
      return {
        slug: d[0], title: d[1], kind: kinds[d[2]], label: labels[d[2]], summary: d[3],
        // an entry's address is left out of the index: /<kind>/<slug>/
        aliases: d[4], abbreviations: d[5], url: d[6] || "/" + kinds[d[2]] + "/" + d[0] + "/", sections: d[7] || []
      };
    });
    docs.sort(function (a, b) { return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0; });

    // Full text (fulltext.py): sections numbered in doc order; impact = IDF x TF[class][tf - 1].
    var sectionDoc = [], sectionIndex = [];
    docs.forEach(function (doc, docId) {
      doc.firstSection = sectionDoc.length;
      doc.sections.forEach(function (_, i) { sectionDoc.push(docId); sectionIndex.push(i); });
    });
    var table = data.tf_table || [], classes = data.length_classes || "", tfCap = table.length ? table[0].length : 1;
    var textTerms = new Map();
    (data.terms || []).forEach(function (term, i) {
      var decoded = decodePostings(data.postings[i], tfCap), idf = data.idf[i], largest = 0;
      var impacts = decoded[1].map(function (tf, j) {
        var impact = idf * table[+classes[decoded[0][j]]][tf - 1];
        if (impact > largest) largest = impact;
        return impact;
      });
      textTerms.set(term, [decoded[0], impacts, largest]);
    });

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

    this.norm = norm;
    this.params = params;
    this.docs = docs;
    this.vocab = vocab;
    this.names = names;
    this.namePostings = namePostings;
    this.summaryPostings = summaryPostings;
    this.docFreq = docFreq;
    this.exact = exact;
    this.textTerms = textTerms;
    this.sectionDoc = sectionDoc;
    this.sectionIndex = sectionIndex;
    this.base = "";
  }

  /* ---- rank.py ------------------------------------------------------------------- */

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

  Index.prototype.queryWords = function (query) {
    return this.norm.queryTokens(query);
  };

  // fulltext.query_terms: the query's distinct full-text terms, in order, each followed by its
  // stand-ins (synonyms.py) that are not themselves terms of the query.
  Index.prototype.queryTerms = function (query) {
    var norm = this.norm, table = norm.textSynonyms, standIns = new Map();
    var raw = norm.fold(query).split(SPLIT).filter(Boolean), phrases = norm.phraseStandIns(raw, norm.textPhrases);
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

  // names._phrase_extras: the phrase stand-ins of each kept query word, phrases found among all its words.
  Index.prototype.phraseExtras = function (query, kept) {
    var every = this.norm.fold(query).split(SPLIT).filter(Boolean);
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

  var api = {
    Index: Index,
    decodePostings: decodePostings,
    Normalizer: Normalizer,
    osa: osa,
    indelSimilarity: indelSimilarity,
    index: null,
    base: siteBase,
    /** Promise of the loaded index; fetched once. */
    load: load,
    /** Promise of ranked hits for `query`. */
    search: function (query, limit) {
      return load().then(function (index) { return index.search(query, limit); });
    },
    /**
     * Promise of the `n` entries nearest to `text`, for "did you mean" and the 404 page.
     * An address ("/term/liquidaton-price/") is reduced to its last segment.
     */
    suggest: function (text, n) {
      text = String(text);
      if (text.indexOf("/") >= 0) text = text.split("/").filter(Boolean).pop() || "";
      return load().then(function (index) { return index.suggest(text, n || 5); });
    },
    /** Absolute address of a hit's best section (its page, with #anchor when it has one). */
    href: function (hit) {
      return new URL(hit.url.replace(/^\//, "") + (hit.anchor ? "#" + hit.anchor : ""), siteBase).href;
    },
    /** Promise of [snippet, highlights] for a hit: its best section's text around the query's words. */
    snippet: function (hit) {
      return load().then(function (index) {
        if (hit.sectionNumber < 0) return index.snippet(hit.summary, hit.terms || []);
        return sectionTexts(index, hit.url).then(function (all) {
          return index.snippet(all[hit.sectionNumber] || hit.summary, hit.terms || []);
        });
      });
    }
  };

  root.GlossarySearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
