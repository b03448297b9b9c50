"""A large best-sites case runs as a background job: the page links to its
progress, and the same question afterwards shows the answer the job kept, the
same answer a small case gets at once."""

from __future__ import annotations

import re

import pytest

from tests.polling import poll

from .county import build_county


@pytest.fixture
def app_config():
    return {"JOBS_SITES_CELLS": 0, "JOBS_WAIT_SECONDS": 0}  # every case is "large"


@pytest.fixture
def county(db, app):
    yield build_county(db.session)
    app.extensions["yvm_jobs"].stop()


def test_a_large_case_is_chosen_in_the_background_and_kept(app, client, auth, county):
    auth.login_as("commissioner")
    first = client.get("/planning/sites?k=1&threshold=30")
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and 'id="sites-job"' in page
    assert 'id="chosen-sites"' not in page
    job_url = re.search(r'href="(/jobs/[0-9a-f]+)"', page).group(1)
    state = poll(lambda: (s := client.get(job_url + ".json").get_json())["done"] and s,
                 what="the best-sites job")
    assert state["state"] == "finished"
    assert state["ready_url"] == "/planning/sites?k=1&threshold=30"
    done = client.get(state["ready_url"]).get_data(as_text=True)
    assert 'id="sites-job"' not in done
    chosen = done.split('id="chosen-sites"')[1].split("</ol>")[0]
    assert "Brook Library" in chosen and "Far Hall" not in chosen  # as the small case
    assert re.search(r'id="sites-newly">50<', done)
    # The job page is for planners only.
    auth.login_as("councillor")
    assert client.get(job_url).status_code in (403, 404)
