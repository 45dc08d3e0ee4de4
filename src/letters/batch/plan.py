"""Plan a batch before anything is written: where each case's files go, and
every conflict (an existing file, two cases clashing on one name) at once.

With ``--resume`` an existing file is no conflict when the registry recorded
exactly it for the letter this case (same data, same template) has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from letters.errors import LettersError, Problem
from letters.evidence.registry import Registry
from letters.model import Case, case_sha256, sha256_hex
from letters.render.output import output_stem
from letters.templates.registry import TemplateSpec


def case_targets(
    case: Case, spec: TemplateSpec, out_dir: Path, formats: Sequence[str]
) -> dict[str, Path]:
    """Where the files of ``case`` go."""
    values = {**dict(case.values.items()), "template": spec.id, "case_id": case.case_id}
    try:
        stem = output_stem(spec.output_name, values)
    except ValueError as error:
        raise LettersError(str(error), "fix output_name in the template's template.toml") from None
    return {fmt: out_dir / f"{stem}.{fmt}" for fmt in formats}


class _FileNames:
    """Which case claimed which file name: two cases must never share one
    (after unsafe characters are replaced, and ignoring case: Windows and
    macOS file names are case-insensitive, so "c1" and "C1" clash)."""

    def __init__(self, spec: TemplateSpec) -> None:
        self.spec = spec
        self._owners: dict[str, tuple[str, str]] = {}

    def claim(self, case: Case) -> Problem | None:
        stem = case_targets(case, self.spec, Path("."), ("docx",))["docx"].stem
        owner, owner_stem = self._owners.setdefault(stem.casefold(), (case.case_id, stem))
        if owner == case.case_id:
            return None
        return Problem(
            f"cases {owner} and {case.case_id} would both be written to {owner_stem}.*",
            case.origin,
            "make the case ids distinct (file names drop characters such as / : * "
            "and ignore upper/lower case)",
            case_id=case.case_id,
        )


def name_clashes(cases: Iterable[Case], spec: TemplateSpec) -> list[Problem]:
    """Cases whose files would get the same name (for `letters check`)."""
    names = _FileNames(spec)
    return [problem for case in cases if (problem := names.claim(case)) is not None]


class Plan:
    """Conflicts (existing files, name clashes) of a batch, found case by case
    before anything is written. An existing file for which ``ours`` is true
    (``--resume``: registered for this very letter) is not a conflict.

    With ``overwrite``, a file is still never replaced when ``issued_as`` names
    an issued letter it belongs to that this case would no longer reproduce (the
    case or the template changed, so it gets a new number): that letter may
    have been sent, and its file is evidence.
    """

    def __init__(
        self,
        spec: TemplateSpec,
        out_dir: Path,
        formats: Sequence[str],
        *,
        overwrite: bool,
        ours: Callable[[Case, Path], bool] | None = None,
        issued_as: Callable[[Case, Path], str | None] | None = None,
    ) -> None:
        self.spec, self.out_dir, self.formats = spec, out_dir, formats
        self.overwrite = overwrite
        self.ours = ours or (lambda case, path: False)
        self.issued_as = issued_as or (lambda case, path: None)
        self.conflicts: list[Problem] = []
        self.cases = 0
        self._names = _FileNames(spec)

    def add(self, case: Case) -> None:
        self.cases += 1
        clash = self._names.claim(case)
        if clash is not None:
            self.conflicts.append(clash)
        for path in case_targets(case, self.spec, self.out_dir, self.formats).values():
            if not path.exists() or self.ours(case, path):
                continue
            if not self.overwrite:
                self.conflicts.append(
                    Problem(
                        f"{path} already exists",
                        case.origin,
                        "use --resume to finish an interrupted batch, --overwrite to replace it, "
                        "or choose another --out folder",
                        case_id=case.case_id,
                    )
                )
                continue
            letter_no = self.issued_as(case, path)
            if letter_no is not None:
                self.conflicts.append(
                    Problem(
                        f"{path} is the file of issued letter {letter_no}; case "
                        f"{case.case_id} has changed since, so rendering it would issue a new "
                        "letter number and replace that file",
                        case.origin,
                        "keep the issued letter (it may have been sent): render into another "
                        "--out folder, or move the old file away first",
                        case_id=case.case_id,
                    )
                )


def plan_batch(
    cases: Iterable[Case],
    spec: TemplateSpec,
    out_dir: Path,
    formats: Sequence[str],
    *,
    overwrite: bool,
    ours: Callable[[Case, Path], bool] | None = None,
    issued_as: Callable[[Case, Path], str | None] | None = None,
) -> Plan:
    """The :class:`Plan` of ``cases``."""
    plan = Plan(spec, out_dir, formats, overwrite=overwrite, ours=ours, issued_as=issued_as)
    for case in cases:
        plan.add(case)
    return plan


def _is_letter_of(letter: Mapping[str, Any], case: Case, spec: TemplateSpec) -> bool:
    """Was ``letter`` numbered for exactly this case data and this template?"""
    return bool(
        letter["template_id"] == spec.id
        and letter["case_id"] == case.case_id
        and letter["case_sha256"] == case_sha256(case)
        and letter["template_sha256"] == spec.sha256
    )


def registered_for(registry: Registry, spec: TemplateSpec) -> Callable[[Case, Path], bool]:
    """For ``--resume``: is ``path`` a file the registry recorded for the letter
    this case (with exactly this data and template) has?"""

    def ours(case: Case, path: Path) -> bool:
        where = str(path.resolve())
        return any(
            _is_letter_of(letter, case, spec) and any(f["path"] == where for f in letter["files"])
            for letter in registry.letters(case.case_id)
        )

    return ours


def issued_elsewhere(registry: Registry, spec: TemplateSpec) -> Callable[[Case, Path], str | None]:
    """For ``--overwrite``: the number of an issued letter whose recorded file
    ``path`` is, when this case (its data or template changed) is not that letter."""

    def issued_as(case: Case, path: Path) -> str | None:
        letter = registry.letter_with_file(sha256_hex(path.read_bytes()))
        if letter is None:
            return None
        return None if _is_letter_of(letter, case, spec) else str(letter["letter_no"])

    return issued_as
