"""The pure checks, table-driven: tag repair, Jinja analysis, Word XML rules, wording."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from helpers import template
from letters.errors import Severity
from letters.render.environment import make_environment
from letters.templates import docx_rules, wording
from letters.templates.docx_package import W_NS, paragraphs
from letters.templates.lint import label_resolver
from letters.templates.source import Segment, analyze
from letters.templates.tags import find_tags, normalize_tag
from letters.templates.vocabulary import vocabulary

# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("typed", "meant", "replaced"),
    [
        ("{{ debtor_name }}", "{{ debtor_name }}", ""),
        ("｛｛ debtor_name ｝｝", "{{ debtor_name }}", "｛｛｝｝"),
        ("{％ if has_payee ％}", "{% if has_payee %}", "％％"),
        ("{{ debtor_name（）}}", "{{ debtor_name()}}", "（）"),
        ("{% if a，b %}", "{% if a,b %}", "，"),
        ("{{　debtor_name　}}", "{{ debtor_name }}", "\u3000\u3000"),
        ("{{ “本人” if x else “贵司” }}", '{{ "本人" if x else "贵司" }}', "“”“”"),
        ("{{ ‘甲’ }}", "{{ '甲' }}", "‘’"),
        ("{{ debtor——name }}", "{{ debtor_name }}", "——"),
        ("{{ items【0】 }}", "{{ items[0] }}", "【】"),
        ('{{ "（盖章）" if x }}', '{{ "（盖章）" if x }}', ""),  # a string literal stays as typed
    ],
)
def test_normalize_tag(typed: str, meant: str, replaced: str) -> None:
    result = normalize_tag(typed)
    assert result.text == meant
    assert "".join(result.replaced) == replaced


def test_find_tags_sees_full_width_braces_and_docxtpl_prefixes() -> None:
    tags = find_tags("{%tr for item in items %}｛｛ x ｝｝{# 注 #}{{r rich }}")
    assert [(t.kind, t.prefix, t.keyword) for t in tags] == [
        ("block", "tr", "for"),
        ("var", None, None),
        ("comment", None, None),
        ("var", "r", None),
    ]
    assert tags[1].fullwidth_braces


# ---------------------------------------------------------------- Jinja analysis


def _analyze(
    lines: list[str], kind: str = "goods-payment", docx: bool = True
) -> list[tuple[str, str]]:
    spec = template(kind)
    known = vocabulary(spec)
    result = analyze(
        [Segment(f"line {n}", text) for n, text in enumerate(lines, start=1)],
        file="t",
        vocabulary=known,
        resolve=label_resolver(spec, known),
        environment=make_environment(),
        docx=docx,
    )
    return [(f.code, f.where) for f in result.findings]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["{{ debtor_name }}{{ items|length }}{{ loop_free }}"], [("unknown-variable", "line 1")]),
        (
            [
                "{%tr for item in items %}",
                "{{ item.outstanding }}{{ loop.index }}",
                "{%tr endfor %}",
            ],
            [],
        ),
        (
            ["{% for item in items %}{{ item.outstandng }}{% endfor %}"],
            [("unknown-variable", "line 1")],
        ),
        (
            ["{% for g in guarantors %}{{ g.guarantor_name }}{% endfor %}"],
            [("unknown-variable", "line 1")],
        ),
        (["{% for p in receipt_parties %}{{ p.role }}{{ p.name }}{% endfor %}"], []),
        (["{% set n = items|length %}{{ n }}"], []),
        (["{{ amount_due }}"], [("unknown-variable", "line 1")]),  # an item field at the top level
        (["{{ debtor_name|money }}"], [("unknown-filter", "line 1")]),
        (["{{ debtor_name is money }}"], [("unknown-filter", "line 1")]),
        (["{{ debtor_name|random }}"], [("unsafe-filter", "line 1")]),
        (["{{ debtor_name|wordwrap(10) }}"], [("undocumented-filter", "line 1")]),
        (["{{ debtor_name.startswith('杭州') }}{{ (items|first).due_date }}"], []),
        (["{% if has_payee %}x{% endfor %}"], [("jinja-syntax", "line 1")]),
        (["{{ 债务人 }}"], [("chinese-variable-name", "line 1")]),
        (["{% tr for item in items %}{% tr endfor %}"], [("prefix-space", "line 1")] * 2),
        (["{{ debtor", "_name }}"], [("tag-across-paragraphs", "line 1")]),
        (["{% colspan items|length %}{% vm %}"], []),  # docxtpl's cell tags
        (["{% if penalty is defined %}{{ penalty }}{% endif %}"], [("unknown-variable", "line 1")]),
    ],
)
def test_analyze_word_text(lines: list[str], expected: list[tuple[str, str]]) -> None:
    assert _analyze(lines) == expected


def test_guarantors_exist_only_where_the_template_has_guarantor_fields() -> None:
    loop = ["{% for g in guarantors %}{{ g.guarantor_name }}{% endfor %}"]
    assert _analyze(loop, kind="overdue-notice") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{%p if has_payee %}", [("docx-tag-in-html", "line 1"), ("jinja-syntax", "line 1")]),
        ("{{ “本人” }}", [("fullwidth-in-tag", "line 1")]),
        ("{{　debtor_name　}}", [("fullwidth-in-tag", "line 1")]),
    ],
)
def test_analyze_html_text(line: str, expected: list[tuple[str, str]]) -> None:
    # An unclosed {%p if %} is both a Word-only tag and an unclosed block in HTML.
    assert _analyze([line], docx=False) == expected


@pytest.mark.parametrize(
    ("text", "docx", "severity"),
    [
        ("{{ “本人” }}", True, Severity.WARNING),  # docxtpl straightens these itself
        ("{{ “本人” }}", False, Severity.ERROR),
        ("{{　debtor_name }}", False, Severity.WARNING),  # Jinja reads U+3000 as a space
        ("｛｛ debtor_name ｝｝", True, Severity.ERROR),
        ("{{ debtor_name（）}}", True, Severity.ERROR),
    ],
)
def test_full_width_severity_follows_the_effect(text: str, docx: bool, severity: Severity) -> None:
    spec = template("goods-payment")
    known = vocabulary(spec)
    (finding,) = analyze(
        [Segment("line 1", text)],
        file="t",
        vocabulary=known,
        resolve=label_resolver(spec, known),
        environment=make_environment(),
        docx=docx,
    ).findings
    assert (finding.code, finding.level) == ("fullwidth-in-tag", severity)


# ---------------------------------------------------------------- Word XML

W = f'xmlns:w="{W_NS}"'


def _body(inner: str) -> Any:
    return etree.fromstring(f"<w:document {W}><w:body>{inner}</w:body></w:document>")


def _p(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs) + "</w:p>"


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in cells) + "</w:tr>"


def _table(*rows: tuple[str, ...]) -> str:
    return "<w:tbl>" + "".join(_row(*r) for r in rows) + "</w:tbl>"


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (_p("致：{{ debtor_name }}"), []),
        (_p("致：{{ deb", "tor_name }}"), [("split-tag", "paragraph 1")]),
        (_p("{", "{ debtor_name }", "}"), [("split-tag", "paragraph 1")]),
        (_p("A") + _table(("{{ x }}", "{{ y }}")), []),
        (_table(("{%tr for item in items %}", ""), ("{{ item.x }}", ""), ("{%tr endfor %}", "")), []),
        (
            _table(("{% for item in items %}", ""), ("{{ item.x }}", ""), ("{% endfor %}", "")),
            [("table-loop", "table 1, row 1, cell 1")],
        ),
        (_table(("{% if a %}{{ b }}{% endif %}", "")), []),  # a block inside one cell
        (
            _table(("{%tr for item in items %}", "备注"), ("{{ item.x }}", ""), ("{%tr endfor %}", "")),
            [("tag-not-alone", "table 1, row 1, cell 1")],
        ),
        (_p("{%p if a %}") + _p("text") + _p("{%p endif %}"), []),
        (_p("{%p if a %}text{%p endif %}"), [("tag-not-alone", "paragraph 1")] * 2),
        (_p("{%tr if a %}") + _p("{%tr endif %}"), [("tr-outside-table", "paragraph 1"), ("tr-outside-table", "paragraph 2")]),
    ],
)  # fmt: skip
def test_word_structure_rules(xml: str, expected: list[tuple[str, str]]) -> None:
    found = paragraphs(_body(xml))
    findings = docx_rules.split_tags(found) + docx_rules.table_loops(found)
    assert [(f.code, f.where) for f in findings] == expected


def test_table_loop_is_fixable_only_when_each_tag_has_its_row() -> None:
    shared = _table(("{% for item in items %}{{ item.x }}", "a"), ("{% endfor %}", ""))
    (finding,) = docx_rules.table_loops(paragraphs(_body(shared)))
    assert finding.code == "table-loop"
    assert not finding.can_fix


def _styles(defaults: str, styles: str = "") -> Any:
    return etree.fromstring(
        f"<w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr>{defaults}</w:rPr></w:rPrDefault>"
        f"</w:docDefaults>{styles}</w:styles>"
    )


THEME = etree.fromstring(
    '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:themeElements>'
    '<a:fontScheme><a:minorFont><a:latin typeface="Cambria"/><a:ea typeface=""/>'
    '<a:font script="Jpan" typeface="ＭＳ 明朝"/><a:font script="Hans" typeface="宋体"/>'
    "</a:minorFont></a:fontScheme></a:themeElements></a:theme>"
)


@pytest.mark.parametrize(
    ("defaults", "styles", "expected"),
    [
        ('<w:rFonts w:eastAsia="宋体"/>', "", []),
        ('<w:rFonts w:eastAsia="Noto Serif CJK SC"/>', "", []),
        ('<w:rFonts w:ascii="Times New Roman"/>', "", ["default font (docDefaults)"]),
        ('<w:rFonts w:eastAsia="ＭＳ 明朝"/>', "", ["default font (docDefaults)"]),
        ('<w:rFonts w:eastAsiaTheme="minorEastAsia"/><w:lang w:eastAsia="zh-CN"/>', "", []),
        ('<w:rFonts w:eastAsiaTheme="minorEastAsia"/><w:lang w:eastAsia="en-US"/>', "",
         ["default font (docDefaults)"]),
        ('<w:rFonts w:eastAsia="宋体"/>',
         '<w:style w:styleId="H"><w:name w:val="Heading"/><w:rPr><w:rFonts w:eastAsia="Arial"/></w:rPr></w:style>',
         ["style Heading"]),
    ],
)  # fmt: skip
def test_east_asian_font(defaults: str, styles: str, expected: list[str]) -> None:
    findings = docx_rules.fonts(_styles(defaults, styles), THEME, [])
    assert [f.where for f in findings] == expected
    assert all(f.code == "east-asian-font" for f in findings)


@pytest.mark.parametrize(
    ("rel_type", "duplicates", "expected"),
    [
        (docx_rules.CORE_PROPERTIES, [], []),
        (docx_rules.CORE_PROPERTIES_LIBREOFFICE, [], ["core-properties-type"]),
        (docx_rules.CORE_PROPERTIES, ["docProps/core.xml"], ["duplicate-part"]),
    ],
)
def test_package_rules(rel_type: str, duplicates: list[str], expected: list[str]) -> None:
    rels = etree.fromstring(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_type}" Target="docProps/core.xml"/></Relationships>'
    )
    names = ["word/document.xml", "docProps/core.xml", *duplicates]
    assert [f.code for f in docx_rules.package(names, duplicates, rels)] == expected


# ---------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("逾期未缴的，我司将停水停电。", "property-fee", ["utility-threat", "utility-threat"]),
        ("届时将暂停供暖服务。", "property-fee", ["utility-threat"]),
        ("我司将停用您的门禁卡。", "property-fee", ["utility-threat"]),
        ("物业服务人不得采取停止供电、供水等方式催交物业费。", "property-fee", []),
        ("我司不会因此停水停电。", "property-fee", []),
        ("逾期不缴将停水。", "property-fee", ["utility-threat"]),  # 不缴 is no negation of 停水
        ("逾期将停水。", "rent", []),  # Art. 944 binds property companies
        ("按日加收滞纳金。", "property-fee", ["late-fee-term"]),
        ("按日加收滞纳金。", "goods-payment", ["late-fee-term"]),
        ("违约金（逾期付款）按日万分之三计算。", "property-fee", []),
        ("你这个老赖", "goods-payment", ["insult-or-threat"]),
        ("否则后果自负", "legal-demand", ["insult-or-threat"]),
        ("我们将通知你的亲友和单位", "overdue-notice", ["insult-or-threat"]),
        ("将依法向人民法院提起诉讼", "legal-demand", []),
        ("你将被司法拘留", "goods-payment", ["exaggerated-consequence"]),
        ("列入失信被执行人名单", "legal-demand", ["exaggerated-consequence"]),
        ("装修垃圾清运费", "property-fee", []),
    ],
)
def test_wording(text: str, kind: str, expected: list[str]) -> None:
    assert [m.rule for m in wording.scan(text, kind=kind)] == expected


def test_late_fee_term_is_an_error_only_for_property_fees() -> None:
    (property_fee,) = wording.scan("滞纳金", kind="property-fee")
    (goods,) = wording.scan("滞纳金", kind="goods-payment")
    assert property_fee.severity is None  # the rule's: error
    assert goods.severity is Severity.WARNING


@pytest.mark.parametrize(
    ("word", "html", "expected"),
    [
        (["请于{{ deadline }}前付款。"], ["<p>请于{{ deadline }}前付款。</p>"], []),
        (["请于七日内付款。"], ["<p>请于十日内付款。</p>"], ['"七"']),
        (["请付款。特此函告。"], ["<p>请付款。</p>"], ['"特此函告"']),
        (["请付款。"], ['<div class="running-footer">函号</div>', "<p>请付款。</p>"], []),
    ],
)
def test_wording_drift_between_word_and_html(
    word: list[str], html: list[str], expected: list[str]
) -> None:
    from letters.templates.drift import drift, html_places

    findings = drift(
        [(f"paragraph {n}", t) for n, t in enumerate(word, start=1)], html_places("\n".join(html))
    )
    assert [f.message.split(" says ")[1].split(" (")[0] for f in findings] == expected
