"""Requests with a hostile ``Host`` header, as an attacker's curl sends them.

Werkzeug's test client keeps cookies per host, so a request to another host would
go signed out; :class:`Curl` sends the signed-in client's session cookie to any
host, with ``X-Forwarded-Host`` as well."""

from __future__ import annotations


class Curl:
    def __init__(self, app, client, *, forwarded: str = "evil.example"):
        self.raw = app.test_client(use_cookies=False)
        self.cookie = f"session={client.get_cookie('session').value}"
        self.forwarded = forwarded

    def _headers(self, host: str) -> dict:
        return {"Host": host, "X-Forwarded-Host": self.forwarded,
                "X-Forwarded-Proto": "http", "Cookie": self.cookie}

    def get(self, url: str, host: str, **kwargs):
        return self.raw.get(url, headers=self._headers(host), **kwargs)

    def post(self, url: str, host: str, **kwargs):
        return self.raw.post(url, headers=self._headers(host), **kwargs)
