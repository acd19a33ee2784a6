"""Reading a spreadsheet batch: CSV (any of , ; tab, UTF-8) or XLSX (the first sheet), and
filling a row's ``{placeholders}``. Rows are numbered as the spreadsheet shows them."""

from __future__ import annotations

import csv
import io
import string

from core.errors import InputError
from core.messages import Msg, msg

ALIASES = {
    "texto": "text", "guion": "text", "guión": "text", "script": "text",
    "tema": "topic", "idioma": "language", "voz": "voice", "presentador": "avatar",
    "titulo": "title", "título": "title", "motor": "engine", "velocidad": "rate",
    "tamaño": "size", "duracion": "duration", "duración": "duration",
}  # fmt: skip


def read_sheet(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX as (spreadsheet row number, {column: text}); blank rows are
    skipped but keep their numbers counted, as the spreadsheet shows them."""
    lower = name.lower()
    if lower.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        table = _xlsx(name, data)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        table = _csv(name, data)
    else:
        raise InputError("batch.not_sheet", name=name)
    if not table:
        raise InputError("batch.empty", name=name)
    header = [column_name(h) for h in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            h: (cells[i] if i < len(cells) else "").strip() for i, h in enumerate(header) if h
        }
        if any(values.values()):
            rows.append((number, values))
    if not rows:
        raise InputError("batch.empty", name=name)
    return rows


def column_name(title: object) -> str:
    text = " ".join(str(title or "").split()).lower()
    return ALIASES.get(text, text)


def _csv(name: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("batch.unreadable", name=name, detail="not UTF-8 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as err:
        raise InputError("batch.unreadable", name=name, detail=str(err)) from None


def _xlsx(name: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        table = [
            ["" if v is None else _cell(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise InputError("batch.unreadable", name=name, detail=type(err).__name__) from None
    return table


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(template: str, values: dict[str, str]) -> tuple[str, list[tuple[str, Msg]]]:
    """``template`` with its {placeholders} filled from the row; problems by column."""
    problems: list[tuple[str, Msg]] = []
    try:
        names = [n for _, n, _, _ in string.Formatter().parse(template) if n is not None]
    except ValueError as err:
        return template, [("text", msg("batch.template_broken", detail=str(err)))]
    filled: dict[str, str] = {}
    for name in names:
        column = column_name(name)
        if not name or column not in values:
            problems.append((name or "text", msg("batch.placeholder_missing", name=name)))
        elif not values[column]:
            problems.append((name, msg("batch.placeholder_empty", name=name)))
        else:
            filled[name] = values[column]
    if problems:
        return template, problems
    return string.Formatter().vformat(template, (), filled), []
