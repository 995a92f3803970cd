/* The search page: Pagefind's UI, loaded from the site's own index (nothing from the network).
 *
 * Browsers block the index's requests on file:// pages, so there the page says so plainly and
 * keeps its links to the year pages instead of showing a search box that cannot work.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-search]");
  var fallback = document.querySelector("[data-search-fallback]");
  if (!box) return;

  function offline(message) {
    var note = document.querySelector("[data-search-offline]");
    if (message) note.querySelector("strong").textContent = message;
    note.hidden = false;
  }

  if (window.location.protocol === "file:") {
    offline();
    return;
  }

  var bundle = new URL(box.getAttribute("data-bundle"), window.location.href);
  var root = new URL(box.getAttribute("data-site-root") || "./", window.location.href);
  var script = document.createElement("script");
  script.src = bundle.href + "pagefind-ui.js";
  script.onload = function () {
    /* global PagefindUI */
    new PagefindUI({
      element: "#search",
      bundlePath: bundle.pathname,
      baseUrl: root.pathname,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: true
    });
    fallback.hidden = true;
    /* Pagefind's input has only a title; give it a real accessible name once it exists. */
    var named = function () {
      var input = box.querySelector("input[type=text], input[type=search]");
      if (input) input.setAttribute("aria-label", "Search this chronology");
      return Boolean(input);
    };
    if (!named()) {
      var watcher = new MutationObserver(function () { if (named()) watcher.disconnect(); });
      watcher.observe(box, {childList: true, subtree: true});
    }
  };
  script.onerror = function () {
    offline("The search index is missing: build the site again to make it.");
  };
  document.body.appendChild(script);
})();
