/* Offline full-text search of the web edition.
   The index (window.TEI_SEARCH, from search-index.js) was built at render time:
   docs = [[href, title], ...], blocks = [[docIndex, anchor, text], ...].
   Results are built with DOM methods and textContent only, so no indexed text can ever be
   interpreted as markup. */
(function () {
  "use strict";
  var index = window.TEI_SEARCH;
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  if (!index || !input || !list) { return; }

  // Case- and accent-insensitive matching: "Rozengolts" finds "Rozengol'ts" variants too.
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var folded = index.blocks.map(function (b) { return fold(b[2]); });

  function snippet(text, term) {
    var at = fold(text).indexOf(term);
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, at + term.length + 100);
    return { before: (start > 0 ? "…" : "") + text.slice(start, at),
             hit: text.slice(at, at + term.length),
             after: text.slice(at + term.length, end) + (end < text.length ? "…" : "") };
  }

  function search(query) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < folded.length; i++) {
      var text = folded[i], score = 0, all = true;
      for (var j = 0; j < terms.length; j++) {
        var n = text.split(terms[j]).length - 1;
        if (!n) { all = false; break; }
        score += n;
      }
      if (all) { hits.push([score, i]); }
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    status.textContent = hits.length ? hits.length + " passages found" +
      (hits.length > 200 ? "; the first 200 are shown." : ".") : "Nothing found.";
    hits.slice(0, 200).forEach(function (h) {
      var block = index.blocks[h[1]], doc = index.docs[block[0]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = doc[0] + (block[1] ? "#" + block[1] : "");
      a.textContent = doc[1];
      var where = document.createElement("span");
      where.className = "where";
      where.appendChild(a);
      var p = document.createElement("p");
      var s = snippet(block[2], terms[0]);
      var mark = document.createElement("mark");
      mark.textContent = s.hit;
      p.appendChild(document.createTextNode(s.before));
      p.appendChild(mark);
      p.appendChild(document.createTextNode(s.after));
      li.appendChild(where);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  search(initial);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url.toString());
  });
})();
