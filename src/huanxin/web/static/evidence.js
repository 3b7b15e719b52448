// Claim review: a file loads when its entry is opened; a checklist item whose files have not
// been opened stays disabled until they are (the server checks the same from the audit log).
(function () {
  var files = document.querySelectorAll("details.evidence");
  function seen(kind) {
    var all = document.querySelectorAll('details.evidence[data-kind="' + kind + '"]');
    return Array.prototype.every.call(all, function (d) { return d.dataset.opened === "yes"; });
  }
  function refresh() {
    document.querySelectorAll("input[name=checklist]").forEach(function (box) {
      var has = document.querySelector('details.evidence[data-kind="' + box.dataset.kind + '"]');
      box.disabled = Boolean(has) && !seen(box.dataset.kind);
      box.title = box.disabled ? "请先打开查看该项材料" : "";
    });
  }
  files.forEach(function (d) {
    function opened() { d.dataset.opened = "yes"; refresh(); }
    d.addEventListener("toggle", function () {
      if (!d.open) return;
      var view = d.querySelector(".evidence-view");
      if (view && !view.getAttribute("src")) {
        view.addEventListener("load", opened);
        view.setAttribute("src", view.dataset.src);
      } else if (!view) { opened(); }
    });
    var link = d.querySelector("a.evidence-open");
    if (link) link.addEventListener("click", opened);
  });
  refresh();
})();
