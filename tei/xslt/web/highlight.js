/* Highlights a search's words on the page the search led to. The search page links here
   with ?hl=… once per word or phrase (folded words; a trailing "*" marks a prefix), so the
   page needs no index. Words are matched as the search matches them (same folding, runs
   of letters and digits), phrases across element boundaries (a name inside a sentence);
   each matched word is wrapped in a <mark> by splitting its text node: the page's text is
   never re-parsed as markup. */
(function () {
  "use strict";
  var wanted = new URLSearchParams(window.location.search).getAll("hl")
    .map(function (phrase) { return phrase.split(" ").filter(Boolean); })
    .filter(function (seq) { return seq.length; });
  var root = document.querySelector("main");
  if (!wanted.length || !root) { return; }

  var LETTERS = { "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae",
                  "œ": "oe", "ı": "i", "ʹ": "", "ʺ": "" };
  function fold(word) {
    return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/[łøđðþßæœıʹʺ]/g, function (c) { return LETTERS[c]; });
  }
  function matches(word, pattern) {
    return pattern.slice(-1) === "*" ? word.indexOf(pattern.slice(0, -1)) === 0 : word === pattern;
  }

  // Every word of the page's main text: its text node, offsets and folded form.
  var words = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), node;
  while ((node = walker.nextNode())) {
    if (node.nodeValue.normalize("NFC") !== node.nodeValue) { continue; }  // offsets would drift
    var re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(node.nodeValue)) !== null) {
      words.push({ node: node, start: m.index, end: m.index + m[0].length, folded: fold(m[0]) });
    }
  }

  var hit = {};
  for (var i = 0; i < words.length; i++) {
    wanted.forEach(function (seq) {
      for (var k = 0; k < seq.length; k++) {
        if (!words[i + k] || !matches(words[i + k].folded, seq[k])) { return; }
      }
      for (k = 0; k < seq.length; k++) { hit[i + k] = true; }
    });
  }

  // Wrap from the last word back, so earlier offsets in the same text node stay valid.
  var marks = [];
  for (var w = words.length - 1; w >= 0; w--) {
    if (!hit[w]) { continue; }
    var range = document.createRange();
    range.setStart(words[w].node, words[w].start);
    range.setEnd(words[w].node, words[w].end);
    var mark = document.createElement("mark");
    mark.className = "search-hit";
    range.surroundContents(mark);
    marks.unshift(mark);
  }
  if (marks.length && !window.location.hash) {
    marks[0].scrollIntoView({ block: "center" });
  }
})();
