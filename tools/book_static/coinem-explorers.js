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
  // Heights (px) each explorer takes once drawn, in the book's column: wide (>= 992 px window,
  // side by side), medium and phone (stacked). Measured in Chromium (bench/explorer_load.py
  // prints them); the box is held at least this tall until the explorer is in it.
  var RESERVE = {
    estep: [452, 760, 800],
    em: [640, 1150, 1030],
    simulator: [560, 770, 800],
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

  // Reserve each explorer's height as the parser meets its view script (before first paint).
  var style = document.createElement("style");
  style.textContent = Object.keys(RESERVE).map(function (kind) {
    var h = RESERVE[kind];
    var sel = ".coinem-reserve-" + kind;
    return sel + "{min-height:" + h[0] + "px}" +
      "@media (max-width: 991.98px){" + sel + "{min-height:" + h[1] + "px}}" +
      "@media (max-width: 575.98px){" + sel + "{min-height:" + h[2] + "px}}";
  }).join("\n");
  document.head.appendChild(style);

  function reserve(script) {
    var entry = viewOf(script);
    if (isOurs(entry) && script.parentElement) {
      script.parentElement.classList.add("coinem-reserve-" + entry.state.kind);
    }
  }
  var observer = new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeName === "SCRIPT" && node.type === VIEW) reserve(node);
      });
    });
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });

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

  var modules = {};
  function importModule(source) {
    if (!modules[source]) {
      var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      modules[source] = import(url).then(function (m) { return m.default || m; });
    }
    return modules[source];
  }
  var styles = {};
  function addCss(css) {
    if (!css || styles[css]) return;
    styles[css] = true;
    var node = document.createElement("style");
    node.textContent = css;
    document.head.appendChild(node);
  }

  function renderAll() {
    observer.disconnect();
    var scripts = Array.prototype.slice.call(document.querySelectorAll('script[type="' + VIEW + '"]'));
    var entries = scripts.map(viewOf);
    if (!entries.every(isOurs)) {
      loadFullManager();
      return;
    }
    scripts.forEach(function (script, i) {
      var entry = entries[i];
      var host = document.createElement("div");
      host.className = "coinem-widget";
      script.parentElement.insertBefore(host, script);
      addCss(entry.state._css);
      importModule(entry.state._esm).then(function (widget) {
        widget.render({ model: new Model(entry.state), el: host });
        host.dataset.coinemReady = "true";
        script.parentElement.classList.remove("coinem-reserve-" + entry.state.kind);
      }).catch(function (err) {
        console.error("coinem: could not draw the explorer", err);
      });
    });
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
