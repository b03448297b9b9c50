"""Setting a partner's password by invitation link is throttled like signing in."""

from __future__ import annotations


def test_wrong_invitation_links_are_throttled_per_address(app, client, db, clock):
    from app.ratelimit import get_limiter

    limiter = get_limiter(app)
    limiter.enabled = True
    limiter.reset()
    try:
        answers = [client.post(f"/partners/invite/guess-{i}", data={}).status_code
                   for i in range(12)]
        # RATELIMIT_LOGIN_FAILED_PER_ADDRESS allows 10 refusals a minute; then 429.
        assert answers == [410] * 10 + [429, 429]
        clock.advance(3600)
        assert client.post("/partners/invite/guess-later", data={}).status_code == 410
    finally:
        limiter.reset()
