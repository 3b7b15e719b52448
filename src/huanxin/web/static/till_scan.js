// Camera scanning at the till, where the browser has the BarcodeDetector API (Chrome on
// Android, Safari 17+ …): the 扫码 buttons appear, the rear camera opens in an overlay and
// the first code read fills the field. Elsewhere the note says to type the codes; nothing is
// loaded from outside and nothing leaves the phone but the filled-in form.
(function () {
  "use strict";
  var overlay = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var note = document.getElementById("scan-note");
  var buttons = document.querySelectorAll("button.scan");
  var media = navigator.mediaDevices;
  if (!overlay || !("BarcodeDetector" in window) || !media || !media.getUserMedia) {
    return;
  }
  var stream = null;
  var running = false;
  var lastButton = null;

  function stop() {
    running = false;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.srcObject = null;
    overlay.hidden = true;
    if (lastButton) { lastButton.focus(); }
  }

  function fill(target, value) {
    target.value = value;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function loop(detector, target) {
    if (!running) { return; }
    detector.detect(video).then(function (codes) {
      var code = codes.find(function (c) { return c.rawValue; });
      if (code) {
        stop();
        fill(target, code.rawValue.trim());
        return;
      }
      setTimeout(function () { loop(detector, target); }, 250);
    }).catch(function () { setTimeout(function () { loop(detector, target); }, 500); });
  }

  function scan(button, supported) {
    var target = document.getElementById(button.getAttribute("data-target"));
    var wanted = (target.getAttribute("data-formats") || "").split(",");
    var formats = wanted.filter(function (f) { return supported.indexOf(f) >= 0; });
    lastButton = button;
    overlay.hidden = false;
    status.textContent = "正在打开摄像头…";
    media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      return video.play();
    }).then(function () {
      status.textContent = "对准条码，识别后自动填写";
      running = true;
      loop(new window.BarcodeDetector({ formats: formats }), target);
    }).catch(function () {
      stop();
      note.hidden = false;
      note.textContent = "无法打开摄像头（未授权或没有摄像头），请手工输入。";
    });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (supported) {
    var usable = false;
    buttons.forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-target"));
      var wanted = (target.getAttribute("data-formats") || "").split(",");
      if (wanted.some(function (f) { return supported.indexOf(f) >= 0; })) {
        button.hidden = false;
        usable = true;
        button.addEventListener("click", function () { scan(button, supported); });
      }
    });
    if (usable && note) { note.hidden = true; }
  });
  document.getElementById("scanner-close").addEventListener("click", stop);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !overlay.hidden) { stop(); }
  });
})();
