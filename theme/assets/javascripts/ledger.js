/* Harvest Ledger: load older ledger entries on request, 1,000 at a time, from the static
 * chunks entries/<k>.json beside the page. No library; text is set with textContent only. */
(function () {
  "use strict";
  var TYPES = { donation: "捐赠", sale: "销售", disbursement: "拨付", expense: "支出" };

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
  function money(amount, currency) {
    var n = Number(amount);
    var text = Math.abs(n).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    text = currency === "CNY" ? "¥" + text : text + " " + currency;
    return n < 0 ? "-" + text : text;
  }

  function quantity(value, unit) {
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 20 }) + " " + unit;
  }

  function row(f) {
    // seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note
    var tr = document.createElement("tr");
    tr.id = "seq-" + f[0];
    var cells = [f[0], f[1], TYPES[f[2]] || f[2], f[3], f[4], f[5] ? quantity(f[5], f[6]) : "", f[7],
                 money(f[8], f[9]), f[10], f[11], f[12]];
    cells.forEach(function (text, i) {
      var td = document.createElement("td");
      td.textContent = text;
      if (i === 7) td.className = "hl-num";
      tr.appendChild(td);
    });
    return tr;
  }

  function setup(button) {
    var table = document.querySelector("[data-ledger-table]");
    var size = Number(button.getAttribute("data-ledger-size"));
    var shown = Number(button.getAttribute("data-ledger-shown"));
    var oldest = size - shown + 1;  // seq of the oldest entry on the page
    button.addEventListener("click", function () {
      if (oldest <= 1) return;
      var last = oldest - 1, k = Math.floor((last - 1) / 1000);
      button.disabled = true;
      fetch("entries/" + k + ".json").then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (chunk) {
        for (var seq = last; seq >= chunk.first; seq--) {
          table.appendChild(row(parseCsvLine(chunk.lines[seq - chunk.first])));
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
