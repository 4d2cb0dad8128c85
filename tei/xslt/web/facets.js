/* Combined facets on the list of letters. Without this script the facets are links to a
   page per value (facets.xsl); with it, the hidden form above the list appears and filters
   the table's rows by their data-* attributes: a date range (years or months), a
   correspondent, a place of writing, a person named. The filters are kept in the URL's
   query (?from=1932-06&corr=stalin), so a filtered list can be linked to. */
(function () {
  "use strict";
  var form = document.querySelector("form.facets");
  var table = document.querySelector("table.letters");
  if (!form || !table) { return; }
  var rows = Array.from(table.tBodies[0].rows);
  var status = form.querySelector(".status");
  var fields = Array.from(form.elements).filter(function (f) { return f.name; });

  function keys(row, name) { return (row.dataset[name] || "").split(" "); }
  function inRange(date, from, to) {
    if (!from && !to) { return true; }
    if (!date) { return false; }
    return (!from || date.slice(0, from.length) >= from) && (!to || date.slice(0, to.length) <= to);
  }
  function shows(row, f) {
    return inRange(row.dataset.date, f.from, f.to) &&
      (!f.corr || keys(row, "corr").indexOf(f.corr) >= 0) &&
      (!f.place || keys(row, "place").indexOf(f.place) >= 0) &&
      (!f.mentions || keys(row, "mentions").indexOf(f.mentions) >= 0);
  }

  function apply() {
    var f = {}, params = new URLSearchParams();
    fields.forEach(function (field) {
      f[field.name] = field.value.trim();
      if (f[field.name]) { params.set(field.name, f[field.name]); }
    });
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !shows(row, f);
      shown += row.hidden ? 0 : 1;
    });
    status.textContent = params.toString() ? shown + " of " + rows.length + " letters shown." : "";
    var query = params.toString();
    window.history.replaceState(null, "", (query ? "?" + query : window.location.pathname) + window.location.hash);
  }

  var initial = new URLSearchParams(window.location.search);
  fields.forEach(function (field) {
    field.value = initial.get(field.name) || "";
    field.addEventListener(field.tagName === "SELECT" ? "change" : "input", apply);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();
