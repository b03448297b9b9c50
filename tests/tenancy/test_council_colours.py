"""Each council's pages carry its own colours (issue 27; docs/TENANCY.md, "Council
colours"): a header bar in its colour with text that reaches 4.5:1 on it, colours
refused when they are stored if no text can, and a value that reached the table
some other way never written into a page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.models import Council
from app.tenancy import colours
from app.tenancy.service import CouncilError, add_council

STYLE = re.compile(r"<style nonce=\"[^\"]+\">:root \{([^<]*)\}</style>")


def council_style(page: str) -> dict[str, str]:
    """The custom properties of the page's council <style> block ({} when none)."""
    found = STYLE.findall(page)
    assert len(found) <= 1
    pairs = (part.split(":") for part in found[0].split(";") if part.strip()) if found else ()
    return {name.strip(): value.strip() for name, value in pairs}


def test_contrast_follows_wcag():
    assert colours.contrast("#ffffff", "#000000") == pytest.approx(21)
    assert colours.contrast("#1d70b8", "#ffffff") == pytest.approx(5.17, abs=0.01)  # GOV.UK blue
    assert colours.text_colour("#1d70b8") == colours.WHITE
    assert colours.text_colour("#ffdd00") == colours.NEAR_BLACK
    assert colours.text_colour("#777777") is None  # 4.48:1 with white, 4.1:1 near-black
    for background in ("#1d70b8", "#ffdd00", "#00703c", "#d4351c", "#f3f2f1", "#000000"):
        assert colours.contrast(colours.text_colour(background), background) >= 4.5


def test_a_colour_is_exactly_seven_characters():
    from app.models.tenancy import validate_council

    assert validate_council("E06000004", "Stockton", colours=("#1d70b8",)) == []
    # (re's $ would let a newline through after it)
    assert validate_council("E06000004", "Stockton", colours=("#1d70b8\n",)) == [
        "'#1d70b8\\n' is not a colour like #1d70b8."]
    assert not colours.is_colour("#1d70b8\n") and colours.palette("#1d70b8\n", None) is None


def test_two_councils_render_their_own_colours(app, db, client, two_councils):
    a, b = two_councils
    # (The deployment's own council, A, stays as it is: its row outlives the test.)
    add_council(db.session, "E06000004", "Stockton Council", path_prefix="stockton",
                colour_primary="#005EA5")
    b_row = db.session.get(Council, b.id)
    b_row.colour_primary, b_row.colour_accent = "#ffdd00", "#28a197"
    db.session.commit()

    stockton = client.get("/stockton/", base_url="http://a.example").get_data(True)
    # A dark blue: white text; no accent, so a darker shade of it above and below.
    assert "Stockton Council" in stockton and council_style(stockton) == {
        "--header-bg": "#005ea5", "--header-text": "#ffffff",
        "--header-strip": "#003a66", "--header-strip-text": "#ffffff"}
    bravo = client.get("/bravo/", base_url="http://a.example").get_data(True)
    # A yellow: near-black text; its own teal accent, with near-black text too.
    assert "Bravo Council" in bravo and council_style(bravo) == {
        "--header-bg": "#ffdd00", "--header-text": "#0b0c0c",
        "--header-strip": "#28a197", "--header-strip-text": "#0b0c0c"}
    by_host = council_style(client.get("/directory", base_url="http://b.example").get_data(True))
    assert by_host["--header-bg"] == "#ffdd00"
    assert "<style" not in client.get("/", base_url="http://a.example").get_data(True)


def test_a_council_without_colours_looks_as_the_app_always_did(app, db, client, two_councils):
    page = client.get("/", base_url="http://a.example").get_data(True)
    assert "<style" not in page and council_style(page) == {}
    css = client.get("/static/css/app.css").get_data(True)
    # The header's properties default to the app's own pair.
    assert "--header-bg: var(--brand); --header-text: var(--white);" in css
    assert "--header-strip: var(--brand-dark); --header-strip-text: var(--white);" in css


@pytest.mark.parametrize("hostile", [
    "#fff;}body{display:none}", "red", "#12345", "#1d70b8\n}", "#1d70b8;x", "</style>",
    "#gggggg", "url(//evil.example/x)",
])
def test_a_hostile_colour_is_refused_by_the_command(runner, db, hostile):
    for option in ("--colour", "--accent"):
        done = runner.invoke(args=["councils", "add", "E06000004", "Stockton Council",
                                   option, hostile])
        assert done.exit_code != 0 and "is not a colour like #1d70b8" in done.output
    assert db.session.query(Council).filter_by(code="E06000004").count() == 0


def test_a_colour_no_text_can_be_read_on_is_refused(runner, db, two_councils):
    a, b = two_councils
    done = runner.invoke(args=["councils", "add", "E06000004", "Stockton Council",
                               "--colour", "#1d70b8", "--accent", "#777777"])
    assert done.exit_code != 0
    assert "#777777 is neither dark nor light enough" in done.output and "4.5:1" in done.output
    assert db.session.query(Council).filter_by(code="E06000004").count() == 0
    changed = runner.invoke(args=["councils", "colours", b.code, "--colour", "#1a8a2a"])
    assert changed.exit_code != 0 and "#1a8a2a is neither dark nor light" in changed.output
    with pytest.raises(CouncilError, match="#787878 is neither dark nor light"):
        add_council(db.session, "E06000005", "Darlington", colour_primary="#787878")
    fine = runner.invoke(args=["councils", "add", "E06000004", "Stockton Council",
                               "--colour", "#1D70B8"])
    assert fine.exit_code == 0, fine.output
    assert db.session.query(Council.colour_primary).filter_by(code="E06000004").scalar() \
        == "#1d70b8"


def test_the_colours_command_sets_and_clears_them(runner, db, client, two_councils):
    a, b = two_councils
    done = runner.invoke(args=["councils", "colours", b.code, "--colour", "#00703c"])
    assert done.exit_code == 0 and "#00703c" in done.output
    assert council_style(client.get("/", base_url="http://b.example").get_data(True))[
        "--header-bg"] == "#00703c"
    cleared = runner.invoke(args=["councils", "colours", b.code])
    assert cleared.exit_code == 0 and "the app's own colours" in cleared.output
    assert "<style" not in client.get("/", base_url="http://b.example").get_data(True)
    missing = runner.invoke(args=["councils", "colours", "E09999999", "--colour", "#00703c"])
    assert missing.exit_code != 0 and "no council" in missing.output


@pytest.mark.parametrize("stored", ["red;}x{", "</style", "#abc", "#777777"])
def test_a_bad_value_in_the_table_never_reaches_a_page(app, db, client, two_councils, stored):
    """A value written past the checks (by hand, an old row) is checked again when the
    page is rendered: it is left out, and the council's good colour still shows."""
    a, b = two_councils
    db.session.execute(update(Council).where(Council.id == b.id).values(
        colour_primary="#1d70b8", colour_accent=stored))
    db.session.commit()
    head = client.get("/bravo/").get_data(True).split("<body")[0]
    assert head.count("<style") == 1 and stored not in STYLE.findall(head)[0]
    assert council_style(head) == {
        "--header-bg": "#1d70b8", "--header-text": "#ffffff",
        "--header-strip": colours.darker("#1d70b8"), "--header-strip-text": "#ffffff"}
    db.session.execute(update(Council).where(Council.id == b.id).values(
        colour_primary=stored, colour_accent=None))
    db.session.commit()
    assert "<style" not in client.get("/bravo/").get_data(True)
