// The demo site's own blog signup form, posting to Assent's signup API (double opt-in): what a
// site owner would write. The consent wording above the box is the list's text version
// 2026-11-01 in examples/sites/demo.json; when the wording changes, both change together.
//
// Turnstile: when the site config protects signups with Turnstile (`turnstile.siteKey`), the
// form renders Cloudflare's widget once the visitor starts using it (never on page load) and
// sends its single-use token as `turnstileToken`. A site owner would simply hard-code their
// site key; the demo reads it from bootstrap so it follows the config. The demo config does not
// enable Turnstile (there is no internet locally), so by default nothing extra happens.
(function () {
  var form = document.getElementById("blog-signup");
  if (!form) return;
  var status = document.getElementById("blog-signup-status");
  // Where Assent runs: the origin of the assent.js tag (the same Worker serves the API).
  var tag = document.querySelector("script[data-site][src*='assent']");
  var endpoint = tag ? new URL("/", tag.src).href : "/";
  var TURNSTILE_JS = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

  // --- Turnstile, only when the site enables it, only once the form is used ---
  var starting = null; // resolves with { widgetId, token } when Turnstile is on, else null
  function startChallenge() {
    if (starting) return starting;
    starting = fetch(endpoint + "v1/sites/demo/bootstrap", { credentials: "omit" })
      .then(function (res) { return res.ok ? res.json() : {}; }, function () {
        starting = null; // the Worker was unreachable: ask again on the next use
        return {};
      })
      .then(function (boot) {
        var settings = boot && boot.turnstile;
        if (!settings) return null;
        return loadScript().then(function () {
          var box = document.createElement("div");
          box.id = "blog-turnstile";
          form.querySelector("button[type=submit]").parentNode.before(box);
          var state = { widgetId: null, token: null };
          state.widgetId = window.turnstile.render(box, {
            sitekey: settings.siteKey,
            action: settings.action,
            callback: function (token) { state.token = token; },
            "expired-callback": function () { state.token = null; },
            "error-callback": function () {
              state.token = null;
              status.textContent = "The security check failed to load. Try again later.";
              return true;
            },
          });
          return state;
        });
      })
      .catch(function () {
        starting = null; // try again on the next use
        status.textContent = "The security check could not be loaded. Check your connection or try again later.";
        return null;
      });
    return starting;
  }
  function loadScript() {
    if (window.turnstile) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = TURNSTILE_JS;
      s.async = true;
      s.onload = function () { window.turnstile ? resolve() : reject(new Error("no turnstile")); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  form.addEventListener("focusin", startChallenge);
  form.addEventListener("change", startChallenge);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = document.getElementById("blog-email");
    var consent = document.getElementById("blog-consent");
    if (!consent.checked) return void (status.textContent = "Tick the box to sign up.");
    if (!email.checkValidity() || !email.value) return void (status.textContent = "Enter a valid email address.");
    startChallenge().then(function (turnstile) {
      // No challenge: the site does not use Turnstile, or it could not load (the status line
      // says so, and the Worker refuses the signup without a token).
      var body = { email: email.value, lists: ["blog"], textVersion: "2026-11-01", locale: "en", sourceUrl: location.origin + location.pathname };
      if (turnstile) {
        if (!turnstile.token) return void (status.textContent = "Complete the security check, then sign up again.");
        body.turnstileToken = turnstile.token;
        // Tokens are single use: get a fresh one for the next attempt.
        turnstile.token = null;
        window.turnstile.reset(turnstile.widgetId);
      }
      send(body);
    });
  });

  function send(body) {
    var headers = { "Content-Type": "application/json" };
    try {
      // Link the signup to this browser's consent record, when there is one.
      var record = JSON.parse(localStorage.getItem("assent:v1:demo") || "null");
      if (record && record.token) headers.Authorization = "Bearer " + record.token;
    } catch (e) {}
    fetch(endpoint + "v1/sites/demo/subscriptions", {
      method: "POST",
      credentials: "omit",
      headers: headers,
      body: JSON.stringify(body),
    }).then(function (res) {
      var email = body.email;
      if (res.ok) {
        status.textContent = "Almost done: we sent a confirmation link to " + email + ".";
        form.reset();
        return;
      }
      return res.json().then(function (problem) { return problem.code; }, function () { return ""; }).then(function (code) {
        status.textContent =
          code === "turnstile_failed" || code === "turnstile_required"
            ? "The security check did not pass. Please try again."
            : code === "turnstile_unavailable"
              ? "The security check is unavailable right now. Try again in a moment."
              : "That did not work. Please try again.";
      });
    }, function () {
      status.textContent = "That did not work. Please try again.";
    });
  }
})();
