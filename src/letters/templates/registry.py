"""Find templates and read their metadata (``template.toml``).

A template is a folder holding ``template.toml`` (title, letter-number prefix,
the fields it uses, extra fields of its own), ``template.docx`` (docxtpl)
and/or ``template.html`` + ``style.css`` (WeasyPrint). Built-in templates live
in the repository's ``templates/`` folder; folders named in the search path
(``--templates``, ``LETTERS_TEMPLATES``, then the per-user folder) come first,
so a user template may override a built-in id.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from letters.errors import TemplateError
from letters.schema import Field, Schema, build_schema, catalogue, fields_from_toml

TEMPLATE_FILE = "template.toml"
DEFAULT_LETTER_NO_FORMAT = "{prefix}〔{year}〕第{seq:04d}号"
DEFAULT_OUTPUT_NAME = "{case_id}_{template}"


def builtin_templates_dir() -> Path:
    """The built-in templates: ``$LETTERS_BUILTIN_TEMPLATES`` or the source tree's ``templates/``."""
    override = os.environ.get("LETTERS_BUILTIN_TEMPLATES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "templates"


def user_templates_dir() -> Path:
    """The per-user template folder (XDG): ``$XDG_CONFIG_HOME/letters/templates``,
    by default ``~/.config/letters/templates``."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "letters" / "templates"


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

    @property
    def kind(self) -> str:
        """The letter kind this template is (``derives_from`` in template.toml, else
        its own id): kind-specific rules, such as what a property-fee letter must
        never say, follow it into copies."""
        derived = self.metadata.get("derives_from")
        return derived if isinstance(derived, str) and derived else self.id

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
        extra, uses = _extra_fields(meta, path)
        schema = build_schema(uses, extra)
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
    except ValueError as error:  # an unknown type or level in [extra_fields], an ambiguous alias
        raise TemplateError(f"{path}: {error}", "see templates/README.md") from None
    if "case_id" not in schema or "issue_date" not in schema:
        raise TemplateError(f"{path}: every template must use the fields case_id and issue_date")
    return spec


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
_EXTRA_OPTIONS = ("required", "default")


def _extra_fields(
    meta: dict[str, Any], path: Path
) -> tuple[dict[str, Field], dict[str, dict[str, Any]]]:
    """The template's own fields (``[extra_fields]``) and the full ``uses`` table.

    An extra field is part of the schema without being listed again under
    ``[fields]``, so declaring it once is enough for validation and templates;
    ``required`` and ``default`` may sit in its own table.
    """
    table = meta.get("extra_fields", {})
    uses: dict[str, dict[str, Any]] = {
        name: dict(options) for name, options in meta.get("fields", {}).items()
    }
    known = catalogue()
    for name, spec in table.items():
        if not _FIELD_NAME.fullmatch(name):
            raise TemplateError(
                f'{path}: extra field name "{name}" must be lower-case ASCII letters, '
                "digits and _ (it is the variable name in the template)",
                'put the Chinese name in its label, e.g. [extra_fields.penalty_clause] label = "违约条款"',
            )
        if name in known:
            raise TemplateError(
                f"{path}: extra field {name} is already a field of the catalogue",
                f"list it under [fields] instead: {name} = {{}}",
            )
        if not isinstance(spec, dict) or "label" not in spec or "type" not in spec:
            raise TemplateError(
                f"{path}: extra field {name} needs a label (Chinese) and a type",
                'e.g. [extra_fields.penalty_clause] label = "违约条款", type = "text"',
            )
        options = {key: spec[key] for key in _EXTRA_OPTIONS if key in spec}
        uses.setdefault(name, {}).update(options)
    return fields_from_toml(table), uses


@dataclass(frozen=True)
class TemplateDefinition:
    """One template folder found on the search path, and whether it is the one in use."""

    directory: Path
    builtin: bool
    spec: TemplateSpec | None
    error: TemplateError | None
    overridden_by: Path | None = None

    @property
    def id(self) -> str:
        return self.spec.id if self.spec is not None else self.directory.name


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

    def definitions(self) -> list[TemplateDefinition]:
        """Every template folder in search order, broken ones included, each
        marked with the folder whose definition of the same id wins over it."""
        result: list[TemplateDefinition] = []
        winners: dict[str, Path] = {}
        for directory, builtin in self._candidates():
            try:
                spec: TemplateSpec | None = load_template(directory, builtin=builtin)
                error = None
            except TemplateError as problem:
                spec, error = None, problem
            definition = TemplateDefinition(directory, builtin, spec, error)
            if definition.id in winners:
                definition = replace(definition, overridden_by=winners[definition.id])
            elif spec is not None:
                winners[definition.id] = directory
            result.append(definition)
        return result

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
