"""From a rebuild's outcome to the browser: reload, or show what broke.

Runs on the rebuild thread after the build returned, that is after the new site was
swapped in whole, so a page never reloads into a half-written site. The search index is
refreshed after the reload message, in the background.
"""

from __future__ import annotations

from chronicle.serve.channel import ReloadChannel, diagnostic_payload
from chronicle.serve.http import SiteServer
from chronicle.serve.indexing import BackgroundIndexer
from chronicle.watch.rebuild import RebuildOutcome


def failure_payload(outcome: RebuildOutcome) -> dict:
    headline = (outcome.failure or "").splitlines()[0] if outcome.failure else ""
    if outcome.crashed:
        return {"location": "", "severity": "error", "code": "internal",
                "message": f"the rebuild crashed: {headline}",
                "hint": "see the terminal for the traceback; please report it"}
    return {"location": "", "severity": "error", "code": "build", "message": headline,
            "hint": None}


class ReloadDispatch:
    def __init__(self, channel: ReloadChannel, server: SiteServer | None = None,
                 indexer: BackgroundIndexer | None = None) -> None:
        self.channel = channel
        self.server = server
        self.indexer = indexer

    def pages_written(self, urls: list[str]) -> None:
        """Pages a build in progress has written for good (site URLs, 'events/x/index.html'):
        a browser showing one reloads now, before the rest of the site is rendered."""
        base = self.server.base_path if self.server is not None else "/"
        paths = [base + url for url in urls]
        paths += [path[: -len("index.html")] for path in paths if path.endswith("/index.html")]
        self.channel.publish_pages(paths)

    def __call__(self, outcome: RebuildOutcome) -> None:
        if outcome.diagnostics:
            self.channel.publish_errors([diagnostic_payload(d) for d in outcome.diagnostics])
        elif outcome.failure:
            self.channel.publish_errors([failure_payload(outcome)])
        elif outcome.built:
            if self.server is not None and outcome.output is not None:
                self.server.site = outcome.output
                self.server.base_path = outcome.base_path
            self.channel.publish_reload()
            if self.indexer is not None and outcome.output is not None:
                self.indexer.request(outcome.output)
