#!/usr/bin/env python3
"""Writes the realistic conformance forms as .xlsx workbooks, so that the suite
exercises the compiler's workbook reader and not only its markdown reader.

The markdown case in tests/conformance/realistic/ is the single source; this script
turns each named case into tests/conformance/realistic/<case>.xlsx (one worksheet per
markdown sheet). Run it with a Python that has openpyxl, after editing a realistic form:

    python3 crates/xlsform/tests/pyxform/make_xlsx.py
"""

from __future__ import annotations

import pathlib
import sys

from openpyxl import Workbook

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cases as case_files  # noqa: E402

REALISTIC = case_files.CONFORMANCE_DIR / "realistic"
WORKBOOKS = [
    "clm_hiv_services_questionnaire",
    "household_survey_with_nested_repeats",
    "bilingual_form_with_cascading_selects",
    "entities_participant_registration",
    "entities_participant_follow_up",
]


def sheets_of(form: str) -> list[tuple[str, list[list[str]]]]:
    """Splits markdown tables into (sheet name, rows); the first row is the header."""
    sheets: list[tuple[str, list[list[str]]]] = []
    for line in form.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0]:
            sheets.append((cells[0], []))
            continue
        if sheets:
            sheets[-1][1].append(cells[1:])
    return sheets


def write_workbook(case: case_files.Case, path: pathlib.Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets_of(case.form):
        sheet = book.create_sheet(name)
        for row in rows:
            # Trailing empty cells are left out, as a spreadsheet user would leave them.
            while row and row[-1] == "":
                row.pop()
            sheet.append([cell if cell != "" else None for cell in row])
    book.save(path)


def main() -> int:
    by_name = {case.name: case for case in case_files.load_cases()}
    for name in WORKBOOKS:
        target = REALISTIC / f"{name}.xlsx"
        write_workbook(by_name[name], target)
        print(f"wrote {target.relative_to(case_files.CONFORMANCE_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
