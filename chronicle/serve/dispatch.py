"""From a rebuild's outcome to the browser: reload, or show what broke.

Runs on the rebuild thread after the build returned, that is after the new site was
swapped in whole, so a page never reloads into a half-written site.
"""

from __future__ import annotations

from chronicle.serve.channel import ReloadChannel, diagnostic_payload
from chronicle.serve.http import SiteServer
from chronicle.watch.rebuild import RebuildOutcome


class ReloadDispatch:
    def __init__(self, channel: ReloadChannel, server: SiteServer | None = None) -> None:
        self.channel = channel
        self.server = server

    def __call__(self, outcome: RebuildOutcome) -> None:
        if outcome.diagnostics:
            self.channel.publish_errors([diagnostic_payload(d) for d in outcome.diagnostics])
        elif outcome.failure:
            headline = outcome.failure.splitlines()[0]
            self.channel.publish_errors([{
                "location": "", "severity": "error", "code": "internal",
                "message": f"the rebuild crashed: {headline}",
                "hint": "see the terminal for the traceback; please report it",
            }])
        elif outcome.built:
            if self.server is not None and outcome.output is not None:
                self.server.site = outcome.output
                self.server.base_path = outcome.base_path
            self.channel.publish_reload()
