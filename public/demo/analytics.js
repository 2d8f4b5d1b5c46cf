// The demo's usage analytics: a stand-in for a real analytics tag, gated by Assent
// (data-consent="usage"). It records that it ran where a visitor and a test can see it.
(function () {
  window.__penguinAnalyticsRuns = (window.__penguinAnalyticsRuns || 0) + 1;
  var views = Number(localStorage.getItem("pg_usage_events") || "0") + 1;
  localStorage.setItem("pg_usage_events", String(views));
  document.cookie = "pg_usage=" + views + "; Path=/; Max-Age=" + 395 * 86400 + "; SameSite=Lax";
  var el = document.getElementById("analytics-status");
  if (el) {
    el.textContent = "Usage analytics: running — page view recorded (" + views + " so far, cookie pg_usage set).";
    el.className = "status on";
  }
})();
