/*
 * Keyboard access the theme does not give (templates/overrides/main.html loads this on
 * every page):
 *
 * - the header's menu button (partials/header.html: a <label> with role="button") opens
 *   the navigation drawer on Enter (Material clicks a focused label) or Space, moves focus
 *   into it, says whether it is open (aria-expanded), and Escape closes the drawer and
 *   returns focus to the button; a closed drawer is out of the tab order (glossary.css);
 * - a box that scrolls sideways (a wide table, display math, a code block on a
 * phone) and holds nothing focusable takes a tab stop, so it can be scrolled with the
 * arrow keys (axe-core's scrollable-region-focusable). Boxes that stop overflowing (the
 * window widened) give their tab stop back. Checked after load, whenever the page's own
 * scripts change the content (forms, math), and on resize.
 */
(function () {
  "use strict";

  var CANDIDATES = ".md-content table, .md-content pre > code, .md-content .md-typeset__scrollwrap, " +
    ".md-content .katex-display, .md-content .gl-math, .md-content div.arithmatex";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function scrolls(node) {
    if (node.scrollWidth <= node.clientWidth + 1 && node.scrollHeight <= node.clientHeight + 1) return false;
    var style = window.getComputedStyle(node);
    return /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
  }

  function reachable(node) {
    var inner = node.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < inner.length; i++) {
      if (inner[i].tabIndex >= 0 && inner[i].getClientRects().length) return true;
    }
    return false;
  }

  function update() {
    document.querySelectorAll(CANDIDATES).forEach(function (node) {
      var ours = node.hasAttribute("data-gl-scroll");
      if (scrolls(node) && (ours || !node.hasAttribute("tabindex")) && !reachable(node)) {
        if (!ours) {
          node.setAttribute("tabindex", "0");
          node.setAttribute("data-gl-scroll", "");
        }
      } else if (ours) {
        node.removeAttribute("tabindex");
        node.removeAttribute("data-gl-scroll");
      }
    });
  }

  function setupDrawer() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector('label.md-header__button[for="__drawer"]');
    if (!toggle || !button) return;
    function sync() { button.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); }
    // Enter on a focused label is Material's own (it clicks the label); Space is ours
    button.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        button.click();
      }
    });
    toggle.addEventListener("change", function () {
      sync();
      if (toggle.checked && document.activeElement === button) {
        // into the drawer once it is shown (its visibility switches at once)
        var first = document.querySelector(".md-sidebar--primary a[href]");
        if (first) setTimeout(function () { first.focus(); }, 0);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
        button.focus();
      }
    });
    sync();
  }
  setupDrawer();

  var timer = null;
  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(update, delay);
  }

  if (document.readyState === "complete") later(0);
  else window.addEventListener("load", function () { later(0); });
  window.addEventListener("resize", function () { later(200); });
  var content = document.querySelector(".md-content");
  if (content && window.MutationObserver) {
    new MutationObserver(function () { later(150); }).observe(content, { childList: true, subtree: true });
  }
})();
