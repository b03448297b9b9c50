"""Folium map builders.  Never imports Flask."""
