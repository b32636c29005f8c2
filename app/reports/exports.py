"""Every table of a report as CSV or XLSX (openpyxl): the same numbers as the page."""
import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook

from app.reports import sla as report

MEASURE_COLUMNS = ("tickets", "first_response_met", "first_response_breached", "first_response_compliance",
                   "resolution_met", "resolution_breached", "resolution_compliance",
                   "median_first_response_minutes", "p90_first_response_minutes",
                   "median_resolution_minutes", "p90_resolution_minutes", "reopened", "open", "oldest_open_at",
                   "rated", "csat", "billable_minutes")


def flat(row: dict) -> list:
    out = []
    for name in MEASURE_COLUMNS:
        target, _sep, part = name.rpartition("_")
        if target in ("first_response", "resolution") and part in ("met", "breached", "compliance"):
            out.append(row[target][part])
        else:
            out.append(row[name])
    return out


def breakdown_table(found: dict, group: str) -> tuple[list[str], list[list]]:
    header = ["key", "label", *MEASURE_COLUMNS]
    rows = [[row["key"], row["label"], *flat(row)] for row in found["rows"]]
    rows.append(["total", _("Total"), *flat(found["total"])])
    return header, rows


def breaches_table(breaches: list[dict]) -> tuple[list[str], list[list]]:
    header = ["ticket", "title", "organization", "priority", "target", "policy", "start", "due", "met_at",
              "target_minutes", "used_minutes", "stood"]
    rows = []
    for breach in breaches:
        record = report.breach_record(breach)
        stood = "; ".join(f"{s['from']}–{s['to'] or ''} {s['why']}" for s in record.pop("stood"))
        rows.append([*record.values(), stood])
    return header, rows


def tables(found: dict, group: str, months: dict, breaches: list[dict]) -> dict[str, tuple[list, list]]:
    return {group: breakdown_table(found, group), "month": breakdown_table(months, "month"),
            "breaches": breaches_table(breaches)}


def to_csv(table: tuple[list, list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table[0])
    writer.writerows(table[1])
    return out.getvalue()


def to_xlsx(named: dict[str, tuple[list, list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in named.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
