/*
 * The in-page probe of the widget bench, added to every page as an init script (it runs before
 * any of the page's own scripts). The bench prepends `var __benchProbeConfig = {...};`.
 * Plain JavaScript: it runs in the browser and is read as text by scripts/bench/widget.ts.
 *
 * It records in `window.__bench`, in milliseconds of `performance.now()` (whose origin is the
 * navigation start of the page):
 *
 * - visibleAt: the first animation frame (requestAnimationFrame callback, the last step before
 *   the browser paints that frame) in which the contender's accept button — a <button> whose
 *   text is exactly the accept label, found in the document or any open shadow root — has a
 *   non-empty box and `visibility: visible`. The same rule for every contender; like
 *   Playwright's "visible", it ignores opacity. Frames only run once render-blocking
 *   stylesheets are in, so a banner in the HTML does not count before it can be painted.
 *   The bench learns of that frame from a `console.debug("__bench:visible")`.
 * - clickAt: `timeStamp` of the first trusted click on that button (when the browser received
 *   the input), read by a capturing listener on window that runs before any of the page's;
 *   handlerAt: when that listener ran (the difference is the input delay).
 * - persistedAt: the first check after the click that finds the contender's storage record
 *   granting "usage" (checked right after the click's own handlers, then every task turn).
 * - receiptAt: for a record that carries one (Assent), when `receiptId` appears in it.
 */
(function () {
  "use strict";
  if (window.top !== window) return;
  var cfg = __benchProbeConfig;
  var B = (window.__bench = { visibleAt: null, clickAt: null, handlerAt: null, persistedAt: null, receiptAt: null, frames: 0 });
  var label = cfg.acceptLabel;

  function findIn(root) {
    var buttons = root.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) if (buttons[i].textContent.trim() === label) return buttons[i];
    var all = root.querySelectorAll("*");
    for (var j = 0; j < all.length; j++) {
      if (all[j].shadowRoot) {
        var found = findIn(all[j].shadowRoot);
        if (found) return found;
      }
    }
    return null;
  }
  function findAccept() {
    return document.documentElement ? findIn(document) : null;
  }
  function isVisible(el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility === "visible";
  }

  function frame() {
    B.frames++;
    var el = findAccept();
    if (el && isVisible(el)) {
      B.visibleAt = performance.now();
      // Told to the bench through the console: waiting with page.waitForFunction would inject
      // Playwright's own script into the page, whose compilation (about 50 ms of main thread,
      // 200 ms at 4× CPU) would land in the middle of any banner that shows after the load event.
      console.debug("__bench:visible");
      return;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  /** The contender's stored decision, parsed; null when there is none yet. */
  function readRecord() {
    try {
      if (cfg.storage.type === "localStorage") {
        var raw = localStorage.getItem(cfg.storage.key);
        return raw ? JSON.parse(raw) : null;
      }
      var parts = document.cookie ? document.cookie.split("; ") : [];
      for (var i = 0; i < parts.length; i++) {
        var eq = parts[i].indexOf("=");
        if (parts[i].slice(0, eq) === cfg.storage.key) return JSON.parse(decodeURIComponent(parts[i].slice(eq + 1)));
      }
    } catch (e) {
      // not (yet) a complete record
    }
    return null;
  }
  function grantsUsage(record) {
    var c = record && record.categories;
    if (!c) return false;
    return Array.isArray(c) ? c.indexOf("usage") >= 0 : c.usage === true;
  }
  function check() {
    var record = readRecord();
    var now = performance.now();
    if (B.persistedAt === null && grantsUsage(record)) B.persistedAt = now;
    if (B.persistedAt !== null && cfg.receipt && B.receiptAt === null && record && record.receiptId) B.receiptAt = now;
    return B.persistedAt !== null && (!cfg.receipt || B.receiptAt !== null);
  }
  function poll() {
    if (!check()) setTimeout(poll, 0);
  }

  window.addEventListener(
    "click",
    function (event) {
      if (B.clickAt !== null || !event.isTrusted) return;
      var target = event.composedPath()[0];
      var button = target && target.closest ? target.closest("button") : null;
      if (!button || button.textContent.trim() !== label) return;
      B.clickAt = event.timeStamp;
      B.handlerAt = performance.now();
      // After the click's own handlers (target and bubbling phase) have run.
      window.addEventListener("click", function after() {
        window.removeEventListener("click", after);
        check();
      });
      setTimeout(poll, 0);
    },
    true,
  );
})();
