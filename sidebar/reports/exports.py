"""The leadership report as CSV, JSON and PDF: the same published tables as the page, and
nothing else (a hidden cell is "hidden" in CSV and the PDF, null in JSON)."""

from __future__ import annotations

import csv
import io
from typing import Any

from sidebar.reports import pdf
from sidebar.reports.report import Report
from sidebar.reports.tables import TableView


def suppression_note(k: int | None) -> str:
    if k is None:
        return "Exact counts, for the team leader. Not for circulation beyond the program."
    return (
        f"Small numbers are hidden: any count smaller than {k}, other than zero, is shown as “hidden”, and so is "
        f"every number of a row about fewer than {k} people. Some larger numbers are hidden too, so that a hidden "
        "number cannot be worked out by subtracting from a total; they are shown the same way. A figure worked out "
        "from hidden counts (a share, a median) is hidden as well. Figures count what had been recorded by the end "
        "of each month (anything recorded later is left out), and a period is frozen when leadership first sees it."
    )


def _heading_lines(report: Report) -> list[list[str]]:
    lines = [
        ["Sidebar program statistics"],
        ["Period", str(report.period), report.period.label],
        ["Generated", report.generated_at.isoformat(timespec="seconds")],
    ]
    if report.k is not None:
        lines.append(["Suppression threshold (k)", str(report.k)])
    lines.append([suppression_note(report.k)])
    return lines


def to_csv(report: Report) -> str:
    """One CSV file: a heading block, the summary, then each table after a line with its title."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_heading_lines(report))
    writer.writerow([])
    writer.writerow(["Summary"])
    for stat in report.summary:
        writer.writerow([stat.label, stat.short or stat.text])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(table.as_text_rows(short=True))
    return buffer.getvalue()


def _table_json(table: TableView) -> dict[str, Any]:
    def row(view: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"label": view.label, "cells": [c.value for c in view.cells]}
        if table.total_column_label:
            result["total"] = view.total.value if view.total else None
        if table.extra_labels:
            result["measures"] = dict(zip(table.extra_labels, view.extras, strict=False))
        return result

    return {
        "key": table.key,
        "title": table.title,
        "row_heading": table.row_heading,
        "columns": list(table.column_labels),
        "total_column": table.total_column_label,
        "rows": [row(r) for r in table.rows],
        "totals": row(table.totals_row) if table.totals_row else None,
        "withheld": table.withheld,
    }


def to_json(report: Report) -> dict[str, Any]:
    """Hidden counts are ``null``; ``k`` says what null means."""
    return {
        "period": str(report.period),
        "label": report.period.label,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "k": report.k,
        "note": suppression_note(report.k),
        "summary": {stat.label: (None if stat.hidden else stat.text) for stat in report.summary},
        "tables": [_table_json(table) for table in report.tables],
    }


def to_pdf(report: Report, *, agency_name: str) -> bytes:
    document = pdf.Document(
        title=f"Peer support program statistics, {report.period.label}",
        footer=f"{agency_name} · peer support program statistics · {report.period.label}",
    )
    document.paragraph(f"Peer support program statistics: {report.period.label}", size=16, bold=True, after=2)
    document.paragraph(agency_name, size=10, after=8)
    document.paragraph(suppression_note(report.k), size=8.5, after=10)
    document.table(["Summary", ""], [[stat.label, stat.text] for stat in report.summary])
    for figure in report.figures:
        table = figure.table
        document.ensure(80)
        document.paragraph(table.title, size=11, bold=True, after=1)
        document.paragraph(figure.explanation, size=8, after=4)
        lines = table.as_text_rows(short=False)
        document.table(lines[0], lines[1:], total_rows=1 if table.totals_row else 0)
    return document.to_bytes(created=report.generated_at)
