"""``letters templates new``: copy a template into a user folder to edit in Word.

The copy keeps every file of the source, gets its own id, records the kind it
derives from (so the rules of that kind, such as what a property-fee letter
must never say, still apply), and shows how to declare extra fields.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

from letters.errors import TemplateError
from letters.templates.fix import BACKUP_DIR
from letters.templates.registry import TEMPLATE_FILE, TemplateSpec, load_template

_TEMPLATE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# Comment lines of a built-in's template.toml that are not true of a copy.
_BUILTIN_NOTE = re.compile(r"built-in template|tools/templatekit|build_templates")

EXTRA_FIELDS_EXAMPLE = """
# Fields of your own (optional). Each becomes a column of the case file (headed
# by its label or name) and a template variable ({{ penalty_clause }}); `letters
# check` validates it like any other field. Types: text, longtext, amount, date,
# integer, rate, party_id, phone, boolean, choice. Level: case (default), item.
#
# [extra_fields.penalty_clause]
# label = "违约条款"
# type = "longtext"
# example = "依据合同第八条，逾期付款的，每日按未付金额的万分之五支付违约金。"
# required = false
"""


def new_template(
    base: TemplateSpec,
    new_id: str,
    root: Path,
    *,
    title: str | None = None,
    today: date | None = None,
) -> TemplateSpec:
    """Copy ``base`` to ``root/new_id`` and return the new template."""
    if not _TEMPLATE_ID.fullmatch(new_id):
        raise TemplateError(
            f'"{new_id}" cannot be a template id',
            "use lower-case letters, digits and -, e.g. my-demand",
        )
    target = root / new_id
    if target.exists():
        raise TemplateError(f"{target} already exists", "choose another id, or edit that template")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        base.directory, target, ignore=shutil.ignore_patterns(BACKUP_DIR, "__pycache__", ".*")
    )
    toml = target / TEMPLATE_FILE
    toml.write_text(
        derived_toml(toml.read_text(encoding="utf-8"), base, new_id, title, today or date.today()),
        encoding="utf-8",
    )
    return load_template(target, builtin=False)


def derived_toml(text: str, base: TemplateSpec, new_id: str, title: str | None, today: date) -> str:
    """The template.toml of a copy: new id (and title), derives_from, an extra-fields example."""
    lines = text.splitlines()
    header = [
        f"# {title or base.title} — derived from {base.id} by `letters templates new` on {today.isoformat()}.",
        "# Edit template.docx in Word (and template.html for the PDF), then run",
        f"# `letters templates check {new_id}` (add --fix to repair what can be repaired).",
    ]
    body, in_header = [], True
    for line in lines:
        if in_header and line.startswith("#"):
            if not _BUILTIN_NOTE.search(line):
                header.append(line)
            continue
        in_header = False
        if re.match(r"\s*id\s*=", line):
            body.append(f'id = "{new_id}"')
            if "derives_from" not in text:
                body.append(f'derives_from = "{base.kind}"')
            continue
        if title is not None and re.match(r"\s*title\s*=", line):
            body.append(f"title = {json.dumps(title, ensure_ascii=False)}")
            continue
        body.append(line)
    result = "\n".join(header + body).rstrip("\n") + "\n"
    if "extra_fields" not in text:
        result += EXTRA_FIELDS_EXAMPLE
    return result
