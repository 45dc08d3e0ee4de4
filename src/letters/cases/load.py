"""Read case data from CSV (UTF-8, UTF-8 with BOM, GB18030/GBK), .xlsx and JSON
into :class:`~letters.model.RawRow` objects keyed by field name.

Headers may be field names, Chinese labels or aliases (see ``fields.toml``).
Nothing is typed or checked here beyond the file's structure: that is
:mod:`letters.cases.validate`'s job, so that every problem is reported at once.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from letters.errors import InputError, Location, Problem, Severity
from letters.model import Cell, RawRow
from letters.schema import Field, Level, Schema, is_blank, normalize_header

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".json")
# Rows above the header that a clerk's export may carry (a title, a date line).
_HEADER_SEARCH_ROWS = 10
FIELD_NAMES_HINT = (
    "the field names: `letters templates show TEMPLATE` for case files, `letters receipts "
    "import --help` for receipts"
)
_TOTAL_WORDS = {"合计", "小计", "总计", "总合计", "合计金额", "total", "Total", "TOTAL"}
_ITEM_KEYS = {"items", "明细", "项目明细", "amount_lines"}
_GUARANTOR_KEYS = {"guarantors", "保证人", "保证人列表"}


def decode_csv_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a CSV file: forced ``encoding``, else UTF-8 (with or without BOM), else GB18030.

    GB18030 is a superset of GBK and GB2312, so Excel's "CSV (逗号分隔)" export
    on a Chinese Windows decodes with it.

    >>> decode_csv_bytes("债务人".encode("gbk"))
    ('债务人', 'gb18030')
    >>> decode_csv_bytes(b"\\xef\\xbb\\xbfcase_id")
    ('case_id', 'utf-8-sig')
    """
    if encoding:
        return data.decode(encoding), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def _find_header(rows: Sequence[Sequence[object]], schema: Schema) -> int | None:
    """Index of the header row: the first of the top rows naming two or more fields."""
    index = schema.header_index()
    for number, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        known = sum(1 for cell in row if isinstance(cell, str) and normalize_header(cell) in index)
        if known >= 2:
            return number
    return None


def suggest_field(header: str, schema: Schema) -> str | None:
    """The field a mistyped or unusual header most likely means, for a hint.

    >>> from letters.schema import build_schema
    >>> suggest_field("客户明称", build_schema({"debtor_name": {}, "debtor_address": {}}))
    '客户名称 → debtor_name (债务人名称)'
    """
    names = {key: spec for spec in schema.fields for key in (spec.name, spec.label, *spec.aliases)}
    close = difflib.get_close_matches(header.strip(), list(names), n=1, cutoff=0.6)
    if not close:
        return None
    spec = names[close[0]]
    return f"{close[0]} → {spec.name} ({spec.label})"


def _is_total_row(values: Sequence[object]) -> bool:
    """A 合计/小计/总计 line at the foot of an export: not a case."""
    for value in values:
        if is_blank(value):
            continue
        text = "".join(str(value).split()).rstrip(":：")
        return text in _TOTAL_WORDS
    return False


