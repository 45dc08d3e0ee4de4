"""What ``templates check`` reports: findings with file, place, message and fix,
and the table of every rule (which the author guide prints).

Messages are English and quote the Chinese text of the template, so a legal
clerk can find the spot with Word's search (Ctrl+F).
"""

from __future__ import annotations

from dataclasses import dataclass

from letters.errors import Location, Problem, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    fixable: bool
    en: str
    zh: str


_RULES = (
    Rule("jinja-syntax", Severity.ERROR, False,
         "A tag Jinja cannot read (unclosed {% if %}, unknown tag, stray bracket).",
         "模板标签语法错误（如 {% if %} 未闭合、未知标签）。"),
    Rule("docxtpl-syntax", Severity.ERROR, False,
         "The Word file as docxtpl prepares it is not valid Jinja.",
         "Word 模板经 docxtpl 预处理后无法解析。"),
    Rule("unknown-variable", Severity.ERROR, False,
         "A variable or attribute that the letter data does not have.",
         "使用了不存在的变量或属性。"),
    Rule("unknown-filter", Severity.ERROR, False,
         "A filter (| name) or test (is name) that does not exist.",
         "使用了不存在的过滤器或测试。"),
    Rule("unsafe-filter", Severity.ERROR, False,
         "A filter that breaks the letter: |safe turns off escaping (a & in a name corrupts "
         "the Word file), |random makes every rendering different.",
         "使用了会破坏函件的过滤器：|safe 关闭转义，|random 使每次生成结果不同。"),
    Rule("undocumented-filter", Severity.WARNING, False,
         "A Jinja filter that the template guide does not describe for letters.",
         "使用了模板指南未列出的过滤器。"),
    Rule("fullwidth-in-tag", Severity.ERROR, True,
         "Full-width braces, Chinese quotes or punctuation typed inside a tag by an input method.",
         "标签中含有中文输入法输入的全角括号、中文引号或标点。"),
    Rule("chinese-variable-name", Severity.ERROR, True,
         "A variable written by its Chinese label (债务人) instead of its name (debtor_name).",
         "变量写成了中文名称（如 债务人），应写字段名（debtor_name）。"),
    Rule("prefix-space", Severity.ERROR, True,
         "{% tr for … %} with a space: docxtpl needs {%tr, {%tc, {%p, {%r written together.",
         "{%tr、{%tc、{%p、{%r 之间不能有空格。"),
    Rule("docx-tag-in-html", Severity.ERROR, True,
         "A Word-only tag ({%p, {%tr, {%tc, {%r) in the HTML template.",
         "HTML 模板中使用了仅适用于 Word 的标签（{%p、{%tr 等）。"),
    Rule("split-tag", Severity.WARNING, True,
         "Word stored one tag in several pieces (runs), e.g. after a spelling check or an edit.",
         "Word 把一个标签拆成了多段（run）。"),
    Rule("tag-across-paragraphs", Severity.ERROR, False,
         "A tag that starts in one paragraph and ends in the next.",
         "一个标签跨越了两个段落。"),
    Rule("table-loop", Severity.ERROR, True,
         "A loop or condition spanning table rows without {%tr: the table would be corrupted.",
         "跨表格行的循环或条件未使用 {%tr，会损坏表格。"),
    Rule("tag-not-alone", Severity.ERROR, False,
         "Text beside a {%p/{%tr/{%tc tag: docxtpl removes the whole paragraph, row or cell.",
         "{%p/{%tr/{%tc 标签所在的段落、行或单元格中还有其他内容，生成时会被整体删除。"),
    Rule("tr-outside-table", Severity.ERROR, False,
         "{%tr or {%tc outside a table.",
         "{%tr 或 {%tc 不在表格中。"),
    Rule("duplicate-part", Severity.ERROR, True,
         "The Word file holds the same part twice (a file saved by LibreOffice and then by "
         "python-docx); Word refuses to open such letters.",
         "Word 文件中同一部件出现两次（LibreOffice 保存后的常见问题），Word 无法打开生成的函件。"),
    Rule("core-properties-type", Severity.ERROR, True,
         "Document properties linked the way some LibreOffice versions do: every rendered "
         "letter would get a second docProps/core.xml and Word would refuse it.",
         "文档属性的关联方式与部分 LibreOffice 版本相同，每份生成的函件都会出现重复部件。"),
    Rule("east-asian-font", Severity.WARNING, True,
         "No Chinese font for East-Asian text (w:eastAsia), or a Japanese/Western one: "
         "Chinese falls back to whatever font the computer picks.",
         "未设置中文字体（w:eastAsia）或设置为日文/西文字体，中文会显示为其他字体。"),
    Rule("utility-threat", Severity.ERROR, False,
         "A property-fee letter threatening to cut water, power, heating or gas, or to restrict "
         "access (民法典 Art. 944).",
         "物业费催缴函中出现以停水、停电、停暖、停气或限制出入相威胁的内容（民法典第九百四十四条）。"),
    Rule("late-fee-term", Severity.ERROR, False,
         "滞纳金 in a property-fee letter: a property company may claim only a contractual "
         "违约金（逾期付款）. (A warning in other letters.)",
         "物业费催缴函中使用“滞纳金”，应为“违约金（逾期付款）”（其他函件为警告）。"),
    Rule("insult-or-threat", Severity.ERROR, False,
         "Insults or threats (刑法 Art. 293-1; bar guidance on lawyers' letters).",
         "侮辱或威胁性言辞（刑法第二百九十三条之一、律师函执业规范）。"),
    Rule("exaggerated-consequence", Severity.WARNING, False,
         "A consequence only a court can impose after judgment (拘留, 失信被执行人 …) "
         "presented as a result of not paying.",
         "夸大法律后果（如拘留、列入失信被执行人名单等只有法院判决后才可能发生的后果）。"),
    Rule("missing-file", Severity.ERROR, False,
         "No template.docx or template.html, or a stylesheet the HTML links that is missing.",
         "缺少 template.docx / template.html，或 HTML 引用的样式表不存在。"),
    Rule("css-font", Severity.WARNING, False,
         "The stylesheet names no Chinese font, so the PDF uses whatever font is installed.",
         "样式表未指定中文字体。"),
    Rule("template-toml", Severity.ERROR, False,
         "template.toml is inconsistent (output name pattern, extra field names or labels).",
         "template.toml 设置有误（输出文件名、附加字段名称或标签）。"),
    Rule("wording-drift", Severity.WARNING, False,
         "template.docx and template.html say different things, so the Word and PDF letters differ.",
         "template.docx 与 template.html 内容不一致，Word 与 PDF 函件会不同。"),
    Rule("unreadable", Severity.ERROR, False,
         "The file cannot be read (not a Word file, broken XML).",
         "文件无法读取（不是 Word 文件或 XML 损坏）。"),
)  # fmt: skip
RULES = {rule.code: rule for rule in _RULES}


