// Keyboard shortcuts; every page works without them. "/" focuses the search box; the arrow
// keys move between results (and from the box into them).
(function () {
  "use strict";
  function typingIn(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var box = document.getElementById("q");
    var active = document.activeElement;
    if (event.key === "/" && box && !typingIn(active)) {
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(document.querySelectorAll(".hits h2 a"));
    if (!links.length) return;
    var i = links.indexOf(active);
    if (typingIn(active) && !(active === box && event.key === "ArrowDown")) return;
    if (i === -1 && active !== box) return;
    event.preventDefault();
    var next = event.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : i - 1;
    if (next < 0) {
      if (box) box.focus();
      return;
    }
    links[next].focus();
  });
})();

// The search form: empty date fields are left out of the address (no "from=&to="), and the
// sort order and "Exact spelling only" take effect as soon as they change. Without script the
// form's own button submits them.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (el) {
      if ((el.name === "from" || el.name === "to") && !el.value.trim()) el.disabled = true;
    });
  });
  // Back from another page, the fields disabled at submit are enabled again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
  });
  ["sort", "exact"].forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    el.addEventListener("change", function () {
      // Before anything is typed (the home page), a change waits for the search.
      if (!document.getElementById("q").value.trim() && !/[?&](q|from|to|source)=/.test(location.search)) return;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });
})();

// The results page: the count is announced (the status region is empty until now, so screen
// readers read it when it is set), and again when a control changes the search; on a narrow
// screen the filters start closed, a line above the results. Without script the count is the
// plain text under the heading and the filters stay open.
(function () {
  "use strict";
  var status = document.getElementById("status");
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    filters.open = false;
  }
  if (!status) return;
  function say(text) { status.textContent = text; }
  window.addEventListener("load", function () { say(status.getAttribute("data-count")); });
  var form = document.getElementById("search-form");
  if (!form) return;
  // The date fields sit outside the form (form="search-form"): their events reach the document.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.form === form && (el.id === "from" || el.id === "to")) {
      say("Dates changed: Apply searches with them.");
    }
  });
  // A new sort, the exact box and Apply submit the form: the next page announces its count.
  form.addEventListener("submit", function () { say("Searching…"); });
})();
