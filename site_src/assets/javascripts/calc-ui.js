/*
 * Calculator forms: every calculator on /calculators/ (.gl-calc[data-calc]) and a "Try it"
 * under each formula and worked example of an entry (.gl-try[data-try]).
 *
 * The forms are built here from the calculators' own definitions (calculators.json, written
 * by the build from generator/calc) and the entry's formula trees (data-try); calc-engine.js
 * computes. Results and the step-by-step derivation follow every keystroke; a value that
 * does not read as one (half typed, or wrong) is never computed from: its field says what is
 * wrong, with the words `glossary calc` uses, once typing pauses. The address holds the
 * calculation (?calc=NAME&key=value, lists comma-separated; on entries ?formula=ID&...), so
 * a copied link opens it filled in and computed. Text only ever goes in as textContent.
 */
(function () {
  "use strict";

  var engine = window.GlossaryCalc;
  var ERROR_DELAY_MS = 600;
  var script = document.currentScript;
  var BASE = new URL("../../", script ? script.src : window.location.href);
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function shown(value, unit) {
    var text = engine.showValue(value);
    return unit && value !== null && value !== undefined ? text + " " + unit : text;
  }

  // A result as people read it: grouped, money-like values to cents, small ones to six
  // significant digits (57,228.92; 0.00123457). The exact value stays beside it.
  function readable(value) {
    if (Array.isArray(value)) return "[" + value.slice(0, 12).map(readable).join(", ") + (value.length > 12 ? ", ..." : "") + "]";
    if (typeof value !== "number" || !Number.isFinite(value)) return engine.showValue(value);
    var options = Math.abs(value) >= 100 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 6 };
    return value.toLocaleString("en-US", options);
  }

  function sameValue(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (x, i) { return sameValue(x, b[i]); });
    }
    return a === b || (a === null && b === undefined) || (a === undefined && b === null);
  }

  /* ---------- a form: fields, results, steps, link -------------------------------------- */

  // The row of a formula's variables table that names `name` (its last cell, <code>name</code>).
  function rowOf(table, name) {
    if (!table) return null;
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    for (var i = 0; i < rows.length; i++) {
      var last = rows[i].cells[rows[i].cells.length - 1];
      if (last && last.textContent.trim() === name && !rows[i].classList.contains("gl-vars__result")) return rows[i];
    }
    return null;
  }

  // fields: [{name, label, unit, help, kind, choices, text}]; compute(values) -> view or throws
  // engine.CalcError; view: {outputs: [{name, value, unit, published}], steps: [...]}.
  function buildForm(holder, options) {
    var id = "gl-calc-" + (++counter);
    // A group, not a <form>: nothing is ever submitted anywhere.
    var form = el("div", options.compact ? "gl-calc__form gl-calc__form--compact" : "gl-calc__form");
    form.setAttribute("role", "group");
    form.setAttribute("aria-label", options.title || "Calculator");
    var fields = el("div", "gl-calc__fields");
    var controls = {};
    options.fields.forEach(function (field) {
      var box = el("div", "gl-calc__field");
      var inputId = id + "-" + field.name;
      var label = el("label", "gl-calc__label");
      label.setAttribute("for", inputId);
      label.appendChild(el("span", "gl-calc__name", field.label));
      if (field.unit) label.appendChild(el("span", "gl-calc__unit", field.unit));
      var control;
      if (field.kind === "choice") {
        control = el("select", "gl-calc__input");
        field.choices.forEach(function (choice) {
          var option = el("option", "", choice);
          option.value = choice;
          control.appendChild(option);
        });
        control.value = field.text || field.choices[0];
      } else {
        control = el("input", "gl-calc__input");
        control.type = "text";
        control.inputMode = field.kind === "integer" ? "numeric" : "decimal";
        control.autocomplete = "off";
        control.spellcheck = false;
        control.value = field.text;
        if (field.kind === "list" || field.kind === "number_or_list") control.placeholder = "comma-separated, e.g. 0.1, -0.05";
        else if (!field.required) control.placeholder = "optional";
      }
      control.id = inputId;
      control.name = field.name;
      var help = el("span", options.compact ? "gl-calc__help gl-visually-hidden" : "gl-calc__help", field.help);
      help.id = inputId + "-help";
      var error = el("span", "gl-calc__error");
      error.id = inputId + "-error";
      error.setAttribute("aria-live", "polite");
      control.setAttribute("aria-describedby", help.id + " " + error.id);
      controls[field.name] = { control: control, error: error, field: field };
      var row = rowOf(options.table, field.name);
      if (row) {
        // In the formula's own variables table: a cell beside the variable's meaning.
        label.classList.add("gl-visually-hidden");
        var cell = el("td", "gl-vars__try");
        [label, control, help, error].forEach(function (node) { cell.appendChild(node); });
        row.appendChild(cell);
        return;
      }
      box.appendChild(label);
      box.appendChild(control);
      box.appendChild(help);
      box.appendChild(error);
      fields.appendChild(box);
    });
    if (fields.childNodes.length) form.appendChild(fields);
    var resultRow = options.table ? options.table.querySelector("tr.gl-vars__result") : null;
    if (resultRow) {
      options.table.classList.add("gl-vars--try");
      var head = options.table.querySelector("thead tr");
      if (head) head.appendChild(el("th", "", "Your value"));
    }

    var result = el("div", "gl-calc__result");
    result.setAttribute("aria-live", "polite");
    var outputs = el(resultRow ? "div" : "dl", resultRow ? "gl-vars__result-value" : "gl-calc__outputs");
    var message = el("p", "gl-calc__message");
    if (resultRow) {
      var resultCell = el("td", "gl-vars__try");
      resultCell.setAttribute("aria-live", "polite");
      resultCell.appendChild(outputs);
      resultRow.appendChild(resultCell);
    } else result.appendChild(outputs);
    result.appendChild(message);
    form.appendChild(result);

    var details = el("details", "gl-calc__derivation");
    details.open = options.stepsOpen !== false;
    details.appendChild(el("summary", "", "Step by step"));
    var steps = el("ol", "gl-steps gl-calc__steps");
    details.appendChild(steps);
    if (options.showSteps !== false) form.appendChild(details);

    var bar = el("div", "gl-calc__bar");
    var copy = el("button", "md-button gl-calc__copy", "Copy link");
    copy.type = "button";
    var copied = el("span", "gl-calc__copied");
    copied.setAttribute("aria-live", "polite");
    bar.appendChild(copy);
    bar.appendChild(copied);
    (options.compact ? result : form).appendChild(bar);
    holder.textContent = "";
    holder.appendChild(form);

    var errorTimer = null;

    function texts() {
      var out = {};
      Object.keys(controls).forEach(function (name) { out[name] = controls[name].control.value; });
      return out;
    }

    function clearErrors() {
      Object.keys(controls).forEach(function (name) {
        controls[name].error.textContent = "";
        controls[name].control.removeAttribute("aria-invalid");
      });
    }

    function showError(error, immediately) {
      clearTimeout(errorTimer);
      var show = function () {
        var target = error.param && controls[error.param];
        if (target) {
          target.error.textContent = error.message;
          target.control.setAttribute("aria-invalid", "true");
          message.textContent = "";
        } else {
          message.textContent = error.message;
        }
      };
      result.classList.add("gl-calc__result--stale");
      message.classList.remove("gl-calc__message--prompt");
      if (immediately) show();
      else errorTimer = setTimeout(show, ERROR_DELAY_MS);
    }

    function render(view) {
      clearTimeout(errorTimer);
      clearErrors();
      message.textContent = "";
      message.classList.remove("gl-calc__message--prompt");
      result.classList.remove("gl-calc__result--stale");
      outputs.textContent = "";
      view.outputs.forEach(function (out) {
        var term = el("dt", "", out.label || out.name);
        var value = el(resultRow ? "span" : "dd", "");
        var nice = readable(out.value);
        value.appendChild(el("strong", "gl-calc__value", nice + (out.unit && out.value !== null ? " " + out.unit : "")));
        var exact = engine.showValue(out.value);
        if (exact !== nice.replace(/,/g, "")) value.appendChild(el("span", "gl-calc__exact", "= " + exact));
        if (out.published !== undefined) {
          value.appendChild(el("span", "gl-calc__published", "published: " + readable(out.published)));
        }
        if (!resultRow) outputs.appendChild(term);
        outputs.appendChild(value);
      });
      steps.textContent = "";
      view.steps.forEach(function (step) {
        var item = el("li", "");
        item.appendChild(el("span", "gl-step__label", step.label));
        item.appendChild(el("code", "gl-calc__formula", step.formula));
        item.appendChild(el("span", "gl-step__sub", "= " + step.substituted));
        item.appendChild(el("span", "gl-step__value", "= " + shown(step.value, step.unit)));
        steps.appendChild(item);
      });
    }

    // `edited`: the reader changed a field (the first computation on load is not an edit,
    // and must not take the address from another form's calculation).
    function update(immediately, edited) {
      var view;
      try {
        view = options.compute(texts());
      } catch (error) {
        if (!(error instanceof engine.CalcError)) throw error;
        if (!edited && error.code === "missing") {
          // A form with nothing filled in yet asks for values; it has done nothing wrong.
          message.textContent = "Type a value into each field to compute the result.";
          message.classList.add("gl-calc__message--prompt");
          return;
        }
        showError(error, immediately);
        return;
      }
      render(view);
      if (edited && options.onChange) options.onChange(texts());
    }

    form.addEventListener("input", function () { update(false, true); });
    form.addEventListener("change", function () { update(true, true); });
    copy.addEventListener("click", function () {
      var link = window.location.href;
      var done = function () { copied.textContent = "Link copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(done, function () { copied.textContent = link; });
      } else copied.textContent = link;
    });
    update(true, false);
    return { form: form, update: update };
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

  /* ---------- calculators ----------------------------------------------------------------- */

  function parseAll(spec, texts) {
    var inputs = {};
    spec.params.forEach(function (param) {
      var value = engine.parseField(param.kind, texts[param.name]);
      if (value !== null) inputs[param.name] = value;
    });
    return inputs;
  }

  // Which input an error is about: the first '<name>' it quotes that is an input.
  function withParam(error, spec) {
    var match = /'([a-z_0-9]+)'/.exec(error.message);
    if (match && spec.params.some(function (p) { return p.name === match[1]; })) error.param = match[1];
    return error;
  }

  function calculatorForm(holder, spec, inputs, expect, urlKey, stepsOpen) {
    var start = {};
    spec.params.forEach(function (param) {
      var value = inputs[param.name];
      if (value === undefined) value = param.required ? null : param.default;
      start[param.name] = engine.fieldText(value);
    });
    var startInputs = null;
    return buildForm(holder, {
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
        var given = parseAll(spec, texts), result;
        try {
          result = engine.run(spec, given);
        } catch (error) {
          throw withParam(error, spec);
        }
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
          if (params.has(param.name)) inputs[param.name] = engine.parseField(param.kind, params.get(param.name));
        });
      }
      calculatorForm(holder, spec, inputs, null, true, true);
      if (asked === spec.name) {
        var section = document.getElementById(spec.name);
        if (section) section.scrollIntoView();
      }
    });
  }

  /* ---------- an entry's formulas and worked examples --------------------------------- */

  function formulaForm(holder, data, fromUrl) {
    var start = data.inputs || {};
    if (fromUrl) {
      start = {};
      data.vars.forEach(function (v) { if (fromUrl.has(v.name)) start[v.name] = fromUrl.get(v.name); });
    }
    var startValues = null;
    var table = holder.previousElementSibling;
    return buildForm(holder, {
      table: table && table.matches("table.gl-vars") ? table : null,
      title: "Try " + data.result.name,
      showSteps: false,
      compact: true, // the variables table just above says what each one means
      fields: data.vars.map(function (v) {
        return {
          name: v.name, label: v.name, unit: v.unit, help: v.meaning, kind: "number", choices: [],
          required: true, text: engine.fieldText(start[v.name])
        };
      }),
      compute: function (texts) {
        var values = {};
        data.vars.forEach(function (v) {
          var value = engine.parseField("number", texts[v.name]);
          if (value === null) {
            var missing = new engine.CalcError("'" + v.name + "' is needed: " + v.meaning, "missing");
            missing.param = v.name;
            throw missing;
          }
          if (typeof value !== "number") {
            var wrong = new engine.CalcError("'" + v.name + "' must be a number, got " + JSON.stringify(value), "type");
            wrong.param = v.name;
            throw wrong;
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
