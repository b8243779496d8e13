/*
 * The calculators and formulas of the glossary, run in the reader's browser.
 *
 * The build hands this file the very trees and programs Python runs (generator/calc/
 * browser.py writes them as JSON): nothing here parses a formula or knows a calculator.
 * It mirrors generator/calc/{evaluate,lists,program,calculators}.py rule for rule and
 * message for message, and tests/browser/test_calc_differential.py runs every worked
 * example and thousands of random inputs through both, requiring the same numbers (to
 * 1e-9 relative), the same step texts and the same error codes.
 *
 * window.GlossaryCalc = { run, evaluateFormula, parseField, fieldText, fmt, showValue,
 *                         unitFor, CalcError }
 */
(function () {
  "use strict";

  var MAX_EXPONENT = 10000;
  var MAX_LIST = 100000;
  var LIST_SHOWN = 12;

  function CalcError(message, code) {
    this.message = message;
    this.code = code || "input";
  }
  CalcError.prototype = Object.create(Error.prototype);
  CalcError.prototype.name = "CalcError";

  // FormulaError: message, column and code, as generator/calc/expression.py.
  function FormulaError(message, column, code) {
    this.message = message;
    this.column = column;
    this.code = code || "formula";
  }

  /* ---------- numbers as derivations show them (generator/calc/numbers.py) ---------- */

  function stripZeros(text) {
    return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, "");
  }

  // Python's format(value, ".10g"): ten significant digits, rounded half to even on an
  // exact tie as Python rounds (toExponential would round such a tie up).
  function g10(value) {
    var exact = value.toExponential(100); // the double's decimal digits, far enough to see a tie
    var at = exact.indexOf("e");
    var power = parseInt(exact.slice(at + 1), 10);
    var digits = exact.slice(0, at).replace("-", "").replace(".", "");
    var keep = digits.slice(0, 10);
    var rest = digits.slice(10);
    var first = rest.charAt(0);
    var up = first > "5" || (first === "5" && (/[1-9]/.test(rest.slice(1)) || Number(keep.charAt(9)) % 2 === 1));
    if (up) {
      keep = String(BigInt(keep) + 1n);
      if (keep.length > 10) {
        keep = keep.slice(0, 10);
        power += 1;
      }
    }
    var sign = value < 0 ? "-" : "";
    if (power < -4 || power >= 10) {
      var size = Math.abs(power) < 10 ? "0" + Math.abs(power) : String(Math.abs(power));
      return sign + stripZeros(keep.charAt(0) + "." + keep.slice(1)) + "e" + (power < 0 ? "-" : "+") + size;
    }
    var whole = power >= 0 ? keep.slice(0, power + 1) : "0";
    var fraction = power >= 0 ? keep.slice(power + 1) : "0".repeat(-power - 1) + keep;
    return sign + stripZeros(fraction ? whole + "." + fraction : whole);
  }

  function fmt(value) {
    if (value === true) return "true";
    if (value === false) return "false";
    if (Number.isNaN(value)) return "nan";
    if (value === Infinity) return "inf";
    if (value === -Infinity) return "-inf";
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value === 0 ? 0 : value);
    return g10(value);
  }

  function showValue(value, parenthesise) {
    if (value === null || value === undefined) return "none";
    if (Array.isArray(value)) {
      var shown = value.slice(0, LIST_SHOWN).map(function (item) { return showValue(item); });
      var more = value.length > LIST_SHOWN ? ", ... " + value.length + " values" : "";
      return "[" + shown.join(", ") + more + "]";
    }
    if (typeof value === "number" || typeof value === "boolean") {
      var text = fmt(value);
      return parenthesise && text.charAt(0) === "-" ? "(" + text + ")" : text;
    }
    return String(value);
  }

  // A refused input as error messages quote it (calculators.shown_input).
  function shownInput(value) {
    if (typeof value === "string") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(shownInput).join(", ") + "]";
    if (value === null || value === undefined) return "none";
    if (typeof value === "number" || typeof value === "boolean") return fmt(value);
    return "an object";
  }

  /* ---------- the standard normal distribution (calc/statistics.py) ------------------ */

  // erfc by its Taylor series near zero and its continued fraction (Lentz) beyond,
  // both to about 1e-15: far inside the 1e-9 the pages promise.
  function erfc(x) {
    if (x < 0) return 2 - erfc(-x);
    if (x < 2) {
      var sum = 0, term = x, n = 0;
      while (Math.abs(term) > 1e-17 * Math.abs(sum) || n < 3) {
        sum += term / (2 * n + 1);
        n += 1;
        term = -term * x * x / n;
        if (n > 200) break;
      }
      return 1 - (2 / Math.sqrt(Math.PI)) * sum;
    }
    if (x > 27.3) return 0;
    var tiny = 1e-300, f = x, c = x, d = 0, k;
    for (k = 1; k < 500; k++) {
      var a = k / 2;
      d = x + a * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = x + a / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      var delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
  }

  function normCdf(x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  function normPdf(x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }

  function poly(coefficients, r) {
    var value = 0;
    for (var i = 0; i < coefficients.length; i++) value = value * r + coefficients[i];
    return value;
  }

  // Wichura's AS241 (Applied Statistics 37, 1988), as Python's statistics.NormalDist.
  var AS241 = {
    a: [2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
      13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608],
    b: [5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
      5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0],
    c: [7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
      3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734],
    d: [1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
      0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0],
    e: [2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
      0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772],
    f: [2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
      0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0]
  };

  function normPpf(p) {
    var q = p - 0.5, r, x;
    if (Math.abs(q) <= 0.425) {
      r = 0.180625 - q * q;
      return (poly(AS241.a, r) * q) / poly(AS241.b, r);
    }
    r = q <= 0 ? p : 1 - p;
    r = Math.sqrt(-Math.log(r));
    if (r <= 5) {
      r -= 1.6;
      x = poly(AS241.c, r) / poly(AS241.d, r);
    } else {
      r -= 5;
      x = poly(AS241.e, r) / poly(AS241.f, r);
    }
    return q < 0 ? -x : x;
  }

  /* ---------- evaluating a tree (calc/evaluate.py) ----------------------------------- */

  function finite(value, column) {
    if (!Number.isFinite(value)) throw new FormulaError("result is too large (overflow)", column, "overflow");
    return value;
  }

  function number(value, column) {
    if (Array.isArray(value)) {
      throw new FormulaError("a list is not allowed here; a single number is needed", column, "type");
    }
    return Number(value);
  }

  function power(base, exponent, column) {
    if (Math.abs(exponent) > MAX_EXPONENT) {
      throw new FormulaError("exponent " + fmt(exponent) + " is too large (limit " + fmt(MAX_EXPONENT) + ")", column, "exponent");
    }
    if (base === 0 && exponent < 0) {
      throw new FormulaError("division by zero (0 to a negative power)", column, "div_zero");
    }
    if (base < 0 && exponent !== Math.trunc(exponent)) {
      throw new FormulaError("a negative number to a fractional power is not a real number", column, "domain");
    }
    return finite(Math.pow(base, exponent), column);
  }

  function arith(op, left, right, column) {
    if (op === "+") return finite(left + right, column);
    if (op === "-") return finite(left - right, column);
    if (op === "*") return finite(left * right, column);
    if (op === "/") {
      if (right === 0) throw new FormulaError("division by zero", column, "div_zero");
      return finite(left / right, column);
    }
    return power(left, right, column);
  }

  function broadcast(values, column) {
    var lengths = [];
    values.forEach(function (v) {
      if (Array.isArray(v) && v.length !== 1 && lengths.indexOf(v.length) < 0) lengths.push(v.length);
    });
    if (lengths.length > 1) {
      lengths.sort(function (a, b) { return a - b; });
      throw new FormulaError("lists of different lengths (" + lengths.join(" and ") + ")", column, "length");
    }
    var size = lengths.length ? lengths[0] : 1;
    return values.map(function (v) {
      var row = [];
      for (var i = 0; i < size; i++) row.push(Number(Array.isArray(v) ? (v.length === 1 ? v[0] : v[i]) : v));
      return row;
    });
  }

  function zipRows(columns) {
    var rows = [];
    for (var i = 0; i < columns[0].length; i++) rows.push(columns.map(function (c) { return c[i]; }));
    return rows;
  }

  function scalarCall(name, args, column) {
    var x = args[0];
    switch (name) {
      case "min": return Math.min.apply(null, args);
      case "max": return Math.max.apply(null, args);
      case "abs": return Math.abs(x);
      case "sqrt":
        if (x < 0) throw new FormulaError("sqrt of a negative number (" + fmt(x) + ")", column, "domain");
        return Math.sqrt(x);
      case "log":
        if (x <= 0) throw new FormulaError("log needs a positive number, got " + fmt(x), column, "domain");
        return Math.log(x);
      case "exp":
        if (x > 709) throw new FormulaError("exp(" + fmt(x) + ") is too large (overflow)", column, "overflow");
        return Math.exp(x);
      case "floor": return Math.floor(x);
      case "cdf": return normCdf(x);
      case "pdf": return normPdf(x);
      case "ppf":
        if (!(x > 0 && x < 1)) {
          throw new FormulaError("ppf needs a probability strictly between 0 and 1, got " + fmt(x), column, "domain");
        }
        return normPpf(x);
    }
    throw new FormulaError("unknown function '" + name + "'", column);
  }

  /* list functions (calc/lists.py) */

  function asList(value, name, column) {
    if (Array.isArray(value)) return value.map(Number);
    if (typeof value === "boolean") throw new FormulaError(name + "() needs numbers", column, "type");
    return [Number(value)];
  }

  function count(value, name, column) {
    if (Array.isArray(value) || typeof value === "boolean" || value !== Math.floor(value)) {
      throw new FormulaError(name + "() needs a whole number as its count", column, "type");
    }
    return value;
  }

  function ranked(args, name, column) {
    var items = asList(args[0], name, column).sort(function (a, b) { return b - a; });
    var k = count(args[1], name, column);
    if (!(k >= 1 && k <= items.length)) {
      throw new FormulaError(name + "() needs a count from 1 to " + items.length + ", got " + k, column, "domain");
    }
    return [items, k];
  }

  function cascade(args, column) {
    [0, 1, 4, 5].forEach(function (i) {
      if (Array.isArray(args[i])) {
        throw new FormulaError("cascade needs single numbers for price, impact, side and rounds", column, "type");
      }
    });
    var price = Number(args[0]), impact = Number(args[1]), side = Number(args[4]);
    var levels = asList(args[2], "cascade", column), sizes = asList(args[3], "cascade", column);
    if (levels.length !== sizes.length) {
      throw new FormulaError("lists of different lengths (" + levels.length + " and " + sizes.length + ")", column, "length");
    }
    var rounds = count(args[5], "cascade", column);
    var prices = [price], volumes = [0], alive = [], i;
    for (i = 0; i < levels.length; i++) alive.push(i);
    for (var round = 0; round < rounds; round++) {
      var hit = alive.filter(function (j) { return side > 0 ? levels[j] >= price : levels[j] <= price; });
      if (!hit.length) break;
      var volume = 0;
      hit.forEach(function (j) { volume += sizes[j]; });
      alive = alive.filter(function (j) { return hit.indexOf(j) < 0; });
      var moved = price - side * impact * volume;
      if (!(Number.isFinite(volume) && Number.isFinite(moved))) {
        throw new FormulaError("result is too large (overflow)", column, "overflow");
      }
      price = Math.max(0, moved);
      prices.push(price);
      volumes.push(volume);
    }
    return [prices, volumes];
  }

  var LIST_CALLS = {
    sum: function (args, column) {
      var total = 0;
      asList(args[0], "sum", column).forEach(function (x) { total += x; });
      return finite(total, column);
    },
    len: function (args, column) { return asList(args[0], "len", column).length; },
    last: function (args, column) {
      var items = asList(args[0], "last", column);
      return items[items.length - 1];
    },
    largest: function (args, column) {
      var r = ranked(args, "largest", column);
      return r[0][r[1] - 1];
    },
    mean_largest: function (args, column) {
      var r = ranked(args, "mean_largest", column), total = 0;
      for (var i = 0; i < r[1]; i++) total += r[0][i];
      return total / r[1];
    },
    path: function (args, column) {
      if (Array.isArray(args[0])) throw new FormulaError("path() needs a single starting number", column, "type");
      var value = Number(args[0]), out = [value];
      asList(args[1], "path", column).forEach(function (factor) {
        value = value * factor;
        if (!Number.isFinite(value)) throw new FormulaError("result is too large (overflow)", column, "overflow");
        out.push(value);
      });
      return out;
    },
    cascade_prices: function (args, column) { return cascade(args, column)[0]; },
    cascade_volumes: function (args, column) { return cascade(args, column)[1]; }
  };

  function call(name, args, column) {
    if (Object.prototype.hasOwnProperty.call(LIST_CALLS, name)) return LIST_CALLS[name](args, column);
    if (!args.some(Array.isArray)) return finite(scalarCall(name, args.map(Number), column), column);
    if ((name === "min" || name === "max") && args.length === 1) {
      if (!args[0].length) throw new FormulaError(name + "() of an empty list", column, "domain");
      return Math[name].apply(null, args[0]);
    }
    return zipRows(broadcast(args, column)).map(function (row) {
      return finite(scalarCall(name, row, column), column);
    });
  }

  function nameNumber(name, value, column) {
    if (typeof value !== "number") {
      throw new FormulaError("'" + name + "' must be a number, got " + shownInput(value), column, "type");
    }
    if (!Number.isFinite(value)) throw new FormulaError("'" + name + "' must be a finite number", column, "type");
    return value;
  }

  var COMPARE = {
    "<": function (a, b) { return a < b; },
    "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; },
    ">=": function (a, b) { return a >= b; },
    "==": function (a, b) { return a === b; },
    "!=": function (a, b) { return a !== b; }
  };

  function evalNode(node, values) {
    var op = node[0];
    switch (op) {
      case "n": return node[1];
      case "v": {
        if (!Object.prototype.hasOwnProperty.call(values, node[1])) {
          throw new FormulaError("no value given for '" + node[1] + "'", node[2], "missing");
        }
        var value = values[node[1]];
        if (typeof value === "boolean") return value;
        if (Array.isArray(value)) return value.map(function (item) { return nameNumber(node[1], item, node[2]); });
        return nameNumber(node[1], value, node[2]);
      }
      case "neg": case "pos": {
        var operand = evalNode(node[1], values);
        if (Array.isArray(operand)) return op === "neg" ? operand.map(function (x) { return -x; }) : operand.slice();
        return op === "neg" ? -Number(operand) : Number(operand);
      }
      case "not": return !evalNode(node[1], values);
      case "+": case "-": case "*": case "/": case "**": {
        var left = evalNode(node[1], values), right = evalNode(node[2], values);
        if (Array.isArray(left) || Array.isArray(right)) {
          return zipRows(broadcast([left, right], node[3])).map(function (row) {
            return arith(op, row[0], row[1], node[3]);
          });
        }
        return arith(op, Number(left), Number(right), node[3]);
      }
      case "cmp": {
        var operands = node[2];
        var a = number(evalNode(operands[0], values), node[3]);
        for (var i = 0; i < node[1].length; i++) {
          var b = number(evalNode(operands[i + 1], values), node[3]);
          if (!COMPARE[node[1][i]](a, b)) return false;
          a = b;
        }
        return true;
      }
      case "and":
        return node[1].every(function (v) { return Boolean(evalNode(v, values)); });
      case "or":
        return node[1].some(function (v) { return Boolean(evalNode(v, values)); });
      case "if":
        return evalNode(evalNode(node[1], values) ? node[2] : node[3], values);
      case "call":
        return call(node[1], node[2].map(function (arg) { return evalNode(arg, values); }), node[3]);
    }
    throw new FormulaError(op + " is not allowed in a formula");
  }

  function treeNames(node, into) {
    if (node[0] === "v") into.push(node[1]);
    else if (node[0] === "call") node[2].forEach(function (n) { treeNames(n, into); });
    else if (node[0] === "cmp" || node[0] === "and" || node[0] === "or") {
      (node[0] === "cmp" ? node[2] : node[1]).forEach(function (n) { treeNames(n, into); });
    } else if (node[0] !== "n") {
      node.slice(1).forEach(function (n) { if (Array.isArray(n)) treeNames(n, into); });
    }
    return into;
  }

  // evaluate(): every name must have a value before anything is computed.
  function evaluate(expr, values) {
    var missing = treeNames(expr.tree, []).filter(function (name, i, all) {
      return all.indexOf(name) === i && !Object.prototype.hasOwnProperty.call(values, name);
    }).sort();
    if (missing.length) {
      throw new FormulaError("no value given for " + missing.map(function (n) { return "'" + n + "'"; }).join(", "), null, "missing");
    }
    return evalNode(expr.tree, values);
  }

  function substitute(expr, values) {
    var text = expr.text;
    for (var i = expr.spans.length - 1; i >= 0; i--) {
      var span = expr.spans[i];
      text = text.slice(0, span[0]) + showValue(values[span[2]], true) + text.slice(span[1]);
    }
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  /* ---------- calculators (calc/program.py, calc/calculators.py) --------------------- */

  function unitFor(unit, inputs) {
    var match = /^(.*) \(linear\) or (.*) \(inverse\)$/.exec(unit || "");
    if (!match) return unit || "";
    return inputs.contract === "inverse" ? match[2] : match[1];
  }

  function refuse(calc, param, value, code) {
    return new CalcError(calc + ": '" + param.name + "' must be " + param.allowed + ", got " + shownInput(value), code || "type");
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
      throw new CalcError(calc + ": '" + param.name + "' must be a finite number, got " + shownInput(value), "type");
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
      throw new CalcError(calc + ": '" + param.name + "' must be " + param.allowed + " (non-empty), got " + shownInput(value), "type");
    }
    if (value.length > MAX_LIST) {
      throw new CalcError(calc + ": '" + param.name + "' has " + value.length + " values; the limit is " + MAX_LIST, "too_long");
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
        throw new CalcError(name + ": missing input '" + param.name + "' (" + param.description + "; " + param.allowed + ")", "missing");
      } else values[param.name] = param.default;
    });
    if (spec.oneOf.length) {
      var given = spec.oneOf.filter(function (n) { return values[n] !== null && values[n] !== undefined; }).length;
      if (given !== 1) {
        throw new CalcError(name + ": give exactly one of " + spec.oneOf.map(function (n) { return "'" + n + "'"; }).join(" or "), "one_of");
      }
    }
    return values;
  }

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

  /* ---------- typed text <-> input values (the form fields and the address) ---------- */

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

  window.GlossaryCalc = {
    run: run,
    evaluateFormula: evaluateFormula,
    parseField: parseField,
    fieldText: fieldText,
    fmt: fmt,
    showValue: showValue,
    unitFor: unitFor,
    CalcError: CalcError
  };
})();
