/*
 * The calculators and formulas of the glossary, run in the reader's browser.
 *
 * The build hands these files the very trees and programs Python runs (generator/calc/
 * browser.py writes them as JSON): nothing here parses a formula or knows a calculator.
 * They mirror generator/calc/{numbers,statistics,evaluate,lists,program,calculators}.py rule
 * for rule and message for message, and tests/browser/test_calc_differential.py runs every
 * worked example and thousands of random inputs through both, requiring the same numbers
 * (to 1e-9 relative), the same step texts and the same error codes.
 *
 * This file checks a calculator's inputs and runs its program (calc/calculators.py,
 * calc/program.py) on the tree walk of calc-evaluate.js, which in turn uses the number
 * formatting and normal distribution of calc-numbers.js; both load before it.
 *
 * window.GlossaryCalc, as the pages use it: { run, evaluateFormula, fmt, showValue, unitFor,
 * CalcError }. A CalcError has a message, a code and, when it is about one input, that
 * input's name as `param` (a form shows it beside that field).
 */
(function (GlossaryCalc) {
  "use strict";

  var showValue = GlossaryCalc.showValue, shownInput = GlossaryCalc.shownInput;
  var FormulaError = GlossaryCalc.FormulaError, evalNode = GlossaryCalc.evalNode;
  var evaluate = GlossaryCalc.evaluate, substitute = GlossaryCalc.substitute;
  var MAX_LIST = 100000;

  function CalcError(message, code, param) {
    this.message = message;
    this.code = code || "input";
    if (param) this.param = param;
  }
  CalcError.prototype = Object.create(Error.prototype);
  CalcError.prototype.name = "CalcError";

  /* ---------- checking the inputs (calc/calculators.py) ------------------------------ */

  function refuse(calc, param, value, code) {
    return new CalcError(calc + ": '" + param.name + "' must be " + param.allowed + ", got " + shownInput(value), code || "type", param.name);
  }

  function checkRange(calc, param, value) {
    var low = param.minimum, high = param.maximum;
    var bad = (low !== null && (param.exclusiveMinimum ? value <= low : value < low)) ||
      (high !== null && (param.exclusiveMaximum ? value >= high : value > high));
    if (bad) throw refuse(calc, param, value, "range");
  }

  function checkNumber(calc, param, value) {
    if (typeof value !== "number") throw refuse(calc, param, value);
    if (!Number.isFinite(value)) {
      throw new CalcError(calc + ": '" + param.name + "' must be a finite number, got " + shownInput(value), "type", param.name);
    }
    checkRange(calc, param, value);
    return value;
  }

  function normalise(calc, param, value) {
    if (param.kind === "choice") {
      if (typeof value !== "string" || param.choices.indexOf(value) < 0) throw refuse(calc, param, value, "choice");
      return value;
    }
    if (param.kind === "integer") {
      if (typeof value !== "number" || !Number.isInteger(value)) throw refuse(calc, param, value);
      checkRange(calc, param, value);
      return value;
    }
    if (param.kind === "number") return checkNumber(calc, param, value);
    if (param.kind === "number_or_list" && !Array.isArray(value)) return checkNumber(calc, param, value);
    if (!Array.isArray(value) || !value.length) {
      throw new CalcError(calc + ": '" + param.name + "' must be " + param.allowed + " (non-empty), got " + shownInput(value), "type", param.name);
    }
    if (value.length > MAX_LIST) {
      throw new CalcError(calc + ": '" + param.name + "' has " + value.length + " values; the limit is " + MAX_LIST, "too_long", param.name);
    }
    return value.map(function (item) { return checkNumber(calc, param, item); });
  }

  function checkInputs(spec, inputs) {
    var name = spec.name;
    var known = spec.params.map(function (p) { return p.name; });
    Object.keys(inputs).forEach(function (key) {
      if (known.indexOf(key) < 0) {
        throw new CalcError(name + ": unknown input '" + key + "' (accepted: " + known.join(", ") + ")", "unknown_input");
      }
    });
    var values = {};
    spec.params.forEach(function (param) {
      var given = inputs[param.name];
      if (given !== undefined && given !== null) values[param.name] = normalise(name, param, given);
      else if (param.required) {
        throw new CalcError(name + ": missing input '" + param.name + "' (" + param.description + "; " + param.allowed + ")", "missing", param.name);
      } else values[param.name] = param.default;
    });
    if (spec.oneOf.length) {
      var given = spec.oneOf.filter(function (n) { return values[n] !== null && values[n] !== undefined; }).length;
      if (given !== 1) {
        // About all of them; shown beside the first, where the reader meets the choice.
        throw new CalcError(name + ": give exactly one of " + spec.oneOf.map(function (n) { return "'" + n + "'"; }).join(" or "), "one_of", spec.oneOf[0]);
      }
    }
    return values;
  }

  /* ---------- running a program (calc/program.py, calc/calculators.py)----------------------------------- */

  function bindInputs(params, values) {
    var bound = {};
    params.forEach(function (param) {
      var value = values[param.name];
      if (param.kind === "choice") {
        param.choices.forEach(function (choice, index) {
          bound[param.name + "_" + choice] = value === choice;
          if (param.numbers.length && value === choice) bound[param.name] = param.numbers[index];
        });
        return;
      }
      if (param.default === null && !param.required) bound["has_" + param.name] = value !== null && value !== undefined;
      if (value !== null && value !== undefined) bound[param.name] = value;
    });
    return bound;
  }

  function fill(template, values) {
    return template.replace(/\{([a-z_][a-z0-9_]*)\}/g, function (_, name) { return showValue(values[name]); });
  }

  function test(tree, values, what) {
    try {
      return Boolean(evalNode(tree, values));
    } catch (error) {
      if (error instanceof FormulaError) throw new CalcError(what + ": " + error.message, error.code);
      throw error;
    }
  }

  function runProgram(program, values) {
    var steps = [];
    program.forEach(function (statement) {
      if (statement.fail) {
        if (test(statement.fail, values, statement.code)) throw new CalcError(fill(statement.message, values), statement.code);
        return;
      }
      if (statement.when && !test(statement.when, values, "when")) return;
      var value, shown = "";
      try {
        value = evaluate(statement.expr, values);
        if (statement.label) shown = substitute(statement.expr, values);
      } catch (error) {
        if (error instanceof FormulaError) throw new CalcError((statement.label || statement.let) + ": " + error.message, error.code);
        throw error;
      }
      values[statement.let] = value;
      if (statement.label) steps.push({ statement: statement, substituted: shown, value: value });
    });
    return steps;
  }

  // A unit written "X (linear) or Y (inverse)" is the one the `contract` input picks.
  function unitFor(unit, inputs) {
    var match = /^(.*) \(linear\) or (.*) \(inverse\)$/.exec(unit || "");
    if (!match) return unit || "";
    return inputs.contract === "inverse" ? match[2] : match[1];
  }

  // run(spec, inputs) -> {calculator, inputs, outputs, steps}; throws CalcError.
  function run(spec, inputs) {
    var values = checkInputs(spec, inputs);
    var bound = bindInputs(spec.params, values), outputs = {}, shown;
    try {
      shown = runProgram(spec.program, bound);
      spec.outputs.forEach(function (out) {
        var value = Object.prototype.hasOwnProperty.call(bound, out.name) ? bound[out.name] : null;
        if (value !== null && out.noneWhen && test(out.noneWhen, bound, out.name)) value = null;
        outputs[out.name] = value;
      });
    } catch (error) {
      if (error instanceof CalcError) throw new CalcError(spec.name + ": " + error.message, error.code);
      throw error;
    }
    return {
      calculator: spec.name,
      inputs: values,
      outputs: outputs,
      steps: shown.map(function (step) {
        var s = step.statement;
        return {
          label: s.label, formula: s.formula, latex: s.latex, substituted: step.substituted,
          value: step.value, unit: unitFor(s.unit, values)
        };
      })
    };
  }

  // One formula of an entry: {tree, text, spans} evaluated over `values`; throws CalcError.
  function evaluateFormula(expr, values) {
    try {
      return { value: evaluate(expr, values), substituted: substitute(expr, values) };
    } catch (error) {
      if (error instanceof FormulaError) {
        throw new CalcError(error.column ? error.message + " (column " + error.column + ")" : error.message, error.code);
      }
      throw error;
    }
  }

  GlossaryCalc.CalcError = CalcError;
  GlossaryCalc.unitFor = unitFor;
  GlossaryCalc.run = run;
  GlossaryCalc.evaluateFormula = evaluateFormula;
})((window.GlossaryCalc = window.GlossaryCalc || {}));
