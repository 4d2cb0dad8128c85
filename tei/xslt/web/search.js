/* Offline search of the web edition, on the static index tei/render/search_index.py writes
   (its docstring describes the files). Queries: all words, in any order; "a phrase" in
   quotes; plan* for words that begin so; a register name also finds its other spellings.
   Results are letters (and other texts) with their count of hits, each hit highlighted by
   its word positions. Every result is built with DOM methods and text nodes, never markup:
   no indexed text can become code. The index files are scripts added on demand, because
   browsers refuse fetch() on file:// and the site must work from the file system. */
(function () {
  "use strict";
  var index = window.TEI_SEARCH;
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var more = document.getElementById("more");
  if (!index || !form || !input || !list) { return; }
  var PAGE = 25, SNIPPETS = 3, CONTEXT = 12;
  var FILTERS = ["from", "to", "corr", "place"];
  var DOC = { href: 0, title: 1, n: 2, kind: 3, date: 4, corr: 5, place: 6 };

  // The same folding and words as the index writer (tei/render/search_index.py).
  var LETTERS = { "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae",
                  "œ": "oe", "ı": "i", "ʹ": "", "ʺ": "" };
  function fold(word) {
    return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/[łøđðþßæœıʹʺ]/g, function (c) { return LETTERS[c]; });
  }
  function words(text) {
    return text.normalize("NFC").match(/[\p{L}\p{N}]+/gu) || [];
  }

  var MAX_NAME = 5;  // words in the longest name looked up in the register
  // The texts' spellings of the register entities a typed name stands for, or null.
  function spellingsOf(form) {
    var groups = index.names[form];
    if (!groups) { return null; }
    var all = {};
    groups.forEach(function (g) { index.groups[g].forEach(function (s) { all[s] = true; }); });
    return Object.keys(all);
  }

  // ------------------------------------------------------------------ loading index files
  var loaded = {};
  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = resolve;  // a missing shard means: no such words
        document.head.appendChild(script);
      });
    }
    return loaded[src];
  }
  function shardOf(term) {
    return Array.from(term).slice(0, 2).map(function (c) {
      return c.codePointAt(0).toString(16);
    }).join("-");
  }
  // The shards that may hold terms beginning with `prefix` (one character: all of its shards).
  function shardsFor(prefix) {
    var name = shardOf(prefix);
    if (Array.from(prefix).length >= 2) { return [name]; }
    return index.shards.filter(function (s) { return s === name || s.indexOf(name + "-") === 0; });
  }
  function loadTerms(matcher) {
    var names = shardsFor(matcher.term);
    return Promise.all(names.map(function (s) { return load("search/t/" + s + ".js"); }))
      .then(function () {
        var terms = window.TEI_SEARCH_TERMS || {};
        return names.map(function (s) { return terms[s] || {}; });
      });
  }

  // ------------------------------------------------------------------ queries
  // A query is clauses, all of which a document must match; a clause is alternatives (the
  // register's spellings of a name), each a sequence of matchers (one word, or a phrase).
  // Quoted text is a phrase; unquoted words that together are a register name ("Lazar
  // Kaganovich", "L. Kaganovich") are that name, else each word is a clause of its own.
  function parse(query) {
    var items = [], re = /"([^"]*)"?|(\S+)/g, m;
    while ((m = re.exec(query)) !== null) {
      var quoted = m[1] !== undefined, raw = quoted ? m[1] : m[2];
      var terms = words(raw).map(fold).filter(Boolean);
      if (terms.length) { items.push({ terms: terms, prefix: /\*\s*$/.test(raw), quoted: quoted }); }
    }
    var clauses = [];
    for (var i = 0; i < items.length; i += 1) {
      var name = longestName(items, i);
      if (name) {
        clauses.push(name.spellings.map(sequence));
        i = name.end - 1;
      } else {
        clauses.push([items[i].terms.map(function (t, k) {
          return { term: t, prefix: items[i].prefix && k === items[i].terms.length - 1 };
        })]);
      }
    }
    return clauses;
  }
  function sequence(form) {
    return form.split(" ").map(function (t) { return { term: t, prefix: false }; });
  }
  // The longest run of items from `start` that is a register name: a quoted phrase alone,
  // or unquoted words; prefixes (plan*) are never names.
  function longestName(items, start) {
    if (items[start].prefix) { return null; }
    if (items[start].quoted) {
      var phrase = spellingsOf(items[start].terms.join(" "));
      return phrase ? { spellings: phrase, end: start + 1 } : null;
    }
    var terms = [], best = null;
    for (var j = start; j < items.length && !items[j].quoted && !items[j].prefix; j++) {
      terms = terms.concat(items[j].terms);
      if (terms.length > MAX_NAME) { break; }
      var found = spellingsOf(terms.join(" "));
      if (found) { best = { spellings: found, end: j + 1 }; }
    }
    return best;
  }

  // Postings of one matcher: "doc,passage" → {doc, passage, positions}.
  function postings(matcher) {
    return loadTerms(matcher).then(function (shards) {
      var found = {};
      shards.forEach(function (terms) {
        Object.keys(terms).forEach(function (term) {
          if (term === matcher.term || (matcher.prefix && term.indexOf(matcher.term) === 0)) {
            decode(terms[term], found);
          }
        });
      });
      return found;
    });
  }
  function decode(flat, found) {
    var doc = 0;
    for (var i = 0; i < flat.length;) {
      doc += flat[i];
      var passage = flat[i + 1], n = flat[i + 2], key = doc + "," + passage;
      var entry = found[key] || (found[key] = { doc: doc, passage: passage, positions: {} });
      for (var k = 0, at = 0; k < n; k++) { at += flat[i + 3 + k]; entry.positions[at] = true; }
      i += 3 + n;
    }
  }

  // Occurrences of a sequence of matchers: [{doc, passage, at, length}], consecutive words.
  function occurrences(sequence) {
    return Promise.all(sequence.map(postings)).then(function (each) {
      var out = [];
      Object.keys(each[0]).forEach(function (key) {
        var first = each[0][key];
        Object.keys(first.positions).forEach(function (p) {
          var at = Number(p);
          for (var k = 1; k < each.length; k++) {
            var next = each[k][key];
            if (!next || !next.positions[at + k]) { return; }
          }
          out.push({ doc: first.doc, passage: first.passage, at: at, length: each.length });
        });
      });
      return out;
    });
  }

  // Documents matching every clause, with their hits: {doc → [occurrence]}.
  function evaluate(clauses) {
    return Promise.all(clauses.map(function (alternatives) {
      return Promise.all(alternatives.map(occurrences)).then(function (lists) {
        var byDoc = {};
        lists.forEach(function (list) {
          list.forEach(function (o) { (byDoc[o.doc] = byDoc[o.doc] || []).push(o); });
        });
        return byDoc;
      });
    })).then(function (perClause) {
      var hits = {};
      Object.keys(perClause[0]).forEach(function (doc) {
        if (perClause.every(function (c) { return c[doc]; })) {
          hits[doc] = [].concat.apply([], perClause.map(function (c) { return c[doc]; }));
        }
      });
      return hits;
    });
  }

  // ------------------------------------------------------------------ filters
  function filtersOf(params) {
    var f = {};
    FILTERS.forEach(function (name) { f[name] = (params.get(name) || "").trim(); });
    return f;
  }
  function passes(doc, f) {
    var active = FILTERS.some(function (name) { return f[name]; });
    if (!active) { return true; }
    var date = doc[DOC.date];
    if (doc[DOC.kind] !== "letter") { return false; }
    if ((f.from || f.to) && !date) { return false; }
    if (f.from && date.slice(0, f.from.length) < f.from) { return false; }
    if (f.to && date.slice(0, f.to.length) > f.to) { return false; }
    if (f.corr && doc[DOC.corr].indexOf(f.corr) < 0) { return false; }
    if (f.place && doc[DOC.place].indexOf(f.place) < 0) { return false; }
    return true;
  }

  // ------------------------------------------------------------------ results
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }

  // What the page reached highlights: each alternative as words, "*" marking a prefix.
  function highlightParams(clauses) {
    var params = new URLSearchParams();
    clauses.forEach(function (alternatives) {
      alternatives.forEach(function (seq) {
        params.append("hl", seq.map(function (m) { return m.term + (m.prefix ? "*" : ""); }).join(" "));
      });
    });
    return params.toString();
  }

  // A passage's text around its first hit, every hit word in a <mark>.
  function snippet(text, hits) {
    var marked = {}, re = /[\p{L}\p{N}]+/gu, m, position = 0, spans = [];
    hits.forEach(function (o) { for (var k = 0; k < o.length; k++) { marked[o.at + k] = true; } });
    text = text.normalize("NFC");
    while ((m = re.exec(text)) !== null) { spans.push([m.index, m.index + m[0].length, position++]); }
    var first = Math.min.apply(null, hits.map(function (o) { return o.at; }));
    var from = spans[Math.max(0, first - CONTEXT)], to = spans[Math.min(spans.length - 1, first + 3 * CONTEXT)];
    var start = from ? from[0] : 0, end = to ? to[1] : text.length;
    var p = el("p", "snippet"), cursor = start;
    if (start > 0) { p.appendChild(document.createTextNode("… ")); }
    spans.forEach(function (s) {
      if (!marked[s[2]] || s[0] < start || s[1] > end) { return; }
      p.appendChild(document.createTextNode(text.slice(cursor, s[0])));
      p.appendChild(el("mark", "", text.slice(s[0], s[1])));
      cursor = s[1];
    });
    p.appendChild(document.createTextNode(text.slice(cursor, end) + (end < text.length ? " …" : "")));
    return p;
  }

  function chunkOf(doc) {
    var number = Math.floor(doc / index.chunk);
    return load("search/x/" + number + ".js").then(function () {
      return (window.TEI_SEARCH_TEXT || {})[number][doc % index.chunk];
    });
  }

  function result(doc, hits, passages, hl) {
    var row = index.docs[doc], li = el("li");
    var head = el("p", "where");
    var link = el("a", "", (row[DOC.n] ? row[DOC.n] + ". " : "") + row[DOC.title]);
    link.href = row[DOC.href] + (hl ? "?" + hl : "");
    head.appendChild(link);
    if (hits.length) { head.appendChild(el("span", "hits", " — " + plural(hits.length, "hit"))); }
    li.appendChild(head);
    var byPassage = {};
    hits.forEach(function (o) { (byPassage[o.passage] = byPassage[o.passage] || []).push(o); });
    Object.keys(byPassage).map(Number).sort(function (a, b) { return a - b; })
      .slice(0, SNIPPETS).forEach(function (n) {
        var anchor = passages[n][0], a = el("a", "passage");
        a.href = row[DOC.href] + (hl ? "?" + hl : "") + (anchor ? "#" + anchor : "");
        a.appendChild(snippet(passages[n][1], byPassage[n]));
        li.appendChild(a);
      });
    return li;
  }

  var pending = [], shownHl = "";
  function showMore() {
    var page = pending.splice(0, PAGE);
    more.hidden = pending.length === 0;
    return Promise.all(page.map(function (r) { return chunkOf(r.doc); })).then(function (texts) {
      page.forEach(function (r, i) { list.appendChild(result(r.doc, r.hits, texts[i] || [], shownHl)); });
    });
  }

  function search(query, filters) {
    clear(list);
    pending = [];
    more.hidden = true;
    var clauses = parse(query);
    var filtered = FILTERS.some(function (name) { return filters[name]; });
    if (!clauses.length && !filtered) { status.textContent = ""; return Promise.resolve(); }
    status.textContent = "Searching…";
    var found = clauses.length ? evaluate(clauses) : Promise.resolve(allDocs());
    return found.then(function (hits) {
      var docs = Object.keys(hits).map(Number).filter(function (d) { return passes(index.docs[d], filters); });
      docs.sort(function (a, b) {
        return hits[b].length - hits[a].length || Number(index.docs[a][DOC.n] || 1e9) - Number(index.docs[b][DOC.n] || 1e9) || a - b;
      });
      var total = docs.reduce(function (sum, d) { return sum + hits[d].length; }, 0);
      status.textContent = docs.length
        ? (clauses.length ? plural(total, "hit") + " in " : "") + plural(docs.length, "text") + " found."
        : "Nothing found.";
      shownHl = highlightParams(clauses);
      pending = docs.map(function (d) { return { doc: d, hits: hits[d] }; });
      return showMore();
    });
  }
  function allDocs() {
    var all = {};
    index.docs.forEach(function (row, d) { all[d] = []; });
    return all;
  }

  function fromLocation() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    var filters = filtersOf(params);
    FILTERS.forEach(function (name) {
      var field = document.getElementById(name);
      if (field) { field.value = filters[name]; }
    });
    return search(input.value, filters);
  }

  more.addEventListener("click", showMore);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    window.history.pushState(null, "", "?" + params.toString());
    fromLocation();
  });
  window.addEventListener("popstate", fromLocation);
  fromLocation();
})();
