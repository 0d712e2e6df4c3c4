#!/usr/bin/env python3
"""Writes the realistic conformance forms as workbooks, so that the suite exercises
the compiler's workbook readers and not only its markdown reader.

The markdown case in tests/conformance/realistic/ is the single source; this script
turns each named case into tests/conformance/realistic/<case>.xlsx (one worksheet per
markdown sheet), writes the CLM form also as legacy .xls (BIFF, the format many real
forms still use), as .xls bytes under an .xlsx name (as real forms are found), and as
an XLSForm CSV. Run it with a Python that has openpyxl and xlwt, after editing a form:

    python3 crates/xlsform/tests/pyxform/make_xlsx.py
"""

from __future__ import annotations

import pathlib
import sys

import csv
import io

import xlwt
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


def write_xls(case: case_files.Case, path: pathlib.Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets_of(case.form):
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell != "":
                    sheet.write(r, c, cell)
    book.save(str(path))


def write_csv(case: case_files.Case, path: pathlib.Path) -> None:
    """pyxform's CSV layout: a row naming the sheet, then its rows shifted one column right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for name, rows in sheets_of(case.form):
        writer.writerow([name])
        for row in rows:
            writer.writerow([""] + row)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> int:
    by_name = {case.name: case for case in case_files.load_cases()}
    for name in WORKBOOKS:
        target = REALISTIC / f"{name}.xlsx"
        write_workbook(by_name[name], target)
        print(f"wrote {target.relative_to(case_files.CONFORMANCE_DIR.parent.parent)}")
    clm = by_name["clm_hiv_services_questionnaire"]
    write_xls(clm, REALISTIC / "clm_hiv_services_legacy.xls")
    write_xls(clm, REALISTIC / "clm_hiv_services_xls_bytes_named.xlsx")
    write_csv(clm, REALISTIC / "clm_hiv_services.csv")
    print("wrote the CLM form as .xls, as .xls named .xlsx, and as .csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
