"""The browser harness itself (lessonbrowser.Tab): what the page tests rely on it to see.

A page test that finds no problems proves something only if the tab would have seen them:
a request to another host, made at once or by a script after "load", and a request that
never finishes.
"""

from __future__ import annotations

import socket

from lessonbrowser import LOCAL_HOST

#: A page that asks another host for a picture while loading, and a script that asks
#: another host for data well after "load", as an analytics snippet would.
OUTSIDE_REQUESTS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Outside requests</title></head>
<body><img src="http://images.example.org/logo.png" alt="logo">
<script>
window.addEventListener('load', () => setTimeout(
  () => fetch('http://stats.example.net/hit').catch(() => {}), 300));
</script></body></html>
"""


def test_the_tab_sees_requests_to_other_hosts_made_during_and_after_load(local_server, tab):
    """Fails when :meth:`Tab.wait_for_quiet_network` returns before the late request (made
    a no-op, the late request is missed), or when the tab stops recording outside requests."""
    root, base_url = local_server
    (root / "outside-requests.html").write_text(OUTSIDE_REQUESTS_PAGE, encoding="utf-8")

    tab.open(base_url + "outside-requests.html")
    tab.wait_for_quiet_network()

    found = "\n".join(tab.problems())
    assert "request to another host" in found
    assert "http://images.example.org/logo.png" in found
    assert "http://stats.example.net/hit" in found
    # The proxy refused both: nothing in flight is left to report.
    assert "unfinished" not in found


def test_a_request_that_never_finishes_is_named_not_waited_for_forever(local_server, tab):
    """A server that takes the connection and never answers: the wait ends at its timeout
    and names the request, where Playwright's "networkidle" only said that time ran out."""
    root, base_url = local_server
    with socket.socket() as silent:
        silent.bind((LOCAL_HOST, 0))
        # Listening without ever accepting: the connection is made, no answer comes.
        silent.listen()
        silent_url = f"http://{LOCAL_HOST}:{silent.getsockname()[1]}/slow-data"
        (root / "never-answered.html").write_text(
            "<!DOCTYPE html><html lang='en'><head><title>Never answered</title></head><body>"
            f"<script>fetch('{silent_url}').catch(() => {{}});</script></body></html>",
            encoding="utf-8",
        )
        tab.open(base_url + "never-answered.html")
        tab.wait_for_quiet_network(timeout_ms=1500)

    assert tab.problems() == [
        f"request never finished: {base_url}never-answered.html -> {silent_url} (after 1500 ms)"
    ]
