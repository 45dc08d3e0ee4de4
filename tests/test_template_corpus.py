"""A corpus of broken Word templates, each built by python-docx with one planted
defect: `templates check` finds exactly that defect, `--fix` repairs the
repairable ones, and the repaired template then renders a correct letter."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from helpers import docx_text, squash
from letters.errors import LettersError
from letters.render.docx import DocxRenderer
from letters.templates.fix import BACKUP_DIR, fix_template
from letters.templates.lint import check_template
from letters.templates.registry import TemplateSpec, load_template
from letters.templates.vocabulary import sample_letter
from template_corpus import DEFECTS, Defect, build_defect, clean_letter, docx_bytes, write_template


def spec_of(folder: Path) -> TemplateSpec:
    return load_template(folder, builtin=False)


def render(spec: TemplateSpec) -> bytes:
    return DocxRenderer(spec).render(sample_letter(spec).context)


def zip_names(data: bytes) -> list[str]:
    return [info.filename for info in zipfile.ZipFile(io.BytesIO(data)).infolist()]


def test_the_clean_letter_passes_and_renders(tmp_path: Path) -> None:
    spec = spec_of(write_template(tmp_path / "clean", docx_bytes(clean_letter())))
    assert check_template(spec).findings == []
    text = docx_text(render(spec))
    data = sample_letter(spec).context
    for value in (
        data["debtor_name"],
        data["total_claim_in_words"],
        data["items"][1]["outstanding"],
    ):
        assert value in text
    assert "{" not in text


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_check_finds_exactly_the_planted_defect(tmp_path: Path, defect: Defect) -> None:
    report = check_template(spec_of(build_defect(tmp_path / "t", defect)))
    assert [f.code for f in report.findings] == [defect.code] * defect.count, [
        str(f.problem()) for f in report.findings
    ]
    finding = report.findings[0]
    assert finding.file == "template.docx"
    assert finding.where  # a paragraph, table cell or part
    assert finding.hint
    assert finding.can_fix is defect.fixable


FIXABLE = [d for d in DEFECTS if d.fixable]


@pytest.mark.parametrize("defect", FIXABLE, ids=[d.name for d in FIXABLE])
def test_fix_repairs_and_the_letter_renders(tmp_path: Path, defect: Defect) -> None:
    folder = build_defect(tmp_path / "t", defect)
    original = (folder / "template.docx").read_bytes()
    result = fix_template(spec_of(folder))
    assert result.changes, "fix said nothing"
    (backup,) = result.backups
    assert backup.parent == folder / BACKUP_DIR
    assert backup.read_bytes() == original
    spec = spec_of(folder)
    assert check_template(spec).findings == []
    data = render(spec)
    assert len(zip_names(data)) == len(set(zip_names(data)))
    text = docx_text(data)  # python-docx opens the letter
    context = sample_letter(spec).context
    assert context["debtor_name"] in text
    assert context["items"][0]["item_name"] in text
    assert "{{" not in text
    assert "{%" not in text
    assert "｛" not in text
    # The backup sits in a hidden folder: it does not change the template's hash.
    hashed = spec_of(folder).sha256
    shutil.rmtree(folder / BACKUP_DIR)
    assert spec_of(folder).sha256 == hashed


def test_fix_leaves_what_it_cannot_repair(tmp_path: Path) -> None:
    defect = next(d for d in DEFECTS if d.code == "utility-threat")
    folder = build_defect(tmp_path / "t", defect)
    before = (folder / "template.docx").read_bytes()
    assert fix_template(spec_of(folder)).changes == []
    assert (folder / "template.docx").read_bytes() == before
    assert not (folder / BACKUP_DIR).exists()


# What the defects do when nobody checks: the reason the checks exist.


def _defect(code: str, name: str | None = None) -> Defect:
    return next(d for d in DEFECTS if d.code == code and (name is None or d.name == name))


def test_unchecked_full_width_braces_print_the_tag(tmp_path: Path) -> None:
    spec = spec_of(build_defect(tmp_path / "t", _defect("fullwidth-in-tag", "full-width braces")))
    assert "｛｛ debtor_name ｝｝" in docx_text(render(spec))


def test_unchecked_libreoffice_link_duplicates_a_part_in_every_letter(tmp_path: Path) -> None:
    spec = spec_of(build_defect(tmp_path / "t", _defect("core-properties-type")))
    with pytest.warns(UserWarning, match="Duplicate name"):
        names = zip_names(render(spec))
    assert names.count("docProps/core.xml") == 2


def test_unchecked_table_loop_corrupts_the_table(tmp_path: Path) -> None:
    spec = spec_of(build_defect(tmp_path / "t", _defect("table-loop")))
    table = docx.Document(io.BytesIO(render(spec))).tables[0]
    # Two amount lines should give header + 2 rows of 3 cells; the loop cut rows apart.
    shape = [len(row.cells) for row in table.rows]
    assert shape != [3, 3, 3]


@pytest.mark.parametrize("code", ["prefix-space", "docxtpl-syntax"])
def test_unchecked_syntax_defects_fail_rendering(tmp_path: Path, code: str) -> None:
    spec = spec_of(build_defect(tmp_path / "t", _defect(code)))
    with pytest.raises(LettersError):
        render(spec)


def test_libreoffice_opens_a_repaired_letter(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by scripts/setup --dev"
    folder = build_defect(tmp_path / "t", _defect("duplicate-part"))
    fix_template(spec_of(folder))
    letter = tmp_path / "letter.docx"
    letter.write_bytes(render(spec_of(folder)))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(letter)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    from helpers import pdf_text

    context = sample_letter(spec_of(folder)).context
    assert squash(context["debtor_name"]) in squash(
        pdf_text((tmp_path / "letter.pdf").read_bytes())
    )
