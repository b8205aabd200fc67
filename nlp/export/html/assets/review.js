/* Eligo review page: family switches, row filters (kept in the URL's #fragment, so a filtered
   view can be linked: page.html#only-disagreements), and keys j/k (criteria) and n/p
   (disagreements). The page reads fine without it. */
(function () {
  "use strict";
  var body = document.body;
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row"));
  var onlyDiffs = document.getElementById("filter-disagreements");
  var onlyWarned = document.getElementById("filter-warned");
  var status = document.getElementById("status");

  Array.prototype.forEach.call(document.querySelectorAll("input[data-family-toggle]"), function (box) {
    box.addEventListener("change", function () {
      body.classList.toggle("hide-" + box.getAttribute("data-family-toggle"), !box.checked);
    });
  });

  function applyRows(fromHash) {
    var wantDiffs = !!(onlyDiffs && onlyDiffs.checked);
    var wantWarned = !!(onlyWarned && onlyWarned.checked);
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!wantDiffs || row.getAttribute("data-diffs") !== "0") &&
                 (!wantWarned || row.getAttribute("data-warnings") !== "0");
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    var filtered = wantDiffs || wantWarned;
    if (status) { status.textContent = filtered ? "showing " + shown + " of " + rows.length + " rows" : ""; }
    if (!fromHash) {
      var hash = wantDiffs ? "#only-disagreements" : (wantWarned ? "#only-warned" : "");
      if (history.replaceState) { history.replaceState(null, "", hash || location.pathname + location.search); }
    }
  }

  function readHash() {
    var hash = location.hash;
    if (onlyDiffs) { onlyDiffs.checked = hash === "#only-disagreements"; }
    if (onlyWarned) { onlyWarned.checked = hash === "#only-warned"; }
    applyRows(true);
  }

  [onlyDiffs, onlyWarned].forEach(function (box) {
    if (box) { box.addEventListener("change", function () { applyRows(false); }); }
  });
  window.addEventListener("hashchange", function () {
    if (location.hash === "#only-disagreements" || location.hash === "#only-warned" || location.hash === "") { readHash(); }
  });

  function visible(selector) {
    return Array.prototype.filter.call(document.querySelectorAll(selector), function (el) {
      var row = el.closest(".row");
      return !row || !row.hidden;
    });
  }

  function step(selector, forward) {
    var items = visible(selector);
    if (!items.length) { return; }
    var at = items.indexOf(document.activeElement);
    var next = at < 0 ? (forward ? 0 : items.length - 1) : (at + (forward ? 1 : -1) + items.length) % items.length;
    items[next].focus();
    items[next].scrollIntoView({ block: "center" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) { return; }
    var keys = { j: [".card[id]", true], k: [".card[id]", false], n: [".diff:not(.silent)", true], p: [".diff:not(.silent)", false] };
    var what = keys[event.key];
    if (!what) { return; }
    event.preventDefault();
    step(what[0], what[1]);
  });

  /* a click on a mark lights up its criterion's card */
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.m");
    if (!mark) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".card.active"), function (c) { c.classList.remove("active"); });
    var card = mark.closest(".row").querySelector(".card[id]");
    if (card) { card.classList.add("active"); }
  });

  readHash();
  document.documentElement.setAttribute("data-ready", "true");
})();
