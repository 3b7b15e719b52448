// Claim review: a file loads when its entry is opened; a checklist item whose files have not
// been opened stays disabled until they are (the server checks the same from the audit log).
// A file filed under no item of the checklist may support any item: every item waits for it.
(function () {
  var files = document.querySelectorAll("details.evidence");
  var boxes = document.querySelectorAll("input[name=checklist]");
  var items = Array.prototype.map.call(boxes, function (box) { return box.dataset.kind; });
  function unopened(kind) {
    return Array.prototype.some.call(files, function (d) {
      var relevant = d.dataset.kind === kind || items.indexOf(d.dataset.kind) < 0;
      return relevant && d.dataset.opened !== "yes";
    });
  }
  function refresh() {
    boxes.forEach(function (box) {
      box.disabled = unopened(box.dataset.kind);
      if (box.disabled) box.checked = false;
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
