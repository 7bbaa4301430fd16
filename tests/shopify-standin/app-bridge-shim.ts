// A stand-in for Shopify's App Bridge script, for opening the embedded admin outside Shopify's
// admin (the demo, browser tests). Served at /__standin/app-bridge.js; the app loads it because
// the demo sets APP_BRIDGE_URL, the Shopify library's own override. It does what the app relies on:
// `shopify.idToken()`, the session token on the app's own fetches (Remix navigations), the
// session-token bounce page, a visible nav menu and title bar, and toasts.
export function appBridgeShim(standinOrigin: string): string {
  return `(() => {
  "use strict";
  const standin = ${JSON.stringify(standinOrigin)};
  const script = document.currentScript;
  const apiKey = script && script.dataset ? script.dataset.apiKey : undefined;
  const params = new URLSearchParams(location.search);
  const shop = params.get("shop") || sessionStorage.getItem("treue-standin-shop") || "";
  if (shop) sessionStorage.setItem("treue-standin-shop", shop);
  const nativeFetch = window.fetch.bind(window);
  let token = params.get("id_token");
  let tokenAt = token ? Date.now() : 0;

  async function idToken() {
    if (token && Date.now() - tokenAt < 30000) return token;
    const res = await nativeFetch(standin + "/__standin/tokens/admin?shop=" + encodeURIComponent(shop), { method: "POST" });
    if (!res.ok) throw new Error("stand-in refused a session token: " + res.status);
    token = (await res.json()).token;
    tokenAt = Date.now();
    return token;
  }

  window.fetch = async (input, init) => {
    let request = new Request(input, init);
    if (new URL(request.url, location.href).origin === location.origin && !request.headers.has("Authorization")) {
      const headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + (await idToken()));
      request = new Request(request, { headers });
    }
    return nativeFetch(request);
  };

  function toast(message, opts) {
    const el = document.createElement("div");
    el.setAttribute("role", "status");
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:10px 16px;border-radius:8px;" +
      "font:14px system-ui;color:#fff;background:" + (opts && opts.isError ? "#8e1f0b" : "#303030") + ";z-index:1000";
    document.body.appendChild(el);
    setTimeout(() => el.remove(), (opts && opts.duration) || 3000);
  }

  // Shopify's resource picker: a list of the stand-in's products or collections; a pick resolves with the chosen
  // one (an array carrying "selection", as App Bridge answers), Cancel with undefined.
  async function resourcePicker(opts) {
    const type = (opts && opts.type) || "product";
    const res = await nativeFetch(standin + "/__standin/resources?shop=" + encodeURIComponent(shop) + "&type=" + encodeURIComponent(type));
    const resources = (await res.json()).resources;
    return new Promise((resolve) => {
      const overlay = document.createElement("div");
      overlay.id = "standin-resource-picker";
      overlay.setAttribute("role", "dialog");
      overlay.setAttribute("aria-label", "Select " + type);
      overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.4);z-index:1000;display:flex;align-items:center;justify-content:center";
      const box = document.createElement("div");
      box.style.cssText = "background:#fff;padding:16px;border-radius:8px;max-height:70vh;overflow:auto;min-width:240px;max-width:90vw;font:14px system-ui";
      const close = (value) => {
        overlay.remove();
        resolve(value);
      };
      for (const r of resources) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = r.title;
        b.style.cssText = "display:block;width:100%;text-align:left;padding:8px;margin:4px 0";
        b.onclick = () => {
          const picked = [Object.assign({}, r)];
          picked.selection = picked;
          close(picked);
        };
        box.appendChild(b);
      }
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.textContent = "Cancel";
      cancel.onclick = () => close(undefined);
      box.appendChild(cancel);
      overlay.appendChild(box);
      document.body.appendChild(overlay);
    });
  }

  window.shopify = {
    resourcePicker,
    config: { apiKey, shop, host: params.get("host"), locale: params.get("locale") || "en" },
    environment: { embedded: false, mobile: false, pos: false },
    idToken,
    toast: { show: toast, hide() {} },
    loading() {},
    saveBar: { show: async () => {}, hide: async () => {}, toggle: async () => {} },
  };

  // The library's bounce page: come back to the page with a fresh session token.
  const reload = params.get("shopify-reload");
  if (reload) {
    idToken().then((t) => {
      const next = new URL(reload, location.href);
      next.searchParams.set("id_token", t);
      location.replace(next.toString());
    });
  }

  const style = document.createElement("style");
  style.textContent =
    "ui-nav-menu{display:flex;flex-wrap:wrap;gap:8px 20px;padding:10px 20px;background:#1a1a1a;font:14px system-ui}" +
    "ui-nav-menu a{color:#e3e3e3;text-decoration:none}ui-nav-menu a[rel=home]{font-weight:600;color:#fff}" +
    "ui-title-bar{display:none}";
  document.head.appendChild(style);
})();
`;
}
