// Address picker of the booking page: filters the address book as the resident types
// (characters or pinyin initials, matched against data-search), and "使用我的位置" picks
// the entry nearest to the browser's position. Coordinates never go into a form field.
(function () {
  var select = document.getElementById("address-select");
  var search = document.getElementById("address-search");
  var locate = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (!select) {
    return;
  }
  var entries = Array.prototype.slice.call(select.options, 1);

  function show(list) {
    var chosen = select.value;
    while (select.options.length > 1) {
      select.remove(1);
    }
    list.forEach(function (option) {
      select.add(option);
    });
    select.value = list.some(function (o) { return o.value === chosen; }) ? chosen : "";
    if (list.length === 1) {
      select.value = list[0].value;
    }
  }

  function filter() {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    show(entries.filter(function (option) {
      var text = (option.getAttribute("data-search") || "").toLowerCase();
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    }));
    status.textContent = select.options.length > 1 ? "" : "没有找到匹配的地址，请换个关键字";
  }

  function distance(option, lat, lon) {
    var dLat = parseFloat(option.getAttribute("data-lat")) - lat;
    var dLon = (parseFloat(option.getAttribute("data-lon")) - lon) * Math.cos(lat * Math.PI / 180);
    return Math.sqrt(dLat * dLat + dLon * dLon) * 111000;
  }

  function nearest(position) {
    var lat = position.coords.latitude;
    var lon = position.coords.longitude;
    if (!entries.length) {
      status.textContent = "本地尚未建立地址库";
      return;
    }
    var best = entries.reduce(function (a, b) {
      return distance(b, lat, lon) < distance(a, lat, lon) ? b : a;
    });
    search.value = "";
    show(entries);
    select.value = best.value;
    status.textContent = "已选择离您最近的地址：" + best.textContent +
      "（约" + Math.round(distance(best, lat, lon)) + "米），如不对请从列表中重新选择";
  }

  if (search) {
    search.addEventListener("input", filter);
    if (search.value) {
      filter();
    }
  }
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = "正在获取您的位置……";
      navigator.geolocation.getCurrentPosition(nearest, function () {
        status.textContent = "无法获取您的位置，请从列表中选择";
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  }
})();
