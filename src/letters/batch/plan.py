"""Plan a batch before anything is written: where each case's files go, and
every conflict (an existing file, two cases clashing on one name) at once.

With ``--resume`` an existing file is no conflict when the registry recorded
exactly it for the letter this case (same data, same template) has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from letters.errors import LettersError, Problem
from letters.evidence.registry import Registry
from letters.model import Case, case_sha256
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


class Plan:
    """Conflicts (existing files, name clashes) of a batch, found case by case
    before anything is written. An existing file for which ``ours`` is true
    (``--resume``: registered for this very letter) is not a conflict."""

    def __init__(
        self,
        spec: TemplateSpec,
        out_dir: Path,
        formats: Sequence[str],
        *,
        overwrite: bool,
        ours: Callable[[Case, Path], bool] | None = None,
    ) -> None:
        self.spec, self.out_dir, self.formats = spec, out_dir, formats
        self.overwrite = overwrite
        self.ours = ours or (lambda case, path: False)
        self.conflicts: list[Problem] = []
        self.cases = 0
        self._owners: dict[str, str] = {}

    def add(self, case: Case) -> None:
        self.cases += 1
        for path in case_targets(case, self.spec, self.out_dir, self.formats).values():
            # Windows and macOS file names are case-insensitive: "c1" and "C1" clash.
            key = path.name.casefold()
            owner = self._owners.get(key)
            if owner is not None and owner != case.case_id:
                self.conflicts.append(
                    Problem(
                        f"cases {owner} and {case.case_id} would both be written to {path.name}",
                        case.origin,
                        "make the case ids distinct (file names drop characters such as / : *)",
                        case_id=case.case_id,
                    )
                )
            self._owners[key] = case.case_id
            if path.exists() and not self.overwrite and not self.ours(case, path):
                self.conflicts.append(
                    Problem(
                        f"{path} already exists",
                        case.origin,
                        "use --resume to finish an interrupted batch, --overwrite to replace it, "
                        "or choose another --out folder",
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
) -> Plan:
    """The :class:`Plan` of ``cases``."""
    plan = Plan(spec, out_dir, formats, overwrite=overwrite, ours=ours)
    for case in cases:
        plan.add(case)
    return plan


def registered_for(registry: Registry, spec: TemplateSpec) -> Callable[[Case, Path], bool]:
    """For ``--resume``: is ``path`` a file the registry recorded for the letter
    this case (with exactly this data and template) has?"""

    def ours(case: Case, path: Path) -> bool:
        digest, where = case_sha256(case), str(path.resolve())
        return any(
            letter["template_id"] == spec.id
            and letter["case_sha256"] == digest
            and letter["template_sha256"] == spec.sha256
            and any(f["path"] == where for f in letter["files"])
            for letter in registry.letters(case.case_id)
        )

    return ours
