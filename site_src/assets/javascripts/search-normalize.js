/*
 * Leverage Glossary site search, part 1 of 5: the text rules (generator/search/normalize.py
 * and the look-ups of synonyms.py). The tables come from the site index (`rules`), so a
 * word is read here exactly as the terminal reads it.
 *
 * The search files, in the order every page loads them (mkdocs.yml extra_javascript):
 * search-normalize.js, search-index.js, search-names.js, search-fulltext.js,
 * search-engine.js (the ranking and window.GlossarySearch's API), then search-results.js
 * and search-ui.js (the search boxes). Each adds to window.GlossarySearch.
 *
 * Adds: Normalizer.
 */
(function (root) {
  "use strict";

  var search = (root.GlossarySearch = root.GlossarySearch || {});

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

  // normalize.raw_words: the folded words of `text`, in order, before any normalisation.
  Normalizer.prototype.rawWords = function (text) {
    return this.fold(text).split(SPLIT).filter(Boolean);
  };

  // normalize.query_words_raw: the name match's folded words, question verbs dropped when others remain.
  Normalizer.prototype.queryWordsRaw = function (text) {
    var stop = this.stopWords, textStop = this.textStopWords;
    var raw = this.rawWords(text);
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
    return this.rawWords(text).map(function (w) { return self.word(w); });
  };

  // Stop words are recognised before normalisation ("does" is one, "doe" is not).
  Normalizer.prototype.tokens = function (text) {
    var self = this, stop = this.stopWords;
    var raw = this.rawWords(text);
    var kept = raw.filter(function (w) { return !stop.has(w); });
    return (kept.length ? kept : raw).map(function (w) { return self.word(w); });
  };

  search.Normalizer = Normalizer;
})(typeof window !== "undefined" ? window : globalThis);
