// The redemption form records where the till is when the device can tell: the browser's
// location fills the two hidden fields (nothing is sent anywhere else; a refusal leaves
// them empty and the redemption goes on without a location).
(function () {
  "use strict";
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
