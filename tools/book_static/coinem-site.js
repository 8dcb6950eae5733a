// The course website's small fixes that need a script (tools/sphinx_ext/coinem_site.py adds it to
// every page, deferred). Kept tiny: no dependency, nothing to download.
(function () {
  "use strict";

  // Boxes that scroll sideways when their content is wider than the screen: a display equation,
  // a wide figure, a code block or a table. A keyboard reader can only scroll a box that takes
  // focus (WCAG 2.1.1), but a Tab stop on every equation is what we just removed; so a box becomes
  // a Tab stop, with a name, only while it actually overflows (on a phone, or zoomed in).
  var SCROLLERS = "div.math mjx-container[display='true'], span.math.coinem-wide-math, .coinem-wide-figure, " +
                  "div.highlight > pre, .cell_output .output pre, .pst-scrollable-table-container";

  function label(box) {
    if (box.matches("mjx-container")) return "Equation, scrolls sideways";
    if (box.matches(".coinem-wide-figure")) return "Figure, scrolls sideways";
    if (box.matches(".pst-scrollable-table-container")) return "Table, scrolls sideways";
    return "Code, scrolls sideways";
  }

  function update(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1;
    // An equation keeps MathJax's own semantics (its hidden MathML is what a screen reader
    // reads); the other boxes become named regions.
    var named = !box.matches("mjx-container, span.math");
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.dataset.coinemScroll = "";
      if (named && !box.hasAttribute("role")) box.setAttribute("role", "region");
      if (named && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", label(box));
    } else if (!overflows && box.hasAttribute("data-coinem-scroll")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-coinem-scroll");
      if (named && box.getAttribute("aria-label") === label(box)) box.removeAttribute("aria-label");
      if (named && box.getAttribute("role") === "region") box.removeAttribute("role");
    }
  }

  // Multi-panel figures (much wider than tall) would shrink to unreadable labels on a phone:
  // they keep a readable width inside a box that scrolls sideways (coinem-site.css).
  function markWideFigures() {
    document.querySelectorAll(".cell_output img").forEach(function (img) {
      var mark = function () {
        if (img.naturalWidth > 900 && img.naturalWidth > 2 * img.naturalHeight) {
          var box = img.parentElement;
          box.classList.add("coinem-wide-figure");
          update(box);
        }
      };
      if (img.complete) mark(); else img.addEventListener("load", mark);
    });
  }

  // An inline formula wider than its line scrolls in its own box (coinem-site.css).
  function markWideInlineMath() {
    document.querySelectorAll("span.math").forEach(function (span) {
      var formula = span.querySelector("mjx-container");
      var line = span.parentElement;
      if (!formula || !line) return;
      var wide = formula.getBoundingClientRect().width > line.clientWidth + 1;
      if (wide !== span.classList.contains("coinem-wide-math")) {
        span.classList.toggle("coinem-wide-math", wide);
        update(span);
      }
    });
  }

  function updateAll() {
    markWideInlineMath();
    document.querySelectorAll(SCROLLERS).forEach(update);
  }

  // Printing: a display equation wider than the paper is scaled down to fit (never below half
  // size) rather than cut off; the screen size comes back after printing.
  function fitEquations(printing) {
    document.querySelectorAll("div.math mjx-container[display='true']").forEach(function (eq) {
      if (eq.dataset.coinemFontSize !== undefined) {
        eq.style.fontSize = eq.dataset.coinemFontSize;
        delete eq.dataset.coinemFontSize;
      }
      if (!printing || eq.scrollWidth <= eq.clientWidth + 1) return;
      var size = parseFloat(window.getComputedStyle(eq).fontSize);
      var ratio = Math.max(0.5, 0.97 * eq.clientWidth / eq.scrollWidth);
      eq.dataset.coinemFontSize = eq.style.fontSize;
      eq.style.fontSize = (size * ratio).toFixed(2) + "px";
    });
  }

  var pending = null;
  function schedule() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () { pending = null; updateAll(); });
  }

  // On a phone the navigation and the page's contents open in a drawer (a modal <dialog>) that
  // covers most of the screen. Following a link to a section of the same page scrolled the page
  // behind the drawer but left it open, and the open drawer caught the next tap: close it.
  function closeDrawerOnLink(event) {
    var link = event.target.closest && event.target.closest("dialog[open] a[href]");
    if (!link) return;
    var url = new URL(link.href, window.location.href);
    var samePage = url.origin === window.location.origin && url.pathname === window.location.pathname && url.hash;
    if (!samePage) return;  // another page: the drawer goes with this one
    // Close first, then follow the link: a modal dialog keeps the page from scrolling while open.
    event.preventDefault();
    link.closest("dialog").close();
    window.requestAnimationFrame(function () { window.location.hash = url.hash; });
  }

  function start() {
    document.addEventListener("click", closeDrawerOnLink);
    markWideFigures();
    updateAll();
    window.addEventListener("resize", schedule);
    // MathJax typesets after this script runs: look again when it is done.
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
      window.MathJax.startup.promise.then(schedule);
    }
    window.addEventListener("load", schedule);
    window.addEventListener("beforeprint", function () { fitEquations(true); });
    window.addEventListener("afterprint", function () { fitEquations(false); });
    window.matchMedia("print").addEventListener("change", function (query) { fitEquations(query.matches); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
