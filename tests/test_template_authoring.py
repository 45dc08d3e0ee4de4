"""Template authoring through the command line: user folders and their precedence,
extra fields in validation, `templates new/check/vars/preview/guide`, and
`render` refusing a template that fails its check."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from helpers import KINDS, REPO, template
from letters.cli import cli
from letters.render.environment import make_environment
from letters.templates.guide import GUIDE_PATH, build_guide, computed_variables
from letters.templates.lint import check_template
from letters.templates.reference import COMPUTED, ELEMENT, FILTERS
from letters.templates.registry import TemplateRegistry
from letters.templates.vocabulary import sample_letter
from template_corpus import clean_letter, docx_bytes, paragraph_with, write_template


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def user_template(folder: Path, template_id: str, title: str, extra: str = "") -> Path:
    """A copy of goods-payment named ``template_id`` in ``folder``."""
    result = run("templates", "new", template_id, "--from", "goods-payment", "--dir", str(folder))
    assert result.exit_code == 0, result.output
    toml = folder / template_id / "template.toml"
    text = toml.read_text(encoding="utf-8").replace('title = "货款催收函"', f'title = "{title}"')
    toml.write_text(text + extra, encoding="utf-8")
    return folder / template_id


# ---------------------------------------------------------------- built-ins


@pytest.mark.parametrize("kind", KINDS)
def test_builtin_templates_pass_their_check(kind: str) -> None:
    report = check_template(template(kind))
    assert [str(f.problem()) for f in report.findings] == []


# ---------------------------------------------------------------- folders and precedence


def test_new_copies_into_the_per_user_folder(own_user_templates: Path) -> None:
    result = run(
        "templates", "new", "my-demand", "--from", "legal-demand", "--title", "律师函（诉前）"
    )
    assert result.exit_code == 0, result.output
    folder = own_user_templates / "my-demand"
    assert sorted(p.name for p in folder.iterdir()) == [
        "style.css",
        "template.docx",
        "template.html",
        "template.toml",
    ]
    toml = (folder / "template.toml").read_text(encoding="utf-8")
    assert 'id = "my-demand"' in toml
    assert 'derives_from = "legal-demand"' in toml
    assert 'title = "律师函（诉前）"' in toml
    assert "[extra_fields.penalty_clause]" in toml  # the commented example
    listed = {t["id"]: t for t in json.loads(run("templates", "list", "--json").output)}
    assert listed["my-demand"]["directory"] == str(folder)
    assert listed["my-demand"]["derives_from"] == "legal-demand"
    assert run("templates", "check", "my-demand").exit_code == 0
    again = run("templates", "new", "my-demand", "--from", "legal-demand")
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_a_user_template_overrides_a_builtin_id(tmp_path: Path, own_user_templates: Path) -> None:
    user_template(own_user_templates, "rent", "用户的房租催收函")
    listed = {t["id"]: t for t in json.loads(run("templates", "list", "--json").output)}
    assert listed["rent"]["title"] == "用户的房租催收函"
    assert listed["rent"]["overrides"] == [str(REPO / "templates" / "rent")]
    table = run("templates", "list").output
    assert "overridden by" in table


def test_templates_option_and_environment_come_before_the_user_folder(
    tmp_path: Path, own_user_templates: Path
) -> None:
    user_template(own_user_templates, "my-letter", "用户文件夹")
    user_template(tmp_path / "option", "my-letter", "命令行文件夹")
    user_template(tmp_path / "env", "my-letter", "环境变量文件夹")

    def title(*args: str, env: dict[str, str] | None = None) -> str:
        result = run(*args, "templates", "list", "--json", env=env)
        return next(t["title"] for t in json.loads(result.output) if t["id"] == "my-letter")

    assert title() == "用户文件夹"
    assert title(env={"LETTERS_TEMPLATES": str(tmp_path / "env")}) == "环境变量文件夹"
    assert title("--templates", str(tmp_path / "option")) == "命令行文件夹"


def test_a_broken_user_template_is_listed_and_does_not_hide_the_others(
    own_user_templates: Path,
) -> None:
    (own_user_templates / "broken").mkdir(parents=True)
    (own_user_templates / "broken" / "template.toml").write_text(
        'id = "broken"\n', encoding="utf-8"
    )
    result = run("templates", "list")
    assert result.exit_code == 0
    assert "broken" in result.output
    assert "goods-payment" in result.output


# ---------------------------------------------------------------- extra fields

EXTRA = """
[extra_fields.penalty_amount]
label = "约定违约金"
type = "amount"
example = "5000.00"
required = true

