// The till form: the chosen till is remembered on this device (localStorage) and kept by
// "清空"/"下一笔"; where the device can tell, the browser's location fills the two hidden
// fields (nothing is sent anywhere else; a refusal leaves them empty and the sale goes on).
(function () {
  "use strict";
  var select = document.getElementById("till-select");
  var clear = document.getElementById("till-clear");
  var KEY = "huanxin.till";

  function keep() {
    if (!select) { return; }
    try { localStorage.setItem(KEY, select.value); } catch (e) { /* private mode */ }
    if (clear) { clear.href = "/merchant/redeem?terminal_id=" + encodeURIComponent(select.value); }
  }

  if (select) {
    var stored = null;
    try { stored = localStorage.getItem(KEY); } catch (e) { stored = null; }
    var preset = select.querySelector("option[selected]");  // the server's (kept) choice wins
    if (!preset && stored && Array.prototype.some.call(select.options, function (o) { return o.value === stored; })) {
      select.value = stored;
    }
    select.addEventListener("change", keep);
    keep();
  }

  var lat = document.getElementById("redeem-lat");
  var lon = document.getElementById("redeem-lon");
  if (!lat || !lon || !("geolocation" in navigator)) {
    return;
  }
  navigator.geolocation.getCurrentPosition(function (pos) {
    lat.value = pos.coords.latitude.toFixed(6);
    lon.value = pos.coords.longitude.toFixed(6);
  }, function () {}, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
})();
