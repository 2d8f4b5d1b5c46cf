// The floor's whole behaviour: a click writes the decision to localStorage and hides the banner.
document.getElementById("banner").addEventListener("click", function (event) {
  var action = event.target.closest && event.target.closest("button") && event.target.closest("button").dataset.action;
  if (action !== "accept" && action !== "reject") return;
  var record = { v: 1, categories: { necessary: true, usage: action === "accept" }, updatedAt: new Date().toISOString() };
  localStorage.setItem("bench-floor:consent", JSON.stringify(record));
  this.hidden = true;
});
