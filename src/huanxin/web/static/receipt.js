// The receipt page's 打印小票 button (no inline script: the page's CSP forbids it).
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
