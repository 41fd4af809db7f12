"""The one CSV writer every export of the site uses (dashboards, portfolio, reflections).

Spreadsheets run a cell that begins with = + - or @ as a formula, and a leading tab or
carriage return can hide one; a community named `=HYPERLINK(…)` would otherwise become a
live link in a leader's spreadsheet. So every text cell that begins with one of those is
written with a leading apostrophe, which spreadsheets show as plain text. Numbers are
written as they are: a negative number is data, not a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import http_date

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet shows as written: text beginning with a formula character gets
    a leading apostrophe; numbers and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_rows(out, columns: Iterable, rows: Iterable[Iterable]) -> None:
    """Write the header and rows to a file-like `out`, every cell through `safe_cell`."""
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])


def csv_text(columns: Iterable, rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    write_rows(out, columns, rows)
    return out.getvalue()


def csv_response(
    filename: str,
    columns: Iterable,
    rows: Iterable[Iterable],
    *,
    last_modified: dt.datetime | None = None,
) -> HttpResponse:
    """A CSV download named `filename` (with its `.csv`)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    write_rows(response, columns, rows)
    return response
