/*
 * The compliance scanner's in-page helpers, added to every page of a scan as an init script
 * (scanner/run.ts reads this file as text). Plain JavaScript: it runs in the scanned page and
 * only reads it. Exposed as `window.__assentScan`:
 *
 * - consentMode(from): the Consent Mode commands in `window.dataLayer` from index `from` (0 by
 *   default), in order: gtag's `arguments` entries as { command, target, values } and
 *   `{ event }` objects as "event".
 * - storage(): the page's localStorage and sessionStorage keys.
 * - bannerRoot(el): the element that holds a first-layer button: the host of its shadow root,
 *   else the nearest dialog/region/aside or cookie/consent-named container.
 * - controls(root): every checkbox and switch under `root`, open shadow roots included, with
 *   its label, whether it is on and whether it is locked.
 * - measure(el): a button's box, type and colours, and its label's contrast (WCAG) against
 *   the first opaque background behind it, with opacity and alpha blended in.
 */
(function () {
  "use strict";

  function consentMode(from) {
    var dl = Array.isArray(window.dataLayer) ? window.dataLayer : [];
    var out = [];
    for (var i = from || 0; i < dl.length && out.length < 500; i++) {
      var e = dl[i];
      if (!e || typeof e !== "object") continue;
      if (typeof e.length === "number" && typeof e[0] === "string") {
        var call = { command: String(e[0]).slice(0, 32), target: typeof e[1] === "string" ? e[1].slice(0, 128) : null };
        if (e[0] === "consent" && e[2] && typeof e[2] === "object") {
          var values = {};
          for (var k in e[2]) if (typeof e[2][k] === "string") values[k.slice(0, 64)] = e[2][k].slice(0, 16);
          call.values = values;
        }
        out.push(call);
      } else if (typeof e.event === "string") {
        out.push({ command: "event", target: e.event.slice(0, 128) });
      }
    }
    return out;
  }

  function keys(area) {
    try {
      var s = window[area];
      var out = [];
      for (var i = 0; i < s.length && out.length < 250; i++) out.push({ area: area, key: String(s.key(i)).slice(0, 256) });
      return out;
    } catch (_) {
      return [];
    }
  }

  function storage() {
    return keys("localStorage").concat(keys("sessionStorage"));
  }

  var CONTAINER = "[role=dialog],[role=alertdialog],[role=region],[aria-modal],aside,[id*=cookie i],[class*=cookie i],[id*=consent i],[class*=consent i]";

  function bannerRoot(el) {
    var root = el.getRootNode();
    if (root && root.host) {
      while (root.host && root.host.getRootNode() !== document) root = root.host.getRootNode();
      return root.host || root;
    }
    return el.closest(CONTAINER) || el.parentElement || el;
  }

  function textOf(node) {
    return node ? String(node.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  function labelOf(el) {
    var aria = el.getAttribute("aria-label");
    if (aria) return aria.trim();
    var by = el.getAttribute("aria-labelledby");
    if (by) {
      var r = el.getRootNode();
      var parts = by.split(/\s+/).map(function (id) {
        return textOf(r.getElementById ? r.getElementById(id) : null);
      });
      if (parts.join("")) return parts.join(" ");
    }
    if (el.labels && el.labels.length) return textOf(el.labels[0]);
    return textOf(el.closest("label")) || textOf(el.parentElement) || el.getAttribute("name") || "(unlabelled)";
  }

  function controls(root) {
    var out = [];
    function walk(node) {
      var all = node.querySelectorAll("*");
      for (var i = 0; i < all.length && out.length < 50; i++) {
        var el = all[i];
        var isBox = el.tagName === "INPUT" && el.type === "checkbox";
        var isSwitch = el.getAttribute("role") === "switch" || el.getAttribute("role") === "checkbox";
        if ((isBox || isSwitch) && getComputedStyle(el).display !== "none") {
          out.push({
            label: labelOf(el).slice(0, 200),
            checked: isBox ? el.checked : el.getAttribute("aria-checked") === "true",
            disabled: isBox ? el.disabled : el.getAttribute("aria-disabled") === "true",
          });
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    }
    walk(root);
    if (root.shadowRoot) walk(root.shadowRoot);
    return out;
  }

  var canvas = null;
  function rgba(css) {
    if (!canvas) canvas = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
    canvas.clearRect(0, 0, 1, 1);
    canvas.fillStyle = "#000";
    canvas.fillStyle = css;
    canvas.fillRect(0, 0, 1, 1);
    // On a cleared canvas the pixel is the colour itself, its alpha included (not premultiplied).
    var d = canvas.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  }

  function parentOf(n) {
    if (n.parentElement) return n.parentElement;
    var r = n.getRootNode();
    return r && r.host ? r.host : null;
  }

  function blend(fg, bg, alpha) {
    return [0, 1, 2].map(function (i) {
      return Math.round(fg[i] * alpha + bg[i] * (1 - alpha));
    });
  }

  function luminance(c) {
    var v = c.map(function (x) {
      x = x / 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  function hex(c) {
    return "#" + c.map(function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function measure(el) {
    var box = el.getBoundingClientRect();
    var cs = getComputedStyle(el);
    var opacity = 1;
    var bg = null;
    for (var n = el; n; n = parentOf(n)) {
      var s = getComputedStyle(n);
      opacity *= parseFloat(s.opacity || "1");
      if (!bg) {
        var b = rgba(s.backgroundColor);
        if (b[3] > 0.5) bg = b;
      }
    }
    var back = bg ? bg.slice(0, 3) : [255, 255, 255];
    var text = rgba(cs.color);
    var seen = blend(text, back, text[3] * opacity);
    var own = rgba(cs.backgroundColor);
    var face = own[3] > 0 ? blend(own, back, own[3] * opacity) : back;
    var hi = Math.max(luminance(seen), luminance(face));
    var lo = Math.min(luminance(seen), luminance(face));
    return {
      label: textOf(el).slice(0, 200) || (el.getAttribute("aria-label") || "").slice(0, 200),
      width: Math.round(box.width * 10) / 10,
      height: Math.round(box.height * 10) / 10,
      fontSize: parseFloat(cs.fontSize),
      fontWeight: parseInt(cs.fontWeight, 10) || 400,
      color: hex(seen),
      background: hex(face),
      contrast: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
    };
  }

  // Frozen and not writable, so a page's scripts cannot swap the helpers for their own.
  Object.defineProperty(window, "__assentScan", {
    value: Object.freeze({ consentMode: consentMode, storage: storage, bannerRoot: bannerRoot, controls: controls, measure: measure }),
    writable: false,
    configurable: false,
  });
})();
