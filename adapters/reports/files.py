"""CSV and XLSX export of the summary, for each area's yearly planning."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from adapters.reports.tables import HEADERS, rows
from routing.summary import Summary


def to_csv(summary: Summary) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")  # Swedish Excel opens ';' with decimal commas
    writer.writerow(HEADERS)
    writer.writerows(rows(summary))
    return buf.getvalue()


def to_xlsx(summary: Summary) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Efterfrågan {summary.week}"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(summary):
        sheet.append([int(v) if v.isdigit() else v for v in row])
    sheet.freeze_panes = "D2"
    notes = book.create_sheet("Definitioner")
    notes.append([summary.rule])
    notes.append(
        [
            "Antal under 5 visas som ”<5”, och ”..” är ett antal som döljs så att ett "
            "litet tal inte kan räknas fram ur summan. Andelar och tider ur färre än 5 "
            "visas som ”–”. Tider i arbetstimmar (vardagar 08–17, svenska helgdagar "
            "undantagna)."
        ]
    )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
