// The grouped menu: opening one area closes the others; a click elsewhere closes them all.
(function () {
  var groups = document.querySelectorAll("details.menu-group");
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () {
      if (!g.open) return;
      groups.forEach(function (other) { if (other !== g) other.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("details.menu-group")) return;
    groups.forEach(function (g) { g.open = false; });
  });
})();