[extra_fields.handling_note]
label = "经办备注"
aliases = ["备注"]
type = "text"
"""
HEADER = "案件编号,发函日期,债权人名称,我方联系人,我方联系电话,债务人名称,债务人地址,合同名称,货物或服务,项目,应付日期,应付金额"
ROW = "C1,2026-09-24,上海申江机电设备有限公司,王晓明,021-58881234,杭州华信电子科技有限公司,浙江省杭州市,买卖合同,机床,货款,2026-06-30,1000"


def test_extra_fields_join_validation(tmp_path: Path) -> None:
    folder = user_template(tmp_path / "mine", "with-extra", "货款催收函", EXTRA)
    word_only(folder)
    spec = TemplateRegistry((tmp_path / "mine",)).get("with-extra")
    assert spec.schema.field("penalty_amount").required
    assert spec.schema.field("handling_note").label == "经办备注"
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER},约定违约金,备注\n{ROW},5千元,加急\n", encoding="utf-8")
    result = run("--templates", str(tmp_path / "mine"), "check", str(cases), "-t", "with-extra")
    assert result.exit_code == 1
    assert (
        'column "约定违约金": error: 约定违约金 (penalty_amount): "5千元" is not an amount'
        in result.stderr
    )
    cases.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    result = run("--templates", str(tmp_path / "mine"), "check", str(cases), "-t", "with-extra")
    assert "required column 约定违约金 (penalty_amount) is missing" in result.stderr
    # The template may use them, and the letter prints them.
    document = clean_letter()
    paragraph_with(
        document, "致：{{ debtor_name }}（约定违约金{{ penalty_amount }}元，{{ handling_note }}）"
    )
    (folder / "template.docx").write_bytes(docx_bytes(document))
    assert check_template(spec).findings == []
    cases.write_text(f"{HEADER},约定违约金,备注\n{ROW},12345.6,加急\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "--templates", str(tmp_path / "mine"), "render", str(cases), "-t", "with-extra",
        "--out", str(out), "--format", "docx", "--db", str(tmp_path / "l.db"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from helpers import docx_text

    assert "约定违约金12,345.60元，加急" in docx_text((out / "C1_with-extra.docx").read_bytes())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[extra_fields."违约条款"]\nlabel = "违约条款"\ntype = "text"\n',
            "must be lower-case ASCII",
        ),
        (
            '[extra_fields.debtor_name]\nlabel = "x"\ntype = "text"\n',
            "already a field of the catalogue",
        ),
        (
            '[extra_fields.clause]\nlabel = "条款"\ntype = "money"\n',
            "'money' is not a valid FieldType",
        ),
        ('[extra_fields.clause]\ntype = "text"\n', "needs a label"),
    ],
)
def test_bad_extra_fields_are_reported(tmp_path: Path, table: str, message: str) -> None:
    user_template(tmp_path / "mine", "bad-extra", "货款催收函", table)
    result = run("--templates", str(tmp_path / "mine"), "templates", "show", "bad-extra")
    assert result.exit_code == 1
    assert message in result.stderr


def test_an_extra_label_that_clashes_is_a_check_error(tmp_path: Path) -> None:
    clash = '[extra_fields.note]\nlabel = "债务人名称"\ntype = "text"\n'
    user_template(tmp_path / "mine", "clash", "货款催收函", clash)
    # The schema refuses a header that could mean two fields, so the template does
    # not load at all: every command names the file and both fields.
    result = run("--templates", str(tmp_path / "mine"), "templates", "check", "clash", "--json")
    assert result.exit_code == 1
    assert 'the header "债务人名称" would mean both debtor_name and note' in result.stderr
    assert "clash/template.toml" in result.stderr


# ---------------------------------------------------------------- check, --fix, render


def word_only(folder: Path) -> None:
    """Drop the HTML: these tests replace the Word file with the corpus letter."""
    (folder / "template.html").unlink()
    (folder / "style.css").unlink()


def broken_template(tmp_path: Path) -> Path:
    folder = user_template(tmp_path / "mine", "broken", "货款催收函")
    word_only(folder)
    document = clean_letter()
    paragraph_with(document, "致：｛｛ debtor_name ｝｝")
    (folder / "template.docx").write_bytes(docx_bytes(document))
    return folder


def test_check_reports_file_place_and_fix(tmp_path: Path) -> None:
    broken_template(tmp_path)
    result = run("--templates", str(tmp_path / "mine"), "templates", "check", "broken")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        'template.docx, paragraph 3: error: the tag "｛｛ debtor_name ｝｝" contains ｛ ｝ typed by '
        "a Chinese input method: Jinja does not see it as a tag and would print it as it is "
        "[fullwidth-in-tag]",
        "    hint: write it as {{ debtor_name }} (switch the input method to English, or Shift); "
        "`letters templates check --fix` repairs this",
    ]
    assert "1 error, 0 warnings; 1 can be repaired with --fix" in result.output


def test_render_refuses_a_template_that_fails_check(tmp_path: Path) -> None:
    broken_template(tmp_path)
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ("--templates", str(tmp_path / "mine"))
    render_options = ("--format", "docx", "--db", str(tmp_path / "l.db"))
    check = run(*args, "templates", "check", "broken")
    result = run(*args, "render", str(cases), "-t", "broken", "--out", str(out), *render_options)
    assert result.exit_code == 1
    # The same messages as `templates check`, then why nothing was written.
    assert result.stderr.startswith(check.stderr)
    assert (
        "Template broken fails `letters templates check` with 1 error; nothing was written."
        in result.stderr
    )
    assert not out.exists()
    # --fix repairs it, says what changed, and then render succeeds.
    fixed = run(*args, "templates", "check", "broken", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert (
        'fixed: template.docx, paragraph 3: "｛｛ debtor_name ｝｝" → "{{ debtor_name }}"'
        in fixed.output
    )
    assert "original kept as" in fixed.output
    result = run(*args, "render", str(cases), "-t", "broken", "--out", str(out), *render_options)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("name", ["rent", str(REPO / "templates" / "rent")])
def test_fix_refuses_builtin_templates(name: str) -> None:
    result = run("templates", "check", name, "--fix")
    assert result.exit_code == 1
    assert "rent is a built-in template" in result.stderr


def test_check_accepts_a_folder_path(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "corpus", docx_bytes(clean_letter()))
    result = run("templates", "check", str(folder), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["errors"] == 0


# ---------------------------------------------------------------- vars


def test_vars_lists_nested_and_loop_variables_with_places() -> None:
    result = run("templates", "vars", "overdue-notice", "--json")
    uses = {u["variable"]: u for u in json.loads(result.output)}
    guarantor = uses["guarantors[].guarantor_name"]
    assert guarantor["kind"] == "field of each guarantor"
    assert guarantor["label"] == "保证人名称"
    assert guarantor["written"] == ["g.guarantor_name"]
    assert any(p.startswith("template.docx: paragraph") for p in guarantor["used_in"])
    assert any(p.startswith("template.html: line") for p in guarantor["used_in"])
    assert uses["receipt_parties[].role"]["kind"] == "computed, each receipt slip"
    assert uses["debtor_name"]["kind"] == "field"
    assert uses["total_claim"]["kind"] == "computed"
    items = {u["variable"] for u in json.loads(run("templates", "vars", "rent", "--json").output)}
    assert {"items[].outstanding", "items[].period", "items"} <= items


def test_vars_marks_unknown_variables(tmp_path: Path) -> None:
    document = clean_letter()
    paragraph_with(
        document, "致：{{ debtor_nmae }}{% for item in items %}{{ item.outstandng }}{% endfor %}"
    )
    folder = write_template(tmp_path / "t", docx_bytes(document))
    uses = {
        u["variable"]: u for u in json.loads(run("templates", "vars", str(folder), "--json").output)
    }
    assert uses["debtor_nmae"]["kind"] == "does not exist"
    assert uses["items[].outstandng"]["kind"] == "does not exist"


# ---------------------------------------------------------------- guide


def test_the_committed_guide_is_current() -> None:
    committed = (REPO / GUIDE_PATH).read_text(encoding="utf-8")
    assert committed == build_guide(), "run: letters templates guide --out docs/template-guide.md"


def test_every_computed_variable_is_documented() -> None:
    specs = TemplateRegistry().all()
    computed = {n for n in computed_variables(specs) if not n.endswith("_paragraphs")}
    assert computed == set(COMPUTED)
    for spec in specs:
        context = sample_letter(spec).context
        for name, attributes in ELEMENT.items():
            for element in context.get(name, []):
                assert set(attributes) <= set(element), (spec.id, name)


def test_every_documented_filter_exists() -> None:
    assert {f.name for f in FILTERS} <= set(make_environment().filters)


def test_guide_command_check(tmp_path: Path) -> None:
    target = tmp_path / "guide.md"
    assert run("templates", "guide", "--out", str(target), "--check").exit_code == 1
    assert run("templates", "guide", "--out", str(target)).exit_code == 0
    assert run("templates", "guide", "--out", str(target), "--check").exit_code == 0


# ---------------------------------------------------------------- preview


def ink(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    histogram = Image.open(png).convert("L").histogram()  # pixels per grey level 0..255
    return sum(histogram[:200]) / sum(histogram)


def test_preview_renders_docx_pdf_and_a_page_image(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = run(
        "templates", "preview", "property-fee", "--out", str(out), "--issue-date", "2026-11-23"
    )
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "property-fee-preview.docx",
        "property-fee-preview.pdf",
        "property-fee-preview.png",
    ]
    png = out / "property-fee-preview.png"
    width, height = Image.open(png).size
    assert abs(height / width - 297 / 210) < 0.01  # an A4 page
    assert 0.01 < ink(png) < 0.5  # text on it, but not a black page
    assert "Preview of property-fee for case" in result.output


def test_preview_from_a_case_file(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = run(
        "templates", "preview", "rent", "--case", str(REPO / "samples" / "rent_gb18030.csv"),
        "--case-id", "RT-2026-003", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "for case RT-2026-003" in result.output
    from helpers import docx_text

    assert "刘䶮" in docx_text((out / "rent-preview.docx").read_bytes())


def test_preview_of_a_word_only_template_uses_libreoffice(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "word-only", docx_bytes(clean_letter()))
    out = tmp_path / "preview"
    result = run("templates", "preview", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "converted from the Word file by LibreOffice" in result.stderr
    assert ink(out / "corpus-preview.png") > 0.002


def test_preview_refuses_a_broken_template(tmp_path: Path) -> None:
    broken_template(tmp_path)
    result = run(
        "--templates",
        str(tmp_path / "mine"),
        "templates",
        "preview",
        "broken",
        "--out",
        str(tmp_path / "p"),
    )
    assert result.exit_code == 1
    assert "[fullwidth-in-tag]" in result.stderr
    assert not (tmp_path / "p").exists()


def test_editing_only_the_word_file_is_reported(own_user_templates: Path) -> None:
    run("templates", "new", "my-demand", "--from", "legal-demand")
    path = own_user_templates / "my-demand" / "template.docx"
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if "特此函告" in p.text)
    paragraph.runs[0].text = paragraph.runs[0].text.replace("特此函告", "特此通知")
    document.save(str(path))
    result = run("templates", "check", "my-demand", "--json")
    assert result.exit_code == 0  # a warning: the Word letter itself is fine
    (finding,) = json.loads(result.output)["findings"]
    assert finding["code"] == "wording-drift"
    assert '"通知"' in finding["message"]
    assert '"函告"' in finding["message"]


def test_doctor_reports_pdftoppm_for_previews() -> None:
    checks = {c["name"]: c for c in json.loads(run("doctor", "--json", "--quick").output)}
    assert checks["poppler-utils"]["status"] == "ok"
    assert "templates preview" in checks["poppler-utils"]["detail"]


def test_a_file_that_is_not_a_word_document(tmp_path: Path) -> None:
    folder = user_template(tmp_path / "mine", "garbled", "货款催收函")
    (folder / "template.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = run("templates", "check", str(folder), "--json")
    assert result.exit_code == 1
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert codes == ["unreadable"]


def test_html_without_its_stylesheet(tmp_path: Path) -> None:
    folder = user_template(tmp_path / "mine", "no-css", "货款催收函")
    (folder / "style.css").unlink()
    result = run("templates", "check", str(folder), "--json")
    assert result.exit_code == 1
    findings = [(f["code"], f["file"]) for f in json.loads(result.output)["findings"]]
    assert findings == [("missing-file", "template.html"), ("css-font", "template.html")]
