"""The live-reload script and its error overlay, added to HTML as it is served.

Never written to the output folder: `site/` stays exactly what `chronicle build` makes.
The overlay is built with textContent only, so a diagnostic quoting hostile content
cannot inject markup into the page.
"""

from __future__ import annotations

LIVE_PREFIX = "/__chronicle__/"
EVENTS_URL = LIVE_PREFIX + "events"
SCRIPT_URL = LIVE_PREFIX + "live.js"
STATE_URL = LIVE_PREFIX + "state.json"
OVERLAY_ID = "chronicle-error-overlay"

LIVE_SCRIPT = """\
(() => {
  "use strict";
  const me = document.currentScript;
  const since = me ? me.dataset.version : "";
  const overlayId = "__OVERLAY_ID__";
  const clear = () => { const old = document.getElementById(overlayId); if (old) old.remove(); };
  const show = (errors) => {
    clear();
    const box = document.createElement("section");
    box.id = overlayId;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
      "padding:2rem;background:rgba(32,0,0,.94);color:#fff;font:15px/1.5 ui-monospace," +
      "SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
    const title = document.createElement("h2");
    title.textContent = "Chronicle: the last save did not build";
    const note = document.createElement("p");
    note.textContent = "Still showing the last good site. Fix the file and save: " +
      "this page reloads by itself.";
    box.append(title, note);
    for (const e of errors) {
      const item = document.createElement("pre");
      item.className = "chronicle-diagnostic";
      item.style.cssText = "white-space:pre-wrap;margin:1rem 0;padding:.75rem;" +
        "background:#000;border-left:4px solid #f66";
      const where = e.location ? e.location + ": " : "";
      const code = e.code ? " [" + e.code + "]" : "";
      item.textContent = where + e.severity + ": " + e.message + code +
        (e.hint ? "\\n  hint: " + e.hint : "");
      box.append(item);
    }
    (document.body || document.documentElement).append(box);
  };
  const source = new EventSource("__EVENTS_URL__?since=" + encodeURIComponent(since));
  source.addEventListener("reload", (m) => {
    const data = JSON.parse(m.data);
    if (data.version <= Number(since)) return;  // this page was served at that version
    if (data.only && !data.only.includes(location.pathname)) return;  // the rest follows
    source.close();
    location.reload();
  });
  source.addEventListener("errors", (m) => show(JSON.parse(m.data).errors));
})();
""".replace("__OVERLAY_ID__", OVERLAY_ID).replace("__EVENTS_URL__", EVENTS_URL)


def script_tag(version: int) -> bytes:
    return f'<script src="{SCRIPT_URL}" data-version="{version}"></script>'.encode()


def inject_live_script(html: bytes, version: int) -> bytes:
    """Put the script just before the last </body> (or at the end when there is none)."""
    tag = script_tag(version)
    lower = html.lower()
    at = lower.rfind(b"</body>")
    if at == -1:
        return html + tag
    return html[:at] + tag + html[at:]


def placeholder_page(title: str, message: str, version: int) -> bytes:
    """A page for when no site exists yet (the first build failed): it carries the overlay."""
    from html import escape

    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            f"{escape(title)}</title></head><body><main><h1>{escape(title)}</h1><p>"
            f"{escape(message)}</p></main></body></html>").encode()
    return inject_live_script(body, version)
