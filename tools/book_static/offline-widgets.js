// ipywidgets 8 typesets widget labels with the MathJax 2 call MathJax.Hub.Queue; the book and
// the slides run MathJax 3, which has no Hub, so every widget label would throw. Translate the
// call. Loaded before the widget manager (nb_ipywidgets_js in _config.yml; the slides template).
(function () {
  "use strict";
  // The MathJax script is deferred, so it has run by DOMContentLoaded; widgets render later.
  window.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || !mathjax.startup) {
      return;
    }
    mathjax.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (Array.isArray(job) && job[0] === "Typeset") {
            mathjax.startup.promise.then(function () {
              return mathjax.typesetPromise(job[2] ? [job[2]] : undefined);
            });
          }
        });
      },
    };
  });
})();
