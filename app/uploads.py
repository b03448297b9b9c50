"""Shared handling for staff file uploads (Flask side)."""

from __future__ import annotations


def uploaded_file(field, missing_message: str):
    """The uploaded file in ``field``, or ``None`` with ``missing_message`` added
    to the field's errors (shown beside it and in the error summary)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        field.errors = [*field.errors, missing_message]
        return None
    return upload
