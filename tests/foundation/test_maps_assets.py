import folium
import pytest
from folium.plugins import MarkerCluster

from app.maps.page import localise


def test_folium_assets_point_at_the_app():
    m = folium.Map(tiles=None)
    MarkerCluster().add_to(m)
    localise(m, lambda pkg, f: f"/vendor/{pkg}/{f}")
    html = m.get_root().render()
    assert "/vendor/leaflet/leaflet.js" in html
    assert "/vendor/markercluster/leaflet.markercluster.js" in html
    assert "cdn" not in html and "https://" not in html


def test_unknown_cdn_asset_is_refused():
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("mystery", "https://cdn.example/x.js")]
    with pytest.raises(ValueError, match="mystery"):
        localise(m, lambda pkg, f: f"/vendor/{pkg}/{f}")
