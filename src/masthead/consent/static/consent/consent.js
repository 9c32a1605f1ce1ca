/* Masthead consent: applies the reader's choice in the browser.

   Every page is the same bytes for every reader. This script reads the consent cookie, asks the
   server once whether it really issued it (a forged cookie never counts), shows the banner when
   no choice stands, and brings the page's inert snippets to life for the allowed categories only.
   Withdrawing a category deletes the cookies its snippets declared and reloads the page, so
   nothing that already ran keeps running.

   Other scripts can ask: window.mastheadConsent.allows("preferences"), and listen for the
   "masthead:consent" event (detail.allowed lists the allowed categories). */
(function () {
  "use strict";

  var configElement = document.getElementById("consent-config");
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent);
  var VERIFIED_KEY = "masthead-consent-verified";
  var COOKIE_PATTERN =
    /^1\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{22})\.([a-z0-9_~]*)\.([a-z0-9_~]*):[A-Za-z0-9_-]+$/;
  var banner = document.querySelector("[data-consent-banner]");
  var gpc = navigator.globalPrivacyControl === true;
  var allowed = [];
  var currentChoice = null;
  var opener = null;

  function includes(list, item) { return list.indexOf(item) !== -1; }
  function keys(text) { return text ? text.split("~") : []; }

  // -- the cookie and its verification -------------------------------------------------------
  function readCookie() {
    var prefix = config.cookieName + "=";
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(prefix) === 0) return parts[i].slice(prefix.length);
    }
    return "";
  }

  function parse(raw) {
    var m = COOKIE_PATTERN.exec(raw || "");
    if (!m) return null;
    return { raw: raw, version: +m[1], id: m[2], granted: keys(m[3]), asked: keys(m[4]) };
  }

  function stands(choice) {
    return !!choice && choice.version === config.policyVersion &&
      config.categories.every(function (key) { return includes(choice.asked, key); });
  }

  function remembered(raw) {
    try { return window.localStorage.getItem(VERIFIED_KEY) === raw; } catch (e) { return false; }
  }

  function remember(raw) {
    try { window.localStorage.setItem(VERIFIED_KEY, raw); } catch (e) { /* private mode */ }
  }

  function verify(choice) {
    if (remembered(choice.raw)) return Promise.resolve(choice);
    return fetch(config.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.choice || state.cookie !== choice.raw) return null;
        remember(choice.raw);
        return choice;
      })
      .catch(function () { return null; });
  }

  function allowedBy(choice) {
    var result;
    if (stands(choice)) {
      result = choice.granted.filter(function (key) { return includes(config.categories, key); });
    } else if (config.mode === "notice_only") {
      result = config.categories.slice();
    } else {
      result = [];
    }
    if (gpc) result = result.filter(function (key) { return !includes(config.gpcRefused, key); });
    return result;
  }

  // -- Google Consent Mode v2 ----------------------------------------------------------------
  function gtag() { window.dataLayer.push(arguments); }

  function googleDefault() {
    if (!config.googleConsentMode) return;
    window.dataLayer = window.dataLayer || [];
    window.gtag = window.gtag || gtag;
    var signals = { security_storage: "granted", wait_for_update: 500 };
    Object.keys(config.googleSignals).forEach(function (key) {
      config.googleSignals[key].forEach(function (name) { signals[name] = "denied"; });
    });
    gtag("consent", "default", signals);
  }

  function googleUpdate() {
    if (!config.googleConsentMode) return;
    var signals = {};
    Object.keys(config.googleSignals).forEach(function (key) {
      config.googleSignals[key].forEach(function (name) {
        signals[name] = includes(allowed, key) ? "granted" : "denied";
      });
    });
    gtag("consent", "update", signals);
  }

  // -- bringing snippets to life -------------------------------------------------------------
  // The same allow-list as the server's (site/safe_urls.py), applied again as the markup comes
  // alive: only an address the browser itself resolves to http(s) is ever loaded.
  function loadable(url) {
    var link = document.createElement("a");
    link.href = url;
    return link.protocol === "http:" || link.protocol === "https:";
  }

  function runScript(inert, parent) {
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      Array.prototype.forEach.call(inert.attributes, function (attr) {
        if (attr.name !== "type" && attr.name.indexOf("data-consent-") !== 0) {
          script.setAttribute(attr.name, attr.value);
        }
      });
      if (inert.getAttribute("data-consent-type")) script.type = inert.getAttribute("data-consent-type");
      var src = inert.getAttribute("data-consent-src");
      if (src && !loadable(src)) { resolve(); return; }
      var waits = !!src && !inert.hasAttribute("async");
      if (src) {
        if (waits) {
          // Keep the provider's order: the next script may need this one.
          script.async = false;
          script.onload = script.onerror = function () { resolve(); };
        }
        script.src = src;
      } else {
        script.text = inert.text;
      }
      if (parent) {
        parent.appendChild(script);
        inert.parentNode.removeChild(inert);
      } else {
        inert.parentNode.replaceChild(script, inert);
      }
      if (!waits) resolve();
    });
  }

  function runTemplate(template, inHead) {
    // The markup travels as an attribute (see inert.py); parsed here, in a template, it still
    // loads nothing until it is inserted below.
    var holder = document.createElement("template");
    holder.innerHTML = template.getAttribute("data-consent-markup") || "";
    var fragment = holder.content;
    Array.prototype.forEach.call(fragment.querySelectorAll("iframe"), function (frame) {
      if (frame.hasAttribute("data-consent-srcdoc")) frame.setAttribute("srcdoc", frame.getAttribute("data-consent-srcdoc"));
      var frameSrc = frame.getAttribute("data-consent-src");
      if (frameSrc && loadable(frameSrc)) frame.setAttribute("src", frameSrc);
    });
    var scripts = Array.prototype.slice.call(fragment.querySelectorAll("script[data-consent-category]"));
    if (inHead) {
      document.head.appendChild(fragment);
      template.parentNode.removeChild(template);
    } else {
      template.parentNode.replaceChild(fragment, template);
    }
    return scripts.reduce(function (chain, script) {
      return chain.then(function () { return runScript(script, null); });
    }, Promise.resolve());
  }

  function activate(container) {
    var inHead = container.getAttribute("data-consent-placement") === "head";
    var placeholder = container.querySelector(".consent-placeholder");
    if (placeholder) placeholder.parentNode.removeChild(placeholder);
    var nodes = Array.prototype.slice.call(container.children);
    return nodes.reduce(function (chain, node) {
      return chain.then(function () {
        if (node.tagName === "SCRIPT") return runScript(node, inHead ? document.head : null);
        if (node.tagName === "TEMPLATE") return runTemplate(node, inHead);
        return undefined;
      });
    }, Promise.resolve());
  }

  function activeCategories() {
    var found = [];
    Array.prototype.forEach.call(document.querySelectorAll(".consent-snippet[data-consent-active]"), function (c) {
      var key = c.getAttribute("data-consent-category");
      if (!includes(found, key)) found.push(key);
    });
    return found;
  }

  function activateAllowed() {
    var chain = Promise.resolve();
    Array.prototype.forEach.call(document.querySelectorAll(".consent-snippet"), function (container) {
      var key = container.getAttribute("data-consent-category");
      if (!includes(allowed, key) || container.hasAttribute("data-consent-active")) return;
      container.setAttribute("data-consent-active", "");
      chain = chain.then(function () { return activate(container); });
    });
    return chain;
  }

  // -- withdrawal ----------------------------------------------------------------------------
  function deleteCookies(categories) {
    var labels = location.hostname.split(".");
    var domains = [""];
    for (var i = 0; i < labels.length - 1; i++) domains.push("; domain=." + labels.slice(i).join("."));
    categories.forEach(function (key) {
      (config.cookies[key] || []).forEach(function (name) {
        domains.forEach(function (domain) {
          document.cookie = name + "=; Max-Age=0; path=/" + domain;
        });
      });
    });
  }

  // -- the banner and the forms --------------------------------------------------------------
  function setBannerHeight() {
    if (banner) document.documentElement.style.setProperty("--consent-banner-height", banner.offsetHeight + "px");
  }

  function showBanner(withSettings) {
    if (!banner) return;
    banner.classList.add("consent-banner--open");
    document.body.classList.add("consent-banner-open");
    if (withSettings) {
      var details = banner.querySelector("[data-consent-details]");
      if (details) details.open = true;
    }
    setBannerHeight();
  }

  function hideBanner() {
    if (!banner) return;
    banner.classList.remove("consent-banner--open");
    document.body.classList.remove("consent-banner-open");
    if (opener && document.body.contains(opener)) opener.focus();
    opener = null;
  }

  function announce(message) {
    var region = document.getElementById("consent-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "consent-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = message;
  }

  function names(list) {
    return list.length ? list.join(", ") : "only what is necessary";
  }

  function reflect() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent-category-input]"), function (box) {
      var refused = gpc && box.hasAttribute("data-consent-gpc-refused");
      box.checked = !refused && includes(allowed, box.value);
      box.disabled = refused;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent-gpc-detected]"), function (el) {
      el.hidden = !gpc;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent-allow]"), function (button) {
      button.hidden = gpc && includes(config.gpcRefused, button.getAttribute("data-consent-allow"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-consent-current]"), function (el) {
      el.hidden = !currentChoice;
      var text = el.querySelector("[data-consent-current-text]");
      if (text) text.textContent = names(allowed);
      var id = el.querySelector("[data-consent-id]");
      if (id && currentChoice) id.textContent = currentChoice.id;
    });
  }

  function apply(choice) {
    currentChoice = stands(choice) ? choice : null;
    allowed = allowedBy(choice);
    googleUpdate();
    reflect();
    document.dispatchEvent(new CustomEvent("masthead:consent", { detail: { allowed: allowed.slice() } }));
    return activateAllowed();
  }

  function send(data) {
    var before = allowed.slice();
    var running = activeCategories();
    return fetch(config.chooseUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || "The choice was not saved.");
        return body;
      });
    }).then(function (state) {
      remember(state.cookie);
      var choice = parse(state.cookie);
      var now = allowedBy(choice);
      var withdrawn = before.filter(function (key) { return !includes(now, key); });
      deleteCookies(withdrawn);
      hideBanner();
      if (withdrawn.some(function (key) { return includes(running, key); })) {
        // What already ran cannot be unloaded: start the page again without it.
        location.reload();
        return;
      }
      announce("Your cookie choice is saved: " + names(now) + ".");
      return apply(choice);
    }).catch(function (error) {
      announce(error.message);
      var status = banner && banner.querySelector(".consent-banner__error");
      if (banner && !status) {
        status = document.createElement("p");
        status.className = "consent-banner__error";
        status.setAttribute("role", "alert");
        banner.querySelector(".consent-banner__inner").appendChild(status);
      }
      if (status) status.textContent = error.message;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("consent-form") || !window.fetch) return;
    var button = event.submitter;
    if (!button || !button.name) return;
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    send(data);
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-consent-open], [data-consent-allow]") : null;
    if (!target) return;
    if (target.hasAttribute("data-consent-allow")) {
      var data = new FormData();
      data.append("choice", "grant");
      data.append("category", target.getAttribute("data-consent-allow"));
      send(data);
      return;
    }
    if (!banner) return; // the settings page itself: follow the link
    event.preventDefault();
    opener = target;
    showBanner(true);
    banner.querySelector("#consent-banner-title").focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && currentChoice && banner && banner.classList.contains("consent-banner--open")) {
      hideBanner();
    }
  });

  window.addEventListener("resize", setBannerHeight);

  window.mastheadConsent = {
    allows: function (key) { return includes(allowed, key); },
    open: function () { showBanner(true); }
  };

  // -- start ---------------------------------------------------------------------------------
  googleDefault();
  var stored = parse(readCookie());
  if (stands(stored)) {
    verify(stored).then(function (choice) {
      if (!choice) showBanner(false);
      apply(choice);
    });
  } else {
    showBanner(false);
    apply(null);
  }
})();
