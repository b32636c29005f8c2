"""The time-zone fields: grouped by region, the common zones first, names as people read them."""
from app.forms import timezone_groups, zone_label
from tests.helpers import text


def test_zones_are_grouped_with_the_common_ones_first():
    groups = timezone_groups(["America/Argentina/Buenos_Aires", "Europe/Kyiv", "UTC", "Asia/Tokyo"])
    names = list(groups)
    assert names[0] == "Common" and names[1:] == ["Europe", "America", "Asia", "Other"]
    assert [c.value for c in groups["Common"]] == ["Europe/Kyiv", "UTC"]
    assert zone_label("America/Argentina/Buenos_Aires") == "Argentina / Buenos Aires"


def test_the_profile_offers_grouped_zones_in_the_readers_language(login, users, db):
    page = text(login("agent").get("/profile"))
    assert page.index('<optgroup label="Common">') < page.index('<optgroup label="Europe">')
    assert '<option value="Europe/Kyiv">Kyiv (Europe)</option>' in page
    users["agent"].locale = "uk"
    db.session.commit()
    assert '<optgroup label="Європа">' in text(login("agent").get("/profile"))