def _table_stream(
    grid: Iterator[Sequence[object]], schema: Schema, source: str
) -> tuple[Iterator[RawRow], list[Problem]]:
    """Map a grid (header row somewhere at the top, then data) to rows by field name,
    one row at a time; problems of later rows are added to the list as they are read."""
    problems: list[Problem] = []
    head = list(itertools.islice(grid, _HEADER_SEARCH_ROWS))
    if not head:
        raise InputError([Problem("the file is empty", Location(source), "export the sheet again")])
    header_at = _find_header(head, schema)
    if header_at is None:
        raise InputError(
            [
                Problem(
                    f"no header row found in the first {_HEADER_SEARCH_ROWS} rows",
                    Location(source),
                    "the header row must name the fields, e.g. 案件编号, 债务人名称, 应付金额 "
                    "(see `letters templates show TEMPLATE`); for a workbook, choose the sheet "
                    "with --sheet",
                )
            ]
        )
    headers = ["" if h is None else str(h).strip() for h in head[header_at]]
    index = schema.header_index()
    columns: dict[int, Field] = {}
    seen: dict[str, str] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        spec = index.get(normalize_header(header))
        where = Location(source, header_at + 1, header)
        if spec is None:
            guess = suggest_field(header, schema)
            problems.append(
                Problem(
                    f'column "{header}" is not a field of this template; it is ignored',
                    where,
                    f"did you mean {guess}? Rename the column if so" if guess else FIELD_NAMES_HINT,
                    Severity.WARNING,
                )
            )
            continue
        if spec.name in seen:
            problems.append(
                Problem(
                    f'columns "{seen[spec.name]}" and "{header}" both mean {spec.name} ({spec.label})',
                    where,
                    "delete or rename one of them",
                )
            )
            continue
        seen[spec.name] = header
        columns[position] = spec
    header_of = {spec.name: headers[pos] for pos, spec in columns.items()}

    def rows() -> Iterator[RawRow]:
        data = itertools.chain(head[header_at + 1 :], grid)
        found = 0
        for offset, values in enumerate(data, start=header_at + 2):
            if all(is_blank(v) for v in values):
                continue
            location = Location(source, offset)
            if _is_total_row(values):
                problems.append(
                    Problem(
                        "a total row (合计/小计/总计), not a case; it is skipped",
                        location,
                        None,
                        Severity.WARNING,
                    )
                )
                continue
            cells = {
                spec.name: Cell(values[pos], location.with_column(headers[pos]))
                for pos, spec in columns.items()
                if pos < len(values) and not is_blank(values[pos])
            }
            extra = [v for pos, v in enumerate(values) if pos >= len(headers) and not is_blank(v)]
            if extra:
                problems.append(
                    Problem(
                        f"the row has {len(extra)} value(s) to the right of the last header",
                        location,
                        "a stray comma or cell; check that the row's values sit under the right "
                        "headers",
                    )
                )
            found += 1
            yield RawRow(location, cells, header_of)
        if not found:
            raise InputError(
                [
                    Problem(
                        "no cases found: there are no data rows under the header",
                        Location(source, header_at + 1),
                        "check that this is the right file (for a workbook, the right --sheet)",
                    )
                ]
            )

    return rows(), problems


def _table_rows(
    grid: Sequence[Sequence[object]], schema: Schema, source: str
) -> tuple[list[RawRow], list[Problem]]:
    rows, problems = _table_stream(iter(grid), schema, source)
    return list(rows), problems


