/*
 * The numbers of the browser's calculators: how derivations show a value (Python's
 * format(value, ".10g") with its half-to-even ties, as generator/calc/numbers.py) and the
 * standard normal distribution (erfc, cdf, pdf and Wichura's AS241 inverse, as
 * generator/calc/statistics.py). The first of the calculator files, which glossary.js loads
 * in the order of its CALC_SCRIPTS.
 *
 * Adds to window.GlossaryCalc: fmt, showValue, shownInput, normCdf, normPdf, normPpf.
 */
(function (GlossaryCalc) {
  "use strict";

  var LIST_SHOWN = 12;

  /* ---------- numbers as derivations show them (calc/numbers.py) --------------------- */

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

  GlossaryCalc.fmt = fmt;
  GlossaryCalc.showValue = showValue;
  GlossaryCalc.shownInput = shownInput;
  GlossaryCalc.normCdf = normCdf;
  GlossaryCalc.normPdf = normPdf;
  GlossaryCalc.normPpf = normPpf;
})((window.GlossaryCalc = window.GlossaryCalc || {}));
