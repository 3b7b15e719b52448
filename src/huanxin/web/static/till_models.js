// The till's model picker: as the assistant types a model number, a brand (characters,
// pinyin or its initials) or a category, or scans the box's 69 barcode, the catalogue's
// matching models are offered (GET /api/v1/catalogue/models); picking one fills the model,
// its category and energy grade, and the barcode typed or scanned is checked against the
// model's registered one (the server refuses a mismatch in any case).
(function () {
  "use strict";
  var input = document.getElementById("model-input");
  var list = document.getElementById("model-list");
  var status = document.getElementById("model-status");
  var card = document.getElementById("model-card");
  var category = document.getElementById("category-input");
  var grade = document.getElementById("grade-input");
  var barcode = document.getElementById("barcode-input");
  var check = document.getElementById("barcode-check");
  if (!input || !list || !window.fetch) {
    return;
  }
  var hits = [];
  var active = -1;
  var chosen = null;
  var timer = null;
  var asked = 0;

  function yuan(fen) {
    var whole = Math.floor(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return whole + "." + ("0" + (fen % 100)).slice(-2);
  }

  function describe(hit) {
    var parts = [hit.category_label];
    if (hit.grade) { parts.push(hit.grade + "级能效"); }
    parts.push("指导价" + yuan(hit.list_price_fen) + "元");
    return parts.join(" · ");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function mark(index) {
    var items = list.querySelectorAll("li");
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }
  }

  function show(found) {
    hits = found;
    list.textContent = "";
    found.forEach(function (hit, i) {
      var li = document.createElement("li");
      li.id = "model-option-" + i;
      li.setAttribute("role", "option");
      li.className = "model-option";
      var name = document.createElement("strong");
      name.textContent = hit.brand + " " + hit.model;
      var more = document.createElement("span");
      more.className = "muted small";
      more.textContent = describe(hit);
      li.appendChild(name);
      li.appendChild(more);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(hit); });
      list.appendChild(li);
    });
    var any = found.length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", any ? "true" : "false");
    status.textContent = any ? "找到" + found.length + "个型号，请点选" :
      "商品目录中没有找到该型号；不在目录中的品类可直接填写型号和品类";
  }

  function lookup(text, then) {
    var ticket = ++asked;
    fetch("/api/v1/catalogue/models?q=" + encodeURIComponent(text), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : []; }).then(function (found) {
      if (ticket === asked) { then(found); }
    }).catch(function () { status.textContent = "暂时无法查询商品目录，请手工填写"; });
  }

  function choose(hit) {
    chosen = hit;
    input.value = hit.model;
    if (category) { category.value = hit.category_label; }
    if (grade && hit.grade) { grade.value = hit.grade; }
    if (barcode) { barcode.required = !!hit.barcode; }  // a model listed with a barcode needs it
    card.hidden = false;
    card.textContent = "";
    var title = document.createElement("strong");
    title.textContent = hit.brand + " " + hit.model;
    var more = document.createElement("span");
    more.textContent = describe(hit) + (hit.barcode ? " · 已登记69码，请扫码核对" : "");
    card.appendChild(title);
    card.appendChild(more);
    status.textContent = "";
    close();
    checkBarcode();
  }

  function gtinValid(code) {
    if (!/^\d{13}$/.test(code)) { return false; }
    var sum = 0;
    for (var i = 0; i < 12; i++) { sum += parseInt(code[i], 10) * (i % 2 ? 3 : 1); }
    return (10 - (sum % 10)) % 10 === parseInt(code[12], 10);
  }

  function say(text, ok) {
    check.textContent = text;
    check.className = "small " + (ok ? "check-ok" : "check-bad");
  }

  function checkBarcode() {
    if (!barcode || !check) { return; }
    var code = barcode.value.trim();
    check.textContent = "";
    if (!code) { return; }
    if (!gtinValid(code)) {
      say("商品条码应为13位数字且校验位正确，请重新扫描或核对", false);
      return;
    }
    if (!chosen) {
      lookup(code, function (found) {
        if (found.length === 1) { choose(found[0]); } else { say("目录中没有登记该条码的型号，请输入型号", false); }
      });
      return;
    }
    if (!chosen.barcode) {
      say("该型号未登记条码，按型号核销", true);
    } else if (chosen.barcode === code) {
      say("✓ 条码与型号「" + chosen.model + "」一致", true);
    } else {
      say("✗ 条码与型号「" + chosen.model + "」登记的条码不符，请核对实物", false);
    }
  }

  input.addEventListener("input", function () {
    chosen = null;
    card.hidden = true;
    var text = input.value.trim();
    clearTimeout(timer);
    if (!text) { close(); status.textContent = ""; return; }
    timer = setTimeout(function () { lookup(text, show); }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(active + 1, hits.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(hits[active]); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  if (barcode) {
    barcode.addEventListener("change", checkBarcode);
    barcode.addEventListener("input", function () {
      if (barcode.value.trim().length === 13) { checkBarcode(); } else { check.textContent = ""; }
    });
  }
})();
