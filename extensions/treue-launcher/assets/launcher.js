// Treue storefront launcher (theme app extension, app embed). Loaded deferred; draws a button fixed to a corner
// (no layout shift) and, on the first open, asks the app proxy for the shopper's points. Texts and links come from
// the embed's data attributes (the theme's locale); nothing from the network is written as HTML.
(function () {
  "use strict";
  var root = document.getElementById("treue-launcher");
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "true");
  var d = root.dataset;
  var t = function (key, values) {
    var text = d["t" + key] || "";
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values && values[name] != null ? String(values[name]) : ""; });
  };
  var el = function (tag, props, children) {
    var node = document.createElement(tag);
    for (var k in props || {}) {
      if (k === "text") node.textContent = props[k];
      else if (k === "style") node.style.cssText = props[k];
      else node.setAttribute(k, props[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  };
  var side = d.position === "bottom-left" ? "left" : "right";
  var color = /^#[0-9a-f]{3,8}$/i.test(d.color || "") ? d.color : "#1f6f4a";
  var number = function (n) { try { return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n); } catch (e) { return String(n); } };

  var button = el("button", {
    type: "button",
    "aria-expanded": "false",
    "aria-controls": "treue-launcher-panel",
    text: t("Button"),
    style: "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;border:0;border-radius:999px;padding:12px 18px;font:600 15px/1 system-ui,sans-serif;color:#fff;background:" + color + ";box-shadow:0 4px 14px rgba(0,0,0,.2);cursor:pointer",
  });
  var panel = el("div", {
    id: "treue-launcher-panel",
    role: "dialog",
    "aria-label": t("Title"),
    hidden: "",
    style: "position:fixed;bottom:76px;" + side + ":20px;z-index:2147483000;width:300px;max-width:calc(100vw - 40px);max-height:70vh;overflow:auto;background:#fff;color:#1a1a1a;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);padding:16px;font:14px/1.4 system-ui,sans-serif",
  });
  root.appendChild(button);
  root.appendChild(panel);
  // A customer a test of the whole program holds out sees no program: once the app said so, the launcher stays
  // hidden for the rest of the visit (per customer, in this tab).
  var heldOutKey = "treue-not-in-program:" + (d.customer || "");
  var heldOut = function () { try { return !!d.customer && sessionStorage.getItem(heldOutKey) === "1"; } catch (e) { return false; } };
  root.hidden = heldOut();

  var loaded = null;
  function load() {
    if (!loaded) {
      // The storefront's language, so the app names rewards in it ("5,00 € Rabatt").
      var lang = document.documentElement.lang;
      var url = d.proxy + (lang ? (d.proxy.indexOf("?") < 0 ? "?" : "&") + "locale=" + encodeURIComponent(lang) : "");
      loaded = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.json(); });
    }
    return loaded;
  }

  function render(state) {
    panel.textContent = "";
    if (state.inProgram === false) {
      try { if (d.customer) sessionStorage.setItem(heldOutKey, "1"); } catch (e) { /* private mode: hidden for this page only */ }
      root.hidden = true;
      return;
    }
    var close = el("button", { type: "button", "aria-label": t("Close"), text: "×", style: "float:right;border:0;background:none;font-size:20px;cursor:pointer" });
    close.addEventListener("click", toggle);
    panel.appendChild(close);
    panel.appendChild(el("h2", { text: t("Title"), style: "margin:0 0 8px;font-size:18px" }));
    if (state.customerId) {
      panel.appendChild(el("p", { "data-treue": "balance", text: t("Balance", { points: number(state.balance) }), style: "margin:0 0 4px;font-weight:600" }));
      if (state.pending > 0) panel.appendChild(el("p", { text: t("Pending", { points: number(state.pending) }), style: "margin:0 0 8px;color:#555" }));
    } else if (state.earnRate) {
      var unit = state.earnRate.perMinor / 100;
      panel.appendChild(el("p", { "data-treue": "earn", text: t("Earn", { points: number(state.earnRate.points), amount: number(unit) + " " + state.earnRate.currency }), style: "margin:0 0 8px" }));
    }
    if (state.rewards && state.rewards.length) {
      panel.appendChild(el("h3", { text: t("Rewards"), style: "margin:8px 0 4px;font-size:15px" }));
      panel.appendChild(el("ul", { style: "margin:0;padding-left:18px" }, state.rewards.map(function (r) {
        return el("li", { text: t("RewardLine", { title: r.title, points: number(r.pointsCost) }), style: r.affordable ? "font-weight:600" : "" });
      })));
    }
    var links = [];
    if (state.customerId) {
      links.push(el("a", { href: d.accountUrl, text: t("RedeemInAccount") }));
      if (state.referral && /^https?:\/\//.test(state.referral.url)) links.push(el("a", { href: state.referral.url, text: t("Refer") }));
    } else {
      links.push(el("a", { href: d.registerUrl, text: t("Join") }));
      links.push(el("a", { href: d.loginUrl, text: t("Login") }));
    }
    panel.appendChild(el("p", { style: "margin:12px 0 0;display:flex;gap:12px;flex-wrap:wrap" }, links));
  }

  function toggle() {
    if (button.getAttribute("aria-expanded") === "true") {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      return;
    }
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-busy", "true");
    // The panel appears once its content is in: one that grew under the shopper's eyes would move the page.
    load()
      .then(render, function () {
        loaded = null;
        panel.textContent = "";
        panel.appendChild(el("p", { text: t("Unavailable") }));
      })
      .then(function () {
        button.removeAttribute("aria-busy");
        if (button.getAttribute("aria-expanded") === "true") panel.hidden = false;
      });
  }
  button.addEventListener("click", toggle);
})();
