/* Harvest Ledger: load older ledger entries on request, 1,000 at a time, from the static
 * chunks entries/<k>.json beside the page, as the rows the page itself has, in the words the
 * page gives (data-ledger-names). No library; text is set with textContent only. */
(function () {
  "use strict";
  var CORRECTION = /^seq:([0-9]+)$/;  // the reference of a correction (harvest/ledger/rules.py)

  function parseCsvLine(line) {
    var out = [], field = "", quoted = false;
    for (var i = 0; i < line.length; i++) {
      var c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
        else if (c === '"') { quoted = false; }
        else { field += c; }
      } else if (c === '"') { quoted = true; }
      else if (c === ",") { out.push(field); field = ""; }
      else { field += c; }
    }
    out.push(field);
    return out;
  }

  // As harvest/vocabulary.py writes them: -¥1,200.00 (the sign before the symbol), 1,250.5 kg.
  function money(amount, currency, symbols) {
    var n = Number(amount), symbol = own(symbols, currency);
    var text = Math.abs(n).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    text = symbol ? symbol + text : text + " " + currency;
    return n < 0 ? "-" + text : text;
  }

  function quantity(value, unit) {
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 20 }) + " " + unit;
  }

  function own(map, key) {  // a key of the page's data, never one of every object's (constructor, …)
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.setAttribute("href", href);
    a.textContent = text;
    return a;
  }

  // The row theme/partials/hl/macros.html (entry_rows) writes for the same entry; `names` holds
  // the words the page gives (the button's data-ledger-names, see harvest/render/ledgers.py more_data).
  function row(f, names) {
    // seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note
    var tr = document.createElement("tr");
    tr.id = "seq-" + f[0];
    var product = own(names.products, f[3]);
    var cells = [f[0], f[1], own(names.types, f[2]) || f[2], product ? link(product[1], product[0]) : f[3],
                 own(names.channels, f[4]) || f[4], f[5] ? quantity(f[5], f[6]) : "", f[7], money(f[8], f[9], names.symbols), f[10], f[11]];
    cells.forEach(function (content, i) {
      var td = document.createElement("td");
      if (typeof content === "string") td.textContent = content;
      else td.appendChild(content);
      if (i === 7) td.className = "hl-num";
      tr.appendChild(td);
    });
    var notes = document.createElement("td"), parts = [];
    if (f[12]) parts.push([f[12]]);
    var corrects = CORRECTION.exec(f[11]);
    if (corrects) parts.push(["更正 ", link("#seq-" + corrects[1], "第 " + corrects[1] + " 条")]);
    (own(names.corrected, f[0]) || []).slice().sort(function (a, b) { return a - b; }).forEach(function (s) {
      parts.push(["已由 ", link("#seq-" + s, "第 " + s + " 条"), " 更正"]);
    });
    parts.forEach(function (part, i) {
      if (i) notes.appendChild(document.createTextNode("；"));
      part.forEach(function (piece) {
        notes.appendChild(typeof piece === "string" ? document.createTextNode(piece) : piece);
      });
    });
    tr.appendChild(notes);
    return tr;
  }

  function json(button, name) {
    var value = null;
    try { value = JSON.parse(button.getAttribute(name) || "{}"); } catch (e) { /* as if none */ }
    return value && typeof value === "object" ? value : {};
  }

  function setup(button) {
    var table = document.querySelector("[data-ledger-table]");
    var size = Number(button.getAttribute("data-ledger-size"));
    var shown = Number(button.getAttribute("data-ledger-shown"));
    var oldest = size - shown + 1;  // seq of the oldest entry on the page
    var names = json(button, "data-ledger-names");
    ["types", "symbols", "products", "channels", "corrected"].forEach(function (key) {
      if (typeof own(names, key) !== "object" || names[key] === null) names[key] = {};
    });
    button.addEventListener("click", function () {
      if (oldest <= 1) return;
      var last = oldest - 1, k = Math.floor((last - 1) / 1000);
      button.disabled = true;
      fetch("entries/" + k + ".json").then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (chunk) {
        for (var seq = last; seq >= chunk.first; seq--) {
          var f = parseCsvLine(chunk.lines[seq - chunk.first]);
          var corrects = CORRECTION.exec(f[11]);  // newest first: an entry's corrections come before it
          if (corrects) names.corrected[corrects[1]] = (own(names.corrected, corrects[1]) || []).concat([Number(f[0])]);
          table.appendChild(row(f, names));
        }
        oldest = chunk.first;
        button.disabled = oldest <= 1;
        if (oldest <= 1) button.textContent = "已显示全部账目";
      }).catch(function () {
        button.disabled = false;
        button.textContent = "加载失败，请重试或下载 CSV";
      });
    });
  }

  document.querySelectorAll("[data-ledger-more]").forEach(setup);
})();
