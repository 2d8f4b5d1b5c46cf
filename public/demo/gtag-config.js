// Stand-in for the Google tag's setup (gtag.js itself is not loaded in the demo: no network).
window.gtag("js", new Date());
window.gtag("config", "G-DEMO000000");
window.gtag("event", "page_view");
