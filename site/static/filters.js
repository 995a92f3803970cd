/* Filters for the timeline (index and year pages): progressive enhancement, no library.
 *
 * The page lists every event without this script. Each event item carries its facets:
 *   <li class="event" data-type="attack" data-year="2019"
 *       data-actors="minusma chad" data-places="aguelhok">
 * and the form (partials/filters.html, hidden until this runs) holds one checkbox per value,
 * rendered at build time with its label. Values of one facet are alternatives (OR); facets
 * combine (AND). The state lives in the query string (?actor=minusma&type=attack), so a
 * filtered view can be bookmarked and shared; counts say how many events each choice would
 * show given the other facets' choices.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-filters]");
  if (!form || !window.URLSearchParams || !window.history) return;

  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("li.event[data-type]"))
    .filter(function (li) { return !form.contains(li); });
  var status = form.querySelector("[data-filter-status]");
  var clear = form.querySelector("[data-filter-clear]");
  var facets = [];
  boxes.forEach(function (box) {
    if (facets.indexOf(box.name) < 0) facets.push(box.name);
  });

  /* Each item's values per facet, read once. */
  var values = items.map(function (li) {
    var own = {};
    boxes.forEach(function (box) {
      var attr = box.getAttribute("data-attr");
      if (!own[box.name]) own[box.name] = (li.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
    });
    return own;
  });

  function chosen() {
    var picked = {};
    facets.forEach(function (facet) { picked[facet] = []; });
    boxes.forEach(function (box) { if (box.checked) picked[box.name].push(box.value); });
    return picked;
  }

  function matches(own, picked, skip) {
    return facets.every(function (facet) {
      if (facet === skip || picked[facet].length === 0) return true;
      return picked[facet].some(function (value) { return own[facet].indexOf(value) >= 0; });
    });
  }

  function hideEmptySections() {
    var sections = document.querySelectorAll("main section.month, main section.year");
    Array.prototype.forEach.call(sections, function (section) {
      var visible = section.querySelector("li.event[data-type]:not([hidden])");
      section.hidden = !visible;
    });
  }

  function apply() {
    var picked = chosen();
    var shown = 0;
    items.forEach(function (li, i) {
      var keep = matches(values[i], picked, null);
      li.hidden = !keep;
      if (keep) shown += 1;
    });
    boxes.forEach(function (box) {
      var count = 0;
      values.forEach(function (own) {
        if (own[box.name].indexOf(box.value) >= 0 && matches(own, picked, box.name)) count += 1;
      });
      var badge = box.parentNode.querySelector(".filter-count");
      if (badge) badge.textContent = "(" + count + ")";
    });
    facets.forEach(function (facet) {
      var summary = form.querySelector("[data-facet-summary='" + facet + "']");
      if (summary) {
        var n = picked[facet].length;
        summary.textContent = n ? n + " chosen" : "";
      }
    });
    hideEmptySections();
    var active = facets.some(function (facet) { return picked[facet].length > 0; });
    status.textContent = active
      ? "Showing " + shown + " of " + items.length + " events on this page."
      : "Showing all " + items.length + " events on this page.";
    return picked;
  }

  function writeUrl(picked) {
    var params = new URLSearchParams(window.location.search);
    facets.forEach(function (facet) { params.delete(facet); });
    facets.forEach(function (facet) {
      picked[facet].forEach(function (value) { params.append(facet, value); });
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try {
      window.history.replaceState(null, "", url);
    } catch (e) {
      /* some browsers refuse replaceState on file:// pages; the filters still work */
    }
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    boxes.forEach(function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) >= 0;
      if (box.checked) {
        var details = box.closest("details");
        if (details) details.open = true;
      }
    });
  }

  form.addEventListener("change", function () { writeUrl(apply()); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  clear.addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = false; });
    writeUrl(apply());
  });

  readUrl();
  apply();
  form.hidden = false;
})();
