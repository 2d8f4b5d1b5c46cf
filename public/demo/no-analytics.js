// Runs only when the visitor refused usage data (data-consent="!usage").
(function () {
  window.__penguinNoAnalyticsRuns = (window.__penguinNoAnalyticsRuns || 0) + 1;
  var el = document.getElementById("analytics-status");
  if (el) el.textContent = "Usage analytics: off — you said no, so nothing is measured.";
})();
