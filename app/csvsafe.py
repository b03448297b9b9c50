"""CSV writers that cannot carry a spreadsheet formula (CSV/formula injection).

A cell that a spreadsheet would read as a formula, one starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, is written with a leading
apostrophe (OWASP's advice), so ``=HYPERLINK(...)`` in a service name shows as
text when a commissioner opens the export.  Numbers are left alone (``-3`` is
a number, not a formula).  :func:`unguard` takes the apostrophe off again when
our own export is imported back, so a round trip keeps the name.  The stdlib
``csv`` module has no such option, hence these few lines.
"""

from __future__ import annotations

import csv

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard(value):
    """``value`` made safe for a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def unguard(value):
    """The inverse of :func:`guard`, for cells read back from our own exports."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


class _Writer:
    def __init__(self, out, **kwargs):
        self._w = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._w.writerow([guard(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _DictWriter(csv.DictWriter):
    def _dict_to_list(self, rowdict):
        return [guard(v) for v in super()._dict_to_list(rowdict)]


def writer(out, **kwargs) -> _Writer:
    """Like ``csv.writer``; every string cell goes through :func:`guard`."""
    return _Writer(out, **kwargs)


def DictWriter(out, fieldnames, **kwargs) -> _DictWriter:  # noqa: N802 - mirrors csv
    """Like ``csv.DictWriter``; every string cell goes through :func:`guard`."""
    return _DictWriter(out, fieldnames=fieldnames, **kwargs)
