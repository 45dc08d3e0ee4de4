"""Find templates and read their metadata (``template.toml``).

A template is a folder holding ``template.toml`` (title, letter-number prefix,
the fields it uses), ``template.docx`` (docxtpl) and ``template.html`` +
``style.css`` (WeasyPrint). Built-in templates live in the repository's
``templates/`` folder; folders named in the search path come first, so a user
template may override a built-in id.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from letters.errors import TemplateError
from letters.schema import Schema, build_schema, fields_from_toml

TEMPLATE_FILE = "template.toml"
DEFAULT_LETTER_NO_FORMAT = "{prefix}〔{year}〕第{seq:04d}号"
DEFAULT_OUTPUT_NAME = "{case_id}_{template}"


def builtin_templates_dir() -> Path:
    """The built-in templates: ``$LETTERS_BUILTIN_TEMPLATES`` or the source tree's ``templates/``."""
    override = os.environ.get("LETTERS_BUILTIN_TEMPLATES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    title: str
    directory: Path
    schema: Schema
    letter_no_prefix: str
    letter_no_format: str = DEFAULT_LETTER_NO_FORMAT
    output_name: str = DEFAULT_OUTPUT_NAME
    description: str = ""
    builtin: bool = True
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def docx_path(self) -> Path:
        return self.directory / "template.docx"

    @property
    def html_path(self) -> Path:
        return self.directory / "template.html"

    @cached_property
    def sha256(self) -> str:
        """One hash over every file of the template (names and bytes), so the
        registry can tell which exact template produced a letter."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.directory.rglob("*") if p.is_file()):
            relative = path.relative_to(self.directory).as_posix()
            if relative.startswith(".") or "__pycache__" in relative:
                continue
            data = path.read_bytes()
            digest.update(f"{relative}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def format_letter_no(self, year: int, seq: int) -> str:
        """>>> spec = TemplateSpec("x", "x", Path("."), Schema(()), "催")
        >>> spec.format_letter_no(2026, 1)
        '催〔2026〕第0001号'
        """
        return self.letter_no_format.format(prefix=self.letter_no_prefix, year=year, seq=seq)


def load_template(directory: Path, *, builtin: bool) -> TemplateSpec:
    path = directory / TEMPLATE_FILE
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{path}: {error}", "fix the TOML syntax") from None
    try:
        extra = fields_from_toml(meta.get("extra_fields", {}))
        schema = build_schema(meta.get("fields", {}), extra)
        spec = TemplateSpec(
            id=meta.get("id", directory.name),
            title=meta["title"],
            directory=directory,
            schema=schema,
            letter_no_prefix=meta["letter_no_prefix"],
            letter_no_format=meta.get("letter_no_format", DEFAULT_LETTER_NO_FORMAT),
            output_name=meta.get("output_name", DEFAULT_OUTPUT_NAME),
            description=meta.get("description", ""),
            builtin=builtin,
            metadata=meta,
        )
    except KeyError as error:
        raise TemplateError(
            f"{path}: unknown or missing key {error}",
            "see templates/README.md for the keys of template.toml",
        ) from None
    except ValueError as error:
        raise TemplateError(f"{path}: {error}", "give the field a distinct alias") from None
    if "case_id" not in schema or "issue_date" not in schema:
        raise TemplateError(f"{path}: every template must use the fields case_id and issue_date")
    return spec


@dataclass(frozen=True)
class TemplateRegistry:
    """Templates found in ``search_path`` (user folders first), then the built-ins."""

    search_path: Sequence[Path] = ()
    builtin_dir: Path = field(default_factory=builtin_templates_dir)

    def _candidates(self) -> Iterable[tuple[Path, bool]]:
        for folder in self.search_path:
            if folder.is_dir():
                for child in sorted(folder.iterdir()):
                    if (child / TEMPLATE_FILE).is_file():
                        yield child, False
        if self.builtin_dir.is_dir():
            for child in sorted(self.builtin_dir.iterdir()):
                if (child / TEMPLATE_FILE).is_file():
                    yield child, True

    def all(self) -> list[TemplateSpec]:
        """Every template id once, the winning (first found) definition of each."""
        found: dict[str, TemplateSpec] = {}
        for directory, builtin in self._candidates():
            spec = load_template(directory, builtin=builtin)
            found.setdefault(spec.id, spec)
        return list(found.values())

    def get(self, template_id: str) -> TemplateSpec:
        for directory, builtin in self._candidates():
            if directory.name == template_id:
                spec = load_template(directory, builtin=builtin)
                if spec.id == template_id:
                    return spec
        for spec in self.all():
            if template_id in (spec.id, spec.title):  # 货款催收函 works as well as goods-payment
                return spec
        known = ", ".join(s.id for s in self.all()) or "none found"
        raise TemplateError(
            f'no template "{template_id}"',
            f"known templates: {known} (see `letters templates list`)",
        )
