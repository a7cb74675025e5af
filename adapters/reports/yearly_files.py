"""The yearly analysis as files the area lead takes to the yearly dialogue: an XLSX
(one sheet per table) and an editable DOCX with the chart inside. Both are written
from the same sections as the page (``adapters.reports.yearly``), so the figures are
the page's."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
from docx import Document  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402

from adapters.reports.chart import BLUE, GREY, ORANGE  # noqa: E402
from adapters.reports.yearly import Section, legend, share, title  # noqa: E402
from adapters.reports.yearly import sections as _sections  # noqa: E402
from knowledge.model import Organisation  # noqa: E402
from routing.disclosure import SMALL  # noqa: E402
from routing.yearly import Yearly  # noqa: E402

# What XML 1.0 (and so XLSX and DOCX) cannot hold: C0 controls but tab, newline and
# carriage return, lone surrogates, U+FFFE and U+FFFF. A question text, a survey comment
# or a value of the organisation file may carry them (the chat cleans only what a
# database cannot store): they are left out, not allowed to break the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _number(value: str) -> bool:
    """A count as a number in the sheet; "²" or "١٢" stay text."""
    return value.isascii() and value.isdigit()


def sections(y: Yearly, org: Organisation) -> list[Section]:
    """The page's sections with every string one a file can hold."""
    return [
        replace(
            s,
            title=xml_text(s.title),
            headers=tuple(map(xml_text, s.headers)),
            rows=tuple(tuple(map(xml_text, r)) for r in s.rows),
            intro=xml_text(s.intro),
            notes=tuple(map(xml_text, s.notes)),
        )
        for s in _sections(y, org)
    ]


def alt_text(y: Yearly) -> str:
    """The chart in words, with the figures as masked: for screen readers and the DOCX."""
    months = ", ".join(f"{m} {f.questions}" for m, f in zip(y.month_labels, y.months, strict=True))
    return (
        f"Frågor per månad {y.year} till {y.area.name}: {months}. Totalt {y.total.questions} "
        f"frågor, {share(y.total.deflection)} besvarade av boten; året innan "
        f"{y.previous.questions}."
    )


def chart_png(y: Yearly) -> bytes:
    """Questions per month, split into answered by the bot and the others where the
    split may be shown; a hidden month is a hatched "<5" box, or no bar (".."). The
    Okabe–Ito palette of the weekly chart."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = range(12)
    for i, f in enumerate(y.months):
        n = f.questions.shown
        if n is None:
            label = "<5" if f.questions.small else ".."
            height = SMALL if f.questions.small else 0
            ax.bar(i, height, color="#FFFFFF", edgecolor=GREY, hatch="..")
            ax.text(i, height + 0.2, label, ha="center", va="bottom", fontsize=9)
        elif f.deflection is not None and f.deflected.shown is not None:
            ax.bar(i, f.deflected.shown, color=BLUE)
            ax.bar(i, n - f.deflected.shown, bottom=f.deflected.shown, color=ORANGE, hatch="//")
        else:
            ax.bar(i, n, color=GREY)
    ax.bar(0, 0, color=BLUE, label="Besvarade av boten")
    ax.bar(0, 0, color=ORANGE, hatch="//", label="Övriga (vidare, förtydligade)")
    ax.bar(0, 0, color=GREY, label="Uppdelning visas inte (för få)")
    ax.set_xticks(list(x), list(y.month_labels))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Frågor")
    # parse_math off: a "$" in the area's name is a dollar sign, not mathtext
    ax.set_title(f"Frågor per månad {y.year} – {y.area.name}", parse_math=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def to_xlsx(y: Yearly, org: Organisation) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for section in sections(y, org):
        sheet = book.create_sheet(section.title[:31])
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=13)
        if section.intro:
            sheet.append([section.intro])
        sheet.append(list(section.headers))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in section.rows or ((section.empty,),):
            sheet.append([int(v) if _number(v) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # "=HYPERLINK(…)" asked by someone: text, not a formula
                    cell.data_type = "s"
        for note in section.notes:
            sheet.append([note])
        sheet.column_dimensions["A"].width = 48
        for col in "BCDEF":
            sheet.column_dimensions[col].width = 22
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes = book.create_sheet("Definitioner")
    notes.append([xml_text(title(y, org))])
    for line in legend(y):
        notes.append([xml_text(line)])
    notes.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def to_docx(y: Yearly, org: Organisation) -> bytes:
    doc = Document()
    head = xml_text(title(y, org))
    doc.core_properties.title = head
    doc.core_properties.language = "sv-SE"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(head, level=0)
    for line in legend(y):
        doc.add_paragraph(line)
    for section in sections(y, org):
        doc.add_heading(section.title, level=1)
        if section.intro:
            doc.add_paragraph(section.intro)
        if section.key == "manader":
            picture = doc.add_picture(io.BytesIO(chart_png(y)), width=Cm(16))
            picture._inline.docPr.set("descr", xml_text(alt_text(y)))  # the alt text Word reads out
        if not section.rows:
            doc.add_paragraph(section.empty)
            continue
        table = doc.add_table(rows=1, cols=len(section.headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, section.headers, strict=True):
            cell.text = header
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in section.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
        for note in section.notes:
            doc.add_paragraph(note)
    doc.add_heading("Att ta med till årsdialogen", level=1)
    for prompt in (
        "Vad säger siffrorna och kommentarerna om hur stödet fungerat?",
        "Vilka nya eller växande behov ska vi möta nästa år?",
        "Vilka artiklar ska skrivas, ses över eller tas bort?",
        "Vilka åtaganden håller vi, och vilka ändrar vi?",
    ):
        doc.add_paragraph(prompt, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
