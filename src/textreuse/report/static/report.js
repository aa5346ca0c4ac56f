// textreuse report: scroll the two texts of a pair together, and filter pair lists by coverage.
// Written for the report; no library. Document text is never parsed as HTML here.
(function () {
  "use strict";

  // ------------------------------------------------------------ pair page: panes scroll together
  function setUpPanes() {
    var paneA = document.getElementById("text-a");
    var paneB = document.getElementById("text-b");
    if (!paneA || !paneB) return;
    var syncBox = document.getElementById("sync");
    var active = paneA;       // the pane the reader moves; the other one follows
    var points = null;        // [[yA, yB], ...] increasing in both, from passage starts and ends
    var READ_LINE = 0.3;      // the line of the viewport that is kept aligned

    function top(pane, el) {
      return el.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    }
    function bottom(pane, el) {
      return el.getBoundingClientRect().bottom - pane.getBoundingClientRect().top + pane.scrollTop;
    }
    function computePoints() {
      var raw = [];
      var marks = paneA.querySelectorAll("mark.psg");
      for (var i = 0; i < marks.length; i++) {
        var other = document.getElementById("b" + marks[i].getAttribute("data-k"));
        if (!other) continue;
        raw.push([top(paneA, marks[i]), top(paneB, other)]);
        raw.push([bottom(paneA, marks[i]), bottom(paneB, other)]);
      }
      raw.sort(function (p, q) { return p[0] - q[0]; });
      // Passages in a different order in the two texts cannot all be kept aligned:
      // keep only points that go down in both panes.
      var out = [[0, 0]];
      for (var j = 0; j < raw.length; j++) {
        var last = out[out.length - 1];
        if (raw[j][0] > last[0] && raw[j][1] > last[1]) out.push(raw[j]);
      }
      var end = [Math.max(paneA.scrollHeight, out[out.length - 1][0] + 1),
                 Math.max(paneB.scrollHeight, out[out.length - 1][1] + 1)];
      out.push(end);
      return out;
    }
    function map(y, from, to) {
      if (!points) points = computePoints();
      for (var i = 1; i < points.length; i++) {
        if (y <= points[i][from] || i === points.length - 1) {
          var p = points[i - 1], q = points[i];
          var t = (y - p[from]) / ((q[from] - p[from]) || 1);
          t = Math.max(0, Math.min(1, t));
          return p[to] + t * (q[to] - p[to]);
        }
      }
      return y;
    }
    function follow(source) {
      if (syncBox && !syncBox.checked) return;
      var target = source === paneA ? paneB : paneA;
      var from = source === paneA ? 0 : 1;
      var line = source.clientHeight * READ_LINE;
      var y = map(source.scrollTop + line, from, 1 - from) - target.clientHeight * READ_LINE;
      var max = target.scrollHeight - target.clientHeight;
      target.scrollTop = Math.max(0, Math.min(max, y));
    }
    function activate(pane) { return function () { active = pane; }; }
    [paneA, paneB].forEach(function (pane) {
      ["pointerenter", "pointerdown", "wheel", "touchstart", "focus", "keydown"].forEach(function (name) {
        pane.addEventListener(name, activate(pane), { passive: true });
      });
      pane.addEventListener("scroll", function () {
        if (pane === active) follow(pane);
      }, { passive: true });
    });
    window.addEventListener("resize", function () { points = null; });

    // The passage list: bring a passage to the reading line in both panes.
    function jump(k) {
      var markA = document.getElementById("a" + k);
      var markB = document.getElementById("b" + k);
      var current = document.querySelectorAll("mark.psg.current");
      for (var i = 0; i < current.length; i++) current[i].classList.remove("current");
      if (markA) {
        markA.classList.add("current");
        paneA.scrollTop = top(paneA, markA) - 8;
      }
      if (markB) {
        markB.classList.add("current");
        paneB.scrollTop = top(paneB, markB) - 8;
      }
      active = null;  // both panes were placed; neither follows the other until the reader scrolls
    }
    var links = document.querySelectorAll("a.jump");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (event) {
        event.preventDefault();
        jump(this.getAttribute("data-k"));
      });
    }
  }

  // ------------------------------------------------------------ pair lists: coverage filter
  function setUpFilters() {
    var min = document.getElementById("cov-min");
    var max = document.getElementById("cov-max");
    var count = document.getElementById("filter-count");
    var form = document.getElementById("filters");
    if (!min || !max) return;
    var rows = document.querySelectorAll("tr[data-cov]");
    var pagers = document.querySelectorAll("a.pager");

    function readHash() {
      var m = /min=([0-9.]+)/.exec(location.hash);
      var n = /max=([0-9.]+)/.exec(location.hash);
      if (m) min.value = m[1];
      if (n) max.value = n[1];
    }
    function apply() {
      var lo = parseFloat(min.value), hi = parseFloat(max.value);
      if (isNaN(lo)) lo = 0;
      if (isNaN(hi)) hi = 1;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var cov = parseFloat(rows[i].getAttribute("data-cov"));
        var keep = cov >= lo - 1e-9 && cov <= hi + 1e-9;
        rows[i].classList.toggle("hidden", !keep);
        if (keep) shown++;
      }
      var filtered = lo > 0 || hi < 1;
      if (count) count.textContent = filtered ? shown + " of " + rows.length + " on this page" : "";
      var hash = filtered ? "#min=" + lo + "&max=" + hi : "";
      if (hash !== location.hash && (hash || location.hash)) {
        try {
          history.replaceState(null, "", hash || location.pathname + location.search);
        } catch (e) {
          // Some browsers refuse history changes on file:// pages; the filter still works.
        }
      }
      // Keep the filter when moving between pages.
      for (var j = 0; j < pagers.length; j++) {
        pagers[j].href = pagers[j].href.split("#")[0] + hash;
      }
    }
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
    min.addEventListener("input", apply);
    max.addEventListener("input", apply);
    readHash();
    apply();
  }

  setUpPanes();
  setUpFilters();
})();
