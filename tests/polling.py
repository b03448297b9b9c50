"""Wait on an outcome, never for a fixed time."""

from __future__ import annotations

import time

import pytest


def poll(check, *, timeout: float = 90, what: str = "the outcome", every: float = 0.05,
         most: float = 0.5):
    """``check()``'s first truthy value, or fail after ``timeout`` seconds.  Asked
    every ``every`` seconds at first, then a quarter less often each time, up to
    every ``most`` seconds: a check is often a request or a query, and asked twenty
    times a second for a minute it takes CPU from the work it waits for (a quick
    outcome is still seen at once, a slow one at most ``most`` seconds late)."""
    deadline = time.monotonic() + timeout
    gap, most = every, max(most, every)
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(gap)
        gap = min(most, gap * 1.25)


def fetch_pdf(client, url: str):
    """The evidence PDF at ``url``: served at once when made, else followed through
    its progress page (as a person would) until it is ready."""
    response = client.get(url)
    if response.status_code != 303:
        return response
    job_page = response.headers["Location"]
    state = poll(lambda: (s := client.get(job_page + ".json").get_json())["done"] and s,
                 what="the PDF job")
    assert state["state"] == "finished", state
    return client.get(state["ready_url"])
