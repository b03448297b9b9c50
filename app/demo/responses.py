"""Demo county: responses part (filled in by the issue that owns this data)."""


def build(session, ctx) -> None:
    """Add this part of the demo county to ``session``."""
