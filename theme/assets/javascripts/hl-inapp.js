/* What a buy link does inside WeChat, QQ and the other apps' built-in browsers.
   The policy of each channel comes from mkdocs.yml (harvest/load/inapp.py) as "wechat:guide douyin:copy";
   an app it does not name opens the shop. Used twice: inlined in every go/ page (which stays
   on the page to guide or copy where the policy says so, and goes to the shop elsewhere), and
   as this file on product pages (a note under each buy button that will not simply open). */
(function (w, d) {
  "use strict";
  // Order matters: WeChat's Android browser also says MQQBrowser, DingTalk's says AliApp.
  var APPS = [
    ["wechat", "微信", /MicroMessenger\//i],
    ["dingtalk", "钉钉", /DingTalk\//i],
    ["alipay", "支付宝", /AlipayClient\//i],
    ["qq", "QQ", /\sQQ\/\d/],
    ["weibo", "微博", /__weibo__|\bWeibo \(/i],
    ["douyin", "抖音", /\baweme|BytedanceWebview\//i],
    ["kuaishou", "快手", /\bKwai(_Lite|_Pro)?\/|\bksNebula\//i]
  ];
  var ua = navigator.userAgent, app = null, i;
  for (i = 0; i < APPS.length && !app; i++) if (APPS[i][2].test(ua)) app = APPS[i];

  function choice(policy) {
    var m = app && (" " + (policy || "") + " ").match(new RegExp(" " + app[0] + ":(guide|copy) "));
    return m ? m[1] : "open";
  }
  function each(selector, f) {
    Array.prototype.forEach.call(d.querySelectorAll(selector), f);
  }

  // Product page: say under each buy button what it will do here.
  each("[data-hl-in-app]", function (a) {
    var c = choice(a.getAttribute("data-hl-in-app")), note;
    if (c === "open") return;
    note = d.createElement("span");
    note.className = "hl-buy__note";
    note.textContent = app[1] + (c === "guide" ? "内需在浏览器中打开"
      : a.hasAttribute("data-hl-code") ? "内：复制口令，到 App 中打开" : "内：复制链接后打开");
    a.appendChild(note);
  });

  // go/ page: go to the shop, or stay and guide or offer the text to copy.
  var root = d.documentElement, link = d.getElementById("hl-link");
  if (!root.hasAttribute("data-hl-go") || !link) return;
  var state = choice(root.getAttribute("data-hl-go"));
  if (state === "open") {
    w.location.replace(link.getAttribute("href"));
    return;
  }
  root.setAttribute("data-hl-state", state);
  each("[data-hl-app]", function (e) { e.textContent = app[1]; });
  each("[data-hl-show]", function (e) {
    e.hidden = (" " + e.getAttribute("data-hl-show") + " ").indexOf(" " + state + " ") < 0;
  });
  var input = d.getElementById("hl-text"), status = d.getElementById("hl-status");
  var code = input.getAttribute("data-code");
  input.value = state === "copy" && code ? code : link.getAttribute("href");

  function done(ok) {
    var say = d.querySelector("[data-hl-said=" + (ok ? state : "fail") + "]");
    status.textContent = say ? say.textContent : "";
  }
  function fallback() {
    // No Clipboard API (older in-app browsers): select the text and copy it the old way.
    var ok = false;
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    try { ok = d.execCommand("copy"); } catch (e) { ok = false; }
    done(ok);
  }
  d.getElementById("hl-copy").addEventListener("click", function () {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  });
})(window, document);
