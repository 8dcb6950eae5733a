// The course website's widget loader: draws the explorers of coinem_helpers.widgets from the
// widget state saved in the page, without the 3.6 MB ipywidgets HTML manager.
//
// Each explorer is one anywidget model whose saved state holds its own ES module (`_esm`) and
// CSS (`_css`), and whose view draws everything, sliders included. So rendering one takes what
// anywidget's front end does, in small: a model object with get/set/on/off/save_changes over the
// saved state, the module imported from its source, and `render({model, el})`. With no kernel,
// set() only tells the view's own listeners, which recompute the numbers in the browser.
//
// Loaded by myst-nb only on pages that hold widgets (nb_ipywidgets_js in _config.yml), in <head>
// after the widget-state script. Before the page body paints, each explorer's box is given the
// height it will take (no layout shift); if a page ever holds a widget that is not ours, the
// loader steps aside and loads the full ipywidgets manager instead (its files are still served).
(function () {
  "use strict";
  var STATE = "application/vnd.jupyter.widget-state+json";
  var VIEW = "application/vnd.jupyter.widget-view+json";
  var here = document.currentScript ? document.currentScript.src.replace(/[^\/]*([?#].*)?$/, "") : "";
  // Heights (px) each explorer takes once drawn in the book's column, for windows at least 576 px
  // wide and for phones. Measured in Chromium by bench/explorer_load.py (which prints them); the
  // box is held this tall until the explorer is in it, so nothing below it moves.
  var RESERVE = {
    estep: [460, 478],
    em: [929, 950],
    simulator: [643, 649],
  };

  var state = null;
  function models() {
    if (state) return state;
    var node = document.querySelector('script[type="' + STATE + '"]');
    state = node ? JSON.parse(node.textContent).state || {} : {};
    return state;
  }

  function isOurs(entry) {
    return Boolean(entry && entry.model_module === "anywidget" && entry.state && entry.state._esm &&
                   entry.state.kind in RESERVE);
  }

  function viewOf(script) {
    try {
      return models()[JSON.parse(script.textContent).model_id];
    } catch (err) {
      return undefined;
    }
  }

  /** Just enough of a widget model for an anywidget view: its saved state, and change events. */
  function Model(attrs) {
    this.attrs = Object.assign({}, attrs);
    this.listeners = {};
  }
  Model.prototype.get = function (name) { return this.attrs[name]; };
  Model.prototype.set = function (name, value) {
    if (this.attrs[name] === value) return;
    this.attrs[name] = value;
    (this.listeners["change:" + name] || []).slice().forEach(function (cb) { cb(); });
  };
  Model.prototype.on = function (event, cb) {
    (this.listeners[event] = this.listeners[event] || []).push(cb);
  };
  Model.prototype.off = function (event, cb) {
    var list = this.listeners[event] || [];
    this.listeners[event] = cb ? list.filter(function (x) { return x !== cb; }) : [];
  };
  Model.prototype.save_changes = function () {}; // no kernel to tell
  Model.prototype.send = function () {};

  // The module, evaluated at once: our explorers module imports nothing and only exports, so
  // without its `export` keywords it is the body of a function returning its default export.
  // Evaluated now, an explorer is drawn while the parser is at it, before the page's deferred
  // scripts (MathJax, the theme) take the main thread for seconds. Any other module (one with
  // imports, say) goes through import() instead, which waits its turn behind them.
  var modules = {};
  function evaluateNow(source) {
    if (/^\s*import[\s{*"']/m.test(source)) return null;
    try {
      var body = '"use strict";\n' + source.replace(/^export default /m, "return ")
        .replace(/^export (async function|function|const|let|class) /gm, "$1 ");
      return new Function(body)(); // eslint-disable-line no-new-func
    } catch (err) {
      return null;
    }
  }
  /** Call back with the module's default export: now if it could be evaluated now, else later. */
  function withModule(source, callback) {
    if (!modules[source]) {
      var now = evaluateNow(source);
      if (now && typeof now.render === "function") {
        modules[source] = { now: now };
      } else {
        var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
        modules[source] = { later: import(url).then(function (m) { return m.default || m; }) };
      }
    }
    var fail = function (err) { console.error("coinem: could not draw the explorer", err); };
    if (!callback) return;
    if (modules[source].now) {
      try { callback(modules[source].now); } catch (err) { fail(err); }
    } else {
      modules[source].later.then(callback).catch(fail);
    }
  }

  var styles = {};
  function addCss(css) {
    if (!css || styles[css]) return;
    styles[css] = true;
    var node = document.createElement("style");
    node.textContent = css;
    document.head.appendChild(node);
  }

  /** Give the view script's box the explorer's height, then draw the explorer into it. */
  function mount(script) {
    if (script.coinemMounted || !script.parentElement) return;
    var entry = viewOf(script); // undefined while the parser has not yet written its text
    if (!isOurs(entry)) return;
    script.coinemMounted = true;
    var box = script.parentElement;
    var kind = entry.state.kind;
    box.classList.add("coinem-reserve-" + kind);
    // The ipywidgets manager's own classes (what the book's CSS and tests know a widget by).
    var area = document.createElement("div");
    area.className = "widget-subarea coinem-subarea";
    var host = document.createElement("div");
    host.className = "jupyter-widgets coinem-widget";
    area.appendChild(host);
    box.insertBefore(area, script);
    withModule(entry.state._esm, function (widget) {
      widget.render({ model: new Model(entry.state), el: host });
      host.dataset.coinemReady = "true";
      if (window.performance && performance.mark) performance.mark("coinem-explorer-drawn");
      box.classList.remove("coinem-reserve-" + kind);
    });
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll('script[type="' + VIEW + '"]'), mount);
  }

  /** A page with other widgets than ours: the ipywidgets manager draws them all. */
  function loadFullManager() {
    var files = ["offline/requirejs/require.js", "offline/require-paths.js", "offline-widgets.js",
                 "offline/html-manager/embed-amd.js"];
    (function next(k) {
      if (k >= files.length) return;
      var s = document.createElement("script");
      s.src = here + files[k];
      s.onload = function () { next(k + 1); };
      document.head.appendChild(s);
    })(0);
  }

  // Ours only (anywidget models of kind estep/em/simulator, and their layouts): draw each explorer
  // as soon as the parser has written its view script, without waiting for the page's deferred
  // scripts (MathJax, the theme). Anything else: the ipywidgets manager draws the whole page.
  var entries = Object.keys(models()).map(function (id) { return models()[id]; });
  var ours = entries.some(isOurs) && entries.every(function (e) {
    return isOurs(e) || e.model_module === "@jupyter-widgets/base";
  });
  if (!ours) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadFullManager);
    else loadFullManager();
    return;
  }
  entries.filter(isOurs).forEach(function (e) {
    addCss(e.state._css); // styles in place before the first explorer is drawn
    withModule(e.state._esm);
  });
  var style = document.createElement("style");
  style.textContent = Object.keys(RESERVE).map(function (kind) {
    var sel = ".coinem-reserve-" + kind;
    return sel + "{min-height:" + RESERVE[kind][0] + "px}" +
      "@media (max-width: 575.98px){" + sel + "{min-height:" + RESERVE[kind][1] + "px}}";
  }).join("\n");
  document.head.appendChild(style);
  if (document.readyState === "loading") {
    var observer = new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          var script = node.nodeType === 3 ? node.parentNode : node;
          if (script && script.nodeName === "SCRIPT" && script.type === VIEW) mount(script);
        });
      });
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      observer.disconnect();
      mountAll();
    });
  } else {
    mountAll();
  }
})();
