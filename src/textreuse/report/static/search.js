// textreuse report: search document ids, titles and text beginnings in the generated index.
// The index is a script (assets/search-index.js) because pages opened from disk cannot fetch.
// Results are built with DOM nodes and textContent only: document text never becomes HTML.
(function () {
  "use strict";
  var LIMIT = 200;
  var docs = window.TEXTREUSE_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var count = document.getElementById("search-count");
  var SAFE_PAGE = /^s\/[0-9a-f]+\.html$/;  // a story page
  var haystacks = null;

  function hay(i) {
    if (!haystacks) {
      haystacks = new Array(docs.length);
      for (var k = 0; k < docs.length; k++) {
        haystacks[k] = (docs[k][0] + "\n" + docs[k][1] + "\n" + docs[k][2]).toLowerCase();
      }
    }
    return haystacks[i];
  }

  // Append `text` to `parent`, wrapping the first occurrence of `term` in <mark>.
  function appendMarked(parent, text, term) {
    var at = term ? text.toLowerCase().indexOf(term) : -1;
    if (at < 0) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    parent.appendChild(document.createTextNode(text.slice(0, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + term.length);
    parent.appendChild(mark);
    parent.appendChild(document.createTextNode(text.slice(at + term.length)));
  }

  function snippet(text, term) {
    var at = term ? text.toLowerCase().indexOf(term) : -1;
    var start = Math.max(0, at - 60);
    return (start > 0 ? "…" : "") + text.slice(start, start + 220) + (start + 220 < text.length ? "…" : "");
  }

  function render(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    if (terms.length === 0) {
      count.textContent = docs.length + " documents in the index.";
      return;
    }
    var found = 0;
    for (var i = 0; i < docs.length; i++) {
      var h = hay(i);
      var all = true;
      for (var t = 0; t < terms.length; t++) {
        if (h.indexOf(terms[t]) < 0) { all = false; break; }
      }
      if (!all) continue;
      found++;
      if (found > LIMIT) continue;
      var doc = docs[i];
      var li = document.createElement("li");
      var head;
      if (doc[3] && SAFE_PAGE.test(doc[3])) {
        head = document.createElement("a");
        head.setAttribute("href", doc[3]);
      } else {
        head = document.createElement("span");
      }
      head.className = "id";
      appendMarked(head, doc[0], terms[0]);
      li.appendChild(head);
      if (!doc[3]) {
        var lone = document.createElement("span");
        lone.className = "muted";
        lone.textContent = " (shares no text)";
        li.appendChild(lone);
      }
      if (doc[1]) {
        var title = document.createElement("span");
        title.className = "title";
        appendMarked(title, doc[1], terms[0]);
        li.appendChild(title);
      }
      var text = document.createElement("span");
      text.className = "snippet";
      appendMarked(text, snippet(doc[2], terms[0]), terms[0]);
      li.appendChild(text);
      list.appendChild(li);
    }
    count.textContent = found + " matching document" + (found === 1 ? "" : "s") +
      (found > LIMIT ? ", showing the first " + LIMIT : "") + ".";
  }

  var timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      render(input.value);
      try {
        history.replaceState(null, "", input.value ? "#q=" + encodeURIComponent(input.value) : location.pathname);
      } catch (e) {
        // Some browsers refuse history changes on file:// pages; the search still works.
      }
    }, 120);
  }

  if (!input || !list) return;
  var initial = /^#q=(.*)$/.exec(location.hash);
  if (initial) {
    try { input.value = decodeURIComponent(initial[1]); } catch (e) { input.value = ""; }
  }
  input.addEventListener("input", schedule);
  render(input.value);
})();
