"""Hand-made XLSForm workbooks for the XLSForm tests (built cell by cell with openpyxl)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook

SETTINGS = [["form_title", "form_id", "version"], ["Clubs near you", "clubs", "3"]]
CHOICES = [["list_name", "name", "label"],
           ["yn", "yes", "Yes"], ["yn", "no", "No"],
           ["age_band", "11-12", "11 or 12"], ["age_band", "13-15", "13 to 15"],
           ["age_band", "16-17", "16 or 17"]]
SURVEY = [["type", "name", "label", "hint", "required", "relevant"],
          ["select_one_from_file areas.csv", "area", "Where do you live?", None, "yes"],
          ["select_one age_band", "age", "How old are you?", None, "yes"],
          ["select_one yn", "go", "Do you go to a club?", "Any club counts", "no"],
          ["text", "why", "Why not?", None, None, "${go} = 'no'"]]


def workbook(survey=SURVEY, choices=CHOICES, settings=SETTINGS) -> bytes:
    """An .xlsx with the given sheets (each a list of rows, headers first; ``None``
    leaves a sheet out)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_rows(data: bytes, name: str) -> list[dict]:
    """A sheet of a workbook as ``[{header: value}]`` (read with openpyxl, not our reader)."""
    sheet = load_workbook(BytesIO(data))[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
