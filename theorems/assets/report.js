// gd-theorem-suite report: plain JavaScript, inlined (no external resource).
(function () {
  "use strict";
  // Index: filters (paper, verdict, kind) and a search box over the claims table.
  function applyFilters() {
    var table = document.getElementById("claims");
    if (!table) return;
    var get = function (id) { var el = document.getElementById(id); return el ? el.value : ""; };
    var paper = get("f-paper"), verdict = get("f-verdict"), kind = get("f-kind");
    var words = get("f-search").toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], d = r.dataset;
      var ok = (!paper || d.paper === paper) && (!verdict || d.verdict === verdict) &&
               (!kind || d.kind === kind);
      if (ok && words.length) {
        var text = d.search;
        for (var j = 0; j < words.length && ok; j++) ok = text.indexOf(words[j]) >= 0;
      }
      r.hidden = !ok;
      if (ok) shown++;
    }
    var out = document.getElementById("shown");
    if (out) out.textContent = shown + " of " + rows.length + " shown";
  }
  function setFilter(id, value) {
    var el = document.getElementById(id);
    if (el) el.value = value;
  }
  // Copy buttons: the text of the element named by data-copy.
  function copy(button) {
    var target = document.getElementById(button.dataset.copy);
    var text = target ? target.textContent : "";
    var done = function () { button.textContent = "copied"; setTimeout(function () { button.textContent = "copy"; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(target); done(); });
    } else { fallback(target); done(); }
  }
  function fallback(target) {
    if (!target) return;
    var range = document.createRange();
    range.selectNodeContents(target);
    var sel = window.getSelection();
    sel.removeAllRanges(); sel.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* selection stays for a manual copy */ }
  }
  document.addEventListener("input", function (e) {
    if (e.target.closest && e.target.closest(".filters")) applyFilters();
  });
  document.addEventListener("change", function (e) {
    if (e.target.closest && e.target.closest(".filters")) applyFilters();
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.dataset && t.dataset.copy) { copy(t); return; }
    if (t.dataset && t.dataset.open !== undefined) {
      var scope = document.getElementById(t.dataset.open) || document;
      var open = t.dataset.state !== "open";
      scope.querySelectorAll("details").forEach(function (d) { d.open = open; });
      t.dataset.state = open ? "open" : "closed";
      t.textContent = open ? "collapse all" : "expand all";
      return;
    }
    var cell = t.closest ? t.closest("a.cell") : null;
    if (cell) {
      e.preventDefault();
      setFilter("f-paper", cell.dataset.paper || "");
      setFilter("f-verdict", cell.dataset.verdict || "");
      setFilter("f-kind", ""); setFilter("f-search", "");
      applyFilters();
      document.getElementById("claims").scrollIntoView();
    }
  });
  // Filters may be preset from the URL: report.html#verdict=REFUTED&paper=bw
  function fromHash() {
    var h = window.location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) return;
    h.split("&").forEach(function (kv) {
      var p = kv.split("="), v = decodeURIComponent(p[1] || "");
      if (["paper", "verdict", "kind", "search"].indexOf(p[0]) >= 0) setFilter("f-" + p[0], v);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fromHash(); applyFilters(); });
  window.reportFilters = { apply: applyFilters, set: setFilter };
})();