@dataclass(frozen=True)
class Finding:
    """One problem in a template file, where it is, and how to fix it."""

    code: str
    file: str  # template.docx, template.html, style.css, template.toml
    where: str  # "paragraph 12", "table 1, row 2, cell 3", "line 40"
    message: str
    hint: str = ""
    severity: Severity | None = None  # None: the rule's severity
    fixable: bool | None = None  # None: the rule's

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def level(self) -> Severity:
        return self.severity if self.severity is not None else self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.level is Severity.ERROR

    @property
    def can_fix(self) -> bool:
        return self.fixable if self.fixable is not None else self.rule.fixable

    def problem(self) -> Problem:
        """As the CLI prints every problem: ``file, where: error: message [code]``."""
        hint = self.hint
        if self.can_fix:
            hint = (hint + "; " if hint else "") + "`letters templates check --fix` repairs this"
        location = Location(self.file, None, self.where or None)
        return Problem(f"{self.message} [{self.code}]", location, hint or None, self.level)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.level.value,
            "file": self.file,
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
            "fixable": self.can_fix,
        }


def quoted(text: str, limit: int = 40) -> str:
    """A snippet of template text for a message: ``"请贵司于{{ deadline }}前…"``.

    >>> quoted("请贵司于收到本函之日起七日内支付全部欠款，逾期将依法起诉。", 10)
    '"请贵司于收到本函之日…"'
    """
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[:limit] + "…") + '"'