def _decodes(path: Path, encoding: str) -> None:
    """Raise UnicodeDecodeError unless all of ``path`` decodes (read in chunks, not kept)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            decoder.decode(chunk)
    decoder.decode(b"", final=True)


def csv_encoding(path: Path, encoding: str | None = None) -> str:
    """What :func:`decode_csv_bytes` would decode ``path`` with, without reading it whole."""
    if encoding:
        _decodes(path, encoding)
        return encoding
    with path.open("rb") as handle:
        if handle.read(3) == b"\xef\xbb\xbf":
            _decodes(path, "utf-8-sig")
            return "utf-8-sig"
    try:
        _decodes(path, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        _decodes(path, "gb18030")
        return "gb18030"


def _csv_stream(
    path: Path, schema: Schema, encoding: str | None = None
) -> tuple[Iterator[RawRow], list[Problem]]:
    try:
        chosen = csv_encoding(path, encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise InputError(
            [
                Problem(
                    f"cannot decode the file as {encoding}: {error}",
                    Location(str(path)),
                    "leave out --encoding to detect UTF-8/GB18030, or name the right one",
                )
            ]
        ) from None
    handle = path.open(encoding=chosen, newline="")
    rows, problems = _table_stream((list(r) for r in csv.reader(handle)), schema, str(path))
    return _closing(rows, handle.close), problems


def _closing(rows: Iterator[RawRow], close: Callable[[], object]) -> Iterator[RawRow]:
    try:
        yield from rows
    finally:
        close()


def read_csv(
    path: Path, schema: Schema, encoding: str | None = None
) -> tuple[list[RawRow], list[Problem]]:
    rows, problems = _csv_stream(path, schema, encoding)
    return list(rows), problems


_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
MergedRange = tuple[int, int, int, int]  # 0-based first row, first column, last row, last column


def merged_ranges(path: Path, worksheet_path: str) -> list[MergedRange]:
    """Merged cell ranges of one sheet, read from the sheet's XML (openpyxl's
    streaming reader does not expose them)."""
    from openpyxl.utils import column_index_from_string

    with zipfile.ZipFile(path) as archive:
        xml = archive.read(worksheet_path.lstrip("/"))
    return [
        (
            int(row1) - 1,
            column_index_from_string(col1.decode()) - 1,
            int(row2) - 1,
            column_index_from_string(col2.decode()) - 1,
        )
        for col1, row1, col2, row2 in _MERGE_REF.findall(xml)
    ]


def fill_merged(
    rows: Iterable[Sequence[object]], ranges: Sequence[MergedRange]
) -> Iterator[list[object]]:
    """Give every cell of a merged range the value of its top-left cell, as the clerk
    sees it (Excel shows a merged 案件编号 on every row it spans), row by row.

    >>> list(fill_merged([["C1", 1], [None, 2], [None, 3]], [(0, 0, 2, 0)]))
    [['C1', 1], ['C1', 2], ['C1', 3]]
    """
    starting: dict[int, list[MergedRange]] = {}
    for merged in ranges:
        starting.setdefault(merged[0], []).append(merged)
    active: list[tuple[MergedRange, object]] = []
    for number, values in enumerate(rows):
        row = list(values)
        for merged in starting.get(number, ()):
            active.append((merged, row[merged[1]] if merged[1] < len(row) else None))
        active = [(m, v) for m, v in active if m[2] >= number]
        for (_, first_col, _, last_col), value in active:
            if len(row) <= last_col:
                row.extend([None] * (last_col + 1 - len(row)))
            for column in range(first_col, last_col + 1):
                row[column] = value
        yield row


def _xlsx_stream(
    path: Path, schema: Schema, sheet: str | None = None
) -> tuple[Iterator[RawRow], list[Problem]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only: openpyxl streams the sheet instead of loading every cell.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise InputError(
            [
                Problem(
                    f"cannot open the workbook: {error}",
                    Location(str(path)),
                    "save it from Excel/WPS as .xlsx (Excel 工作簿)",
                )
            ]
        ) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                [
                    Problem(
                        f'no sheet named "{sheet}"',
                        Location(str(path)),
                        f"sheets: {', '.join(workbook.sheetnames)}",
                    )
                ]
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        source = f"{path}[{worksheet.title}]" if len(workbook.sheetnames) > 1 else str(path)
        worksheet_path = getattr(worksheet, "_worksheet_path", None)
        ranges = merged_ranges(path, worksheet_path) if worksheet_path else []
        grid = worksheet.iter_rows(values_only=True)
        try:
            rows, problems = _table_stream(fill_merged(grid, ranges), schema, source)
        except InputError as error:
            raise _point_at_data_sheet(error, workbook, worksheet.title, schema, sheet) from None
    except BaseException:
        workbook.close()
        raise
    return _closing(rows, workbook.close), problems


def _point_at_data_sheet(
    error: InputError, workbook: Any, title: str, schema: Schema, sheet: str | None
) -> InputError:
    """The error, with a hint naming another sheet that looks like case data."""
    if sheet is not None:
        return error
    for other in workbook.worksheets:
        if other.title == title:
            continue
        top = [list(r) for r in other.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True)]
        if _find_header(top, schema) is not None:
            problem = error.problems[0]
            hint = f'the sheet "{other.title}" looks like case data: add --sheet {other.title}'
            return InputError([Problem(problem.message, problem.location, hint)])
    return error


def read_xlsx(
    path: Path, schema: Schema, sheet: str | None = None
) -> tuple[list[RawRow], list[Problem]]:
    rows, problems = _xlsx_stream(path, schema, sheet)
    return list(rows), problems


def _json_cells(
    obj: dict[str, Any], path: str, source: str, schema: Schema, problems: list[Problem]
) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    index = schema.header_index()
    for key, value in obj.items():
        if key in _ITEM_KEYS or key in _GUARANTOR_KEYS:
            continue
        where = Location(source, None, f"{path}.{key}")
        spec = index.get(normalize_header(key))
        if spec is None:
            problems.append(
                Problem(
                    f'"{key}" is not a field of this template; it is ignored',
                    where,
                    FIELD_NAMES_HINT,
                    Severity.WARNING,
                )
            )
            continue
        if isinstance(value, dict | list):
            problems.append(Problem(f"{key} must be a single value, not a list or object", where))
            continue
        if spec.name in cells:
            problems.append(
                Problem(
                    f'"{key}" repeats {spec.name} ({spec.label})', where, "keep one of the two keys"
                )
            )
            continue
        if not is_blank(value):
            cells[spec.name] = Cell(value, where)
    return cells


def read_json(path: Path, schema: Schema) -> tuple[list[RawRow], list[Problem]]:
    """A list of cases, or ``{"cases": [...]}``; a case may nest ``items`` and ``guarantors``."""
    source = str(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise InputError(
            [
                Problem(
                    f"not valid JSON: {error}",
                    Location(source, line),
                    "check commas and quotes near that line",
                )
            ]
        ) from None
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        cases, prefix = data["cases"], "cases"
    elif isinstance(data, list):
        cases, prefix = data, ""
    else:
        raise InputError(
            [Problem('expected a list of cases or {"cases": [...]}', Location(source))]
        )
    rows: list[RawRow] = []
    problems: list[Problem] = []
    for number, case in enumerate(cases):
        path_text = f"{prefix}[{number}]"
        if not isinstance(case, dict):
            problems.append(
                Problem("a case must be a JSON object", Location(source, None, path_text))
            )
            continue
        cells = _json_cells(case, path_text, source, schema, problems)
        rows.append(RawRow(Location(source, None, path_text), cells))
        case_id_cell = cells.get("case_id")
        for keys, name in ((_ITEM_KEYS, "items"), (_GUARANTOR_KEYS, "guarantors")):
            for key in keys & case.keys():
                nested = case[key]
                if not isinstance(nested, list) or not all(isinstance(n, dict) for n in nested):
                    problems.append(
                        Problem(
                            f"{key} must be a list of objects",
                            Location(source, None, f"{path_text}.{key}"),
                        )
                    )
                    continue
                for position, child in enumerate(nested):
                    child_path = f"{path_text}.{key}[{position}]"
                    child_cells = _json_cells(child, child_path, source, schema, problems)
                    if case_id_cell is not None:
                        child_cells.setdefault("case_id", case_id_cell)
                    misplaced = [
                        n
                        for n in child_cells
                        if schema.field(n).level is Level.CASE and n != "case_id"
                    ]
                    for field_name in misplaced:
                        problems.append(
                            Problem(
                                f"{field_name} belongs to the case, not to one of its {name}",
                                child_cells[field_name].location,
                                "move it up to the case object",
                            )
                        )
                    rows.append(RawRow(Location(source, None, child_path), child_cells))
    return rows, problems


def iter_rows(
    path: Path, schema: Schema, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[Iterator[RawRow], list[Problem]]:
    """Rows of a case file, chosen by its suffix, read as they are needed (CSV and
    .xlsx; JSON is parsed whole). Problems are added to the list as rows are read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem("file not found", Location(str(path)))])
    if suffix == ".csv":
        return _csv_stream(path, schema, encoding)
    if suffix == ".xlsx":
        return _xlsx_stream(path, schema, sheet)
    if suffix == ".json":
        rows, problems = read_json(path, schema)
        return iter(rows), problems
    hint = "save the sheet as .xlsx or CSV" if suffix in {".xls", ".et", ".numbers"} else None
    raise InputError(
        [
            Problem(
                f"unsupported file type {suffix or '(none)'}; use " + ", ".join(SUPPORTED_SUFFIXES),
                Location(str(path)),
                hint,
            )
        ]
    )


def read_rows(
    path: Path, schema: Schema, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[list[RawRow], list[Problem]]:
    """Rows of a case file, chosen by its suffix; file-level problems alongside."""
    rows, problems = iter_rows(path, schema, encoding=encoding, sheet=sheet)
    return list(rows), problems
