/*
 * One calculator form, as calc-ui.js asks for it on /calculators/ and under an entry's
 * formulas and worked examples: a field per input (in the formula's own variables table
 * when there is one), the results, the step-by-step derivation and a "Copy link" button.
 * Results follow every keystroke; a value that does not read as one (half typed, or wrong)
 * is never computed from: the field an error is about (error.param, set by the engine)
 * says what is wrong once typing pauses, and any other error shows under the results.
 * Text only ever goes in as textContent.
 *
 * Reads from window.GlossaryCalc (calc-numbers.js, calc-engine.js): showValue, CalcError.
 * Adds: buildForm.
 */
(function (GlossaryCalc) {
  "use strict";

  var ERROR_DELAY_MS = 600;
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function shown(value, unit) {
    var text = GlossaryCalc.showValue(value);
    return unit && value !== null && value !== undefined ? text + " " + unit : text;
  }

  // A result as people read it: grouped, money-like values to cents, small ones to six
  // significant digits (57,228.92; 0.00123457). The exact value stays beside it.
  function readable(value) {
    if (Array.isArray(value)) return "[" + value.slice(0, 12).map(readable).join(", ") + (value.length > 12 ? ", ..." : "") + "]";
    if (typeof value !== "number" || !Number.isFinite(value)) return GlossaryCalc.showValue(value);
    var options = Math.abs(value) >= 100 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 6 };
    return value.toLocaleString("en-US", options);
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
  // GlossaryCalc.CalcError; view: {outputs: [{name, value, unit, published}], steps: [...]}.
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
        var exact = GlossaryCalc.showValue(out.value);
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
        if (!(error instanceof GlossaryCalc.CalcError)) throw error;
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

  GlossaryCalc.buildForm = buildForm;
})((window.GlossaryCalc = window.GlossaryCalc || {}));
