/*
 * Calculator forms: every calculator on /calculators/ (.gl-calc[data-calc]) and a "Try it"
 * under each formula and worked example of an entry (.gl-try[data-try]).
 *
 * The forms are built by calc-form.js from the calculators' own definitions
 * (calculators.json, written by the build from generator/calc) and the entry's formula
 * trees (data-try); calc-engine.js computes. The address holds the calculation
 * (?calc=NAME&key=value, lists comma-separated; on entries ?formula=ID&...), so a copied
 * link opens it filled in and computed. The last of the calculator files glossary.js loads
 * (CALC_SCRIPTS): the engine and calc-form.js have run before it.
 */
(function () {
  "use strict";

  var engine = window.GlossaryCalc || {};
  var script = document.currentScript;
  var BASE = new URL("../../", script ? script.src : window.location.href);

  /* ---------- typed text <-> input values (the form fields and the address) ------------- */

  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function parseNumberText(text) {
    var trimmed = text.trim();
    return NUMBER.test(trimmed) ? Number(trimmed) : trimmed;
  }

  // What a field's text means for an input of `kind`: "" is "not given" (null); a number
  // as typed; a list as comma-separated numbers; anything else stays text and is refused
  // by the same check (and message) as `glossary calc` gives.
  function parseField(kind, text) {
    var trimmed = String(text).trim();
    if (trimmed === "") return null;
    if (kind === "choice") return trimmed;
    if (kind === "list" || (kind === "number_or_list" && trimmed.indexOf(",") >= 0)) {
      return trimmed.replace(/^\[|\]$/g, "").split(",").map(parseNumberText);
    }
    return parseNumberText(trimmed);
  }

  function fieldText(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(fieldText).join(", ");
    return String(value);
  }

  /* ---------- the address: ?calc=NAME&key=value ----------------------------------------- */

  function query() {
    return new URLSearchParams(window.location.search);
  }

  function setQuery(pairs) {
    var params = new URLSearchParams();
    pairs.forEach(function (pair) { if (pair[1] !== "") params.append(pair[0], pair[1]); });
    var url = window.location.pathname + "?" + params.toString() + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  /* ---------- calculators --------------------------------------------------------------- */

  function parseAll(spec, texts) {
    var inputs = {};
    spec.params.forEach(function (param) {
      var value = parseField(param.kind, texts[param.name]);
      if (value !== null) inputs[param.name] = value;
    });
    return inputs;
  }

  function sameValue(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (x, i) { return sameValue(x, b[i]); });
    }
    return a === b || (a === null && b === undefined) || (a === undefined && b === null);
  }

  function calculatorForm(holder, spec, inputs, expect, urlKey, stepsOpen) {
    var start = {};
    spec.params.forEach(function (param) {
      var value = inputs[param.name];
      if (value === undefined) value = param.required ? null : param.default;
      start[param.name] = fieldText(value);
    });
    var startInputs = null;
    return engine.buildForm(holder, {
      title: spec.title,
      stepsOpen: stepsOpen,
      fields: spec.params.map(function (param) {
        return {
          name: param.name, label: param.name, unit: param.unit,
          help: param.description + "; " + param.allowed, kind: param.kind, choices: param.choices,
          required: param.required, text: start[param.name]
        };
      }),
      compute: function (texts) {
        var result = engine.run(spec, parseAll(spec, texts));
        if (startInputs === null) startInputs = result.inputs;
        var unchanged = spec.params.every(function (p) { return sameValue(result.inputs[p.name], startInputs[p.name]); });
        return {
          outputs: spec.outputs.map(function (out) {
            var view = { name: out.name, value: result.outputs[out.name], unit: engine.unitFor(out.unit, result.inputs) };
            if (unchanged && expect && Object.prototype.hasOwnProperty.call(expect, out.name)) view.published = expect[out.name];
            return view;
          }),
          steps: result.steps
        };
      },
      onChange: urlKey ? function (texts) {
        setQuery([["calc", spec.name]].concat(spec.params.map(function (p) {
          return [p.name, texts[p.name].trim()];
        })));
      } : null
    });
  }

  function loadCalculators() {
    return fetch(new URL("calculators.json", BASE).href).then(function (response) {
      if (!response.ok) throw new Error("calculators.json: HTTP " + response.status);
      return response.json();
    });
  }

  function setupCalculatorPage(holders, data) {
    var params = query();
    var asked = params.get("calc");
    holders.forEach(function (holder) {
      var spec = data.calculators[holder.getAttribute("data-calc")];
      if (!spec) return;
      var inputs = spec.example;
      if (asked === spec.name) {
        inputs = {};
        spec.params.forEach(function (param) {
          if (params.has(param.name)) inputs[param.name] = parseField(param.kind, params.get(param.name));
        });
      }
      calculatorForm(holder, spec, inputs, null, true, true);
      if (asked === spec.name) {
        var section = document.getElementById(spec.name);
        if (section) section.scrollIntoView();
      }
    });
  }

  /* ---------- an entry's formulas and worked examples ----------------------------------- */

  function formulaForm(holder, data, fromUrl) {
    var start = data.inputs || {};
    if (fromUrl) {
      start = {};
      data.vars.forEach(function (v) { if (fromUrl.has(v.name)) start[v.name] = fromUrl.get(v.name); });
    }
    var startValues = null;
    var table = holder.previousElementSibling;
    return engine.buildForm(holder, {
      table: table && table.matches("table.gl-vars") ? table : null,
      title: "Try " + data.result.name,
      showSteps: false,
      compact: true, // the variables table just above says what each one means
      fields: data.vars.map(function (v) {
        return {
          name: v.name, label: v.name, unit: v.unit, help: v.meaning, kind: "number", choices: [],
          required: true, text: fieldText(start[v.name])
        };
      }),
      compute: function (texts) {
        var values = {};
        data.vars.forEach(function (v) {
          var value = parseField("number", texts[v.name]);
          if (value === null) throw new engine.CalcError("'" + v.name + "' is needed: " + v.meaning, "missing", v.name);
          if (typeof value !== "number") {
            throw new engine.CalcError("'" + v.name + "' must be a number, got " + JSON.stringify(value), "type", v.name);
          }
          values[v.name] = value;
        });
        var out = engine.evaluateFormula(data.formula, values);
        if (startValues === null) startValues = values;
        var unchanged = data.vars.every(function (v) { return values[v.name] === startValues[v.name]; });
        var view = { name: data.result.name, label: data.result.name, value: out.value, unit: data.result.unit };
        if (unchanged && data.expect && Object.prototype.hasOwnProperty.call(data.expect, data.result.name)) {
          view.published = data.expect[data.result.name];
        }
        return {
          outputs: [view],
          steps: [{ label: data.result.name, formula: data.result.name + " = " + data.formula.text, substituted: out.substituted, value: out.value, unit: data.result.unit }]
        };
      },
      onChange: data.id ? function (texts) {
        setQuery([["formula", data.id]].concat(data.vars.map(function (v) { return [v.name, texts[v.name].trim()]; })));
      } : null
    });
  }

  function setupTries(holders, calculators) {
    var params = query();
    var asked = params.get("formula");
    holders.forEach(function (holder) {
      var data;
      try {
        data = JSON.parse(holder.getAttribute("data-try"));
      } catch (error) {
        return;
      }
      if (data.calc) {
        if (calculators && calculators.calculators[data.calc]) {
          calculatorForm(holder, calculators.calculators[data.calc], data.inputs || {}, data.expect, false, false);
        }
        return;
      }
      var mine = asked && asked === data.id;
      formulaForm(holder, data, mine ? params : null);
      if (mine) {
        var fold = holder.closest("details");
        if (fold) fold.open = true;
        holder.scrollIntoView();
      }
    });
  }

  function start() {
    // A calculator file that did not load leaves the page as it is without scripts.
    if (!engine.buildForm || !engine.run) return;
    var calcHolders = Array.prototype.slice.call(document.querySelectorAll(".gl-calc[data-calc]"));
    var tryHolders = Array.prototype.slice.call(document.querySelectorAll(".gl-try[data-try]"));
    var needsData = calcHolders.length || tryHolders.some(function (h) { return h.getAttribute("data-try").indexOf('"calc"') >= 0; });
    var data = needsData ? loadCalculators() : Promise.resolve(null);
    data.then(function (calculators) {
      if (calcHolders.length && calculators) setupCalculatorPage(calcHolders, calculators);
      setupTries(tryHolders, calculators);
      document.documentElement.setAttribute("data-gl-calc", "ready");
    }, function () {
      setupTries(tryHolders, null);
      document.documentElement.setAttribute("data-gl-calc", "ready");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
