"""The national picture: every council's published figures by council, region and
England (:mod:`.routes`, :mod:`.service`, :mod:`.releases`; the sums themselves are
in :mod:`app.publication.national`).  docs/NATIONAL.md."""
