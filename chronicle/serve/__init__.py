"""`chronicle serve`: the HTTP server (http), the reload channel (channel), the injected
script and overlay (overlay), rebuild outcomes to browser messages (dispatch), and the
command that wires them (command)."""
