// The demo site's own blog signup form, posting to Assent's signup API (double opt-in): what a
// site owner would write. The consent wording above the box is the list's text version
// 2026-11-01 in examples/sites/demo.json; when the wording changes, both change together.
(function () {
  var form = document.getElementById("blog-signup");
  if (!form) return;
  var status = document.getElementById("blog-signup-status");
  // Where Assent runs: the origin of the assent.js tag (the same Worker serves the API).
  var tag = document.querySelector("script[data-site][src*='assent']");
  var endpoint = tag ? new URL("/", tag.src).href : "/";
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = document.getElementById("blog-email");
    var consent = document.getElementById("blog-consent");
    if (!consent.checked) return void (status.textContent = "Tick the box to sign up.");
    if (!email.checkValidity() || !email.value) return void (status.textContent = "Enter a valid email address.");
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
      body: JSON.stringify({ email: email.value, lists: ["blog"], textVersion: "2026-11-01", locale: "en" }),
    }).then(function (res) {
      status.textContent = res.ok
        ? "Almost done: we sent a confirmation link to " + email.value + "."
        : "That did not work. Please try again.";
      if (res.ok) form.reset();
    }, function () {
      status.textContent = "That did not work. Please try again.";
    });
  });
})();
