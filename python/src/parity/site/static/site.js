// The study site's behaviour; every page reads whole without it.
// Copy buttons, marking a Python region's C# pair, the search, and the keys: / and the arrows.
(function () {
  "use strict";

  function ready() {
    document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    setUpCopy();
    setUpPairs();
    setUpSearch();
    document.addEventListener("keydown", onKey);
  }

  // -- copy: exactly the text of the element the button names ------------------------------
  function setUpCopy() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) { return; }
        copyText(source.textContent).then(function () {
          button.classList.add("done");
          button.firstChild.nodeValue = "Copied";
          setTimeout(function () {
            button.classList.remove("done");
            button.firstChild.nodeValue = "Copy";
          }, 1500);
        });
      });
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  // -- a Python region marks its C# pair (and itself) while hovered or focused ------------
  function setUpPairs() {
    document.querySelectorAll(".row.paired").forEach(function (row) {
      var py = row.querySelector(".region.py");
      var cs = row.querySelector(".region.cs");
      if (!py || !cs) { return; }
      function on() { py.classList.add("marked"); cs.classList.add("marked"); }
      function off() {
        if (py.matches(":hover") || py.contains(document.activeElement)) { return; }
        py.classList.remove("marked"); cs.classList.remove("marked");
      }
      py.addEventListener("mouseenter", on);
      py.addEventListener("focusin", on);
      py.addEventListener("mouseleave", off);
      py.addEventListener("focusout", function () { setTimeout(off, 0); });
    });
  }

  // -- search over search-index.js, loaded as a script (file:// allows that, not fetch) ----
  var index = null;
  var loading = false;
  var input = null;
  var list = null;

  function setUpSearch() {
    input = document.getElementById("search");
    list = document.getElementById("search-results");
    if (!input || !list) { return; }
    input.addEventListener("focus", loadIndex);
    input.addEventListener("input", function () { loadIndex(); show(); });
    input.addEventListener("keydown", function (event) {
      var links = list.querySelectorAll("a");
      if (event.key === "Enter" && links.length) {
        event.preventDefault();
        window.location.href = links[0].getAttribute("href");
      } else if (event.key === "ArrowDown" && links.length) {
        event.preventDefault();
        links[0].focus();
      } else if (event.key === "Escape") {
        input.value = "";
        show();
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at + 1 < links.length) {
        event.preventDefault(); links[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault(); (at > 0 ? links[at - 1] : input).focus();
      } else if (event.key === "Escape") {
        input.focus();
      }
    });
  }

  function loadIndex() {
    if (index || loading) { return; }
    if (window.PARITY_INDEX) { index = window.PARITY_INDEX; return; }
    loading = true;
    var script = document.createElement("script");
    script.src = "search-index.js";
    script.onload = function () { index = window.PARITY_INDEX || []; loading = false; show(); };
    document.head.appendChild(script);
  }

  function score(entry, terms) {
    var total = 0;
    var why = [];
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      var best = 0;
      // The id matches with or without its punctuation: WhenAll finds task.when-all first.
      var flat = t.replace(/[^a-z0-9]/g, "");
      if (entry.id.toLowerCase().indexOf(t) >= 0 ||
          (flat && entry.id.replace(/[^a-z0-9]/gi, "").toLowerCase().indexOf(flat) >= 0)) {
        best = 8;
      }
      if (entry.title.toLowerCase().indexOf(t) >= 0) { best = Math.max(best, 5); }
      var names = entry.names.filter(function (n) { return n.toLowerCase().indexOf(t) >= 0; });
      if (names.length) {
        var exact = names.some(function (n) { return n.toLowerCase() === t; });
        best = Math.max(best, exact ? 7 : 4);
        why.push("uses " + names.slice(0, 4).join(", "));
      }
      if (!best) {
        var claim = entry.claims.filter(function (c) { return c.toLowerCase().indexOf(t) >= 0; })[0];
        if (claim) { best = 1; why.push("claim: " + claim); }
      }
      if (!best) { return null; }
      total += best;
    }
    return { entry: entry, score: total, why: why.join("; ") };
  }

  function show() {
    var query = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) { list.hidden = true; return; }
    list.hidden = false;
    if (!index) {
      addItem(null, "Loading the index…");
      return;
    }
    var terms = query.split(/\s+/);
    var found = index.map(function (e) { return score(e, terms); })
      .filter(function (r) { return r; })
      .sort(function (a, b) { return b.score - a.score || (a.entry.id < b.entry.id ? -1 : 1); })
      .slice(0, 12);
    if (!found.length) { addItem(null, "Nothing matches."); return; }
    found.forEach(function (r) { addItem(r, ""); });
  }

  function addItem(result, message) {
    var item = document.createElement("li");
    if (!result) {
      item.className = "empty";
      item.textContent = message;
    } else {
      var link = document.createElement("a");
      link.href = result.entry.url;
      var code = document.createElement("code");
      code.textContent = result.entry.id;
      link.appendChild(code);
      link.appendChild(document.createTextNode(" " + result.entry.title));
      if (result.why) {
        var why = document.createElement("span");
        why.className = "why";
        why.textContent = result.why.length > 140 ? result.why.slice(0, 139) + "…" : result.why;
        link.appendChild(why);
      }
      item.appendChild(link);
    }
    list.appendChild(item);
  }

  // -- keys: / focuses the search; the arrows go to the previous and next concept ----------
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var typing = target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing) { return; }
    if (event.key === "/" && input && !input.closest("[hidden]")) {
      event.preventDefault();
      input.focus();
      return;
    }
    // In a code pane the arrows scroll it; elsewhere they turn the page.
    if (target && target.closest && target.closest("pre, .search-results")) { return; }
    var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : "";
    if (!rel || event.shiftKey) { return; }
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.getAttribute("href");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
