/*
 * Evaluating a formula's tree in the reader's browser, as generator/calc/evaluate.py and
 * generator/calc/lists.py do in Python: the tree comes from the build (calc/browser.py),
 * never from parsing text here. Arithmetic and the one-argument functions apply
 * elementwise to lists; every result is finite and every refusal carries the message and
 * code Python gives (tests/browser/test_calc_differential.py holds the two together).
 *
 * Reads from window.GlossaryCalc (calc-numbers.js): fmt, showValue, shownInput, normCdf,
 * normPdf, normPpf. Adds: FormulaError, evalNode, evaluate, substitute.
 */
(function (GlossaryCalc) {
  "use strict";

  var fmt = GlossaryCalc.fmt, showValue = GlossaryCalc.showValue, shownInput = GlossaryCalc.shownInput;
  var normCdf = GlossaryCalc.normCdf, normPdf = GlossaryCalc.normPdf, normPpf = GlossaryCalc.normPpf;
  var MAX_EXPONENT = 10000;

  // FormulaError: message, column and code, as generator/calc/expression.py.
  function FormulaError(message, column, code) {
    this.message = message;
    this.column = column;
    this.code = code || "formula";
  }

  /* ---------- arithmetic and functions (calc/evaluate.py) ---------------------------- */

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

  /* ---------- list functions (calc/lists.py) ----------------------------------------- */

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
      // Checked before Math.max, which treats NaN (inf * 0) unlike Python's max.
      finite(volume, column);
      finite(moved, column);
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
        value = finite(value * factor, column);
        out.push(value);
      });
      return out;
    },
    cascade_prices: function (args, column) { return cascade(args, column)[0]; },
    cascade_volumes: function (args, column) { return cascade(args, column)[1]; }
  };

  /* ---------- the tree walk (calc/evaluate.py) --------------------------------------- */

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

  GlossaryCalc.FormulaError = FormulaError;
  GlossaryCalc.evalNode = evalNode;
  GlossaryCalc.evaluate = evaluate;
  GlossaryCalc.substitute = substitute;
})((window.GlossaryCalc = window.GlossaryCalc || {}));
