"""Descriptions for the template author guide: what each computed variable
means, and the filters recommended for letters, each with an example that the
guide renders for real (so a wrong example fails the build, not the reader).

Field variables are described by the field catalogue (``data/fields.toml``);
this table covers what :func:`letters.render.context.build_letter_data` adds.
A test fails when a variable appears there without a description here, or a
description here no longer matches a variable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Doc:
    zh: str
    en: str


COMPUTED = {
    "title": Doc(
        "文书标题（template.toml 中的 title）", "The letter's title (title in template.toml)"
    ),
    "letter_no": Doc("函号，全部批次内唯一", "The letter number, unique across all batches"),
    "verification_code": Doc(
        "验证码，由函件内容哈希得出，用于核对纸质函件与登记记录",
        "Short code from the content hash; ties the paper to its registry entry",
    ),
    "content_sha256": Doc(
        "函件内容（模板、函号、案件数据）的 SHA-256", "SHA-256 of template, number and case data"
    ),
    "issue_date_iso": Doc("发函日期（ISO 格式）", "The issue date as YYYY-MM-DD"),
    "debtor_is_person": Doc("收函人是否为自然人", "Whether the addressee is a natural person"),
    "debtor_term": Doc(
        "对收函人的称呼：贵司/贵行/贵单位/您", "How the letter addresses the debtor"
    ),
    "creditor_term": Doc("发函人的自称：我司/我行/本单位/本人", "How the sender refers to itself"),
    "deadline": Doc(
        "付款期限的最后一日（民法典第二百零一条至第二百零三条，遇休息日顺延）",
        "Last day to pay (民法典 Arts. 201–203, rolled past rest days)",
    ),
    "objection_deadline": Doc("提出异议的最后一日", "Last day to object to the amounts"),
    "vacate_deadline": Doc(
        "腾退、返还房屋的最后一日（自付款期限届满起算）",
        "Last day to vacate the premises (counted from the payment deadline)",
    ),
    "has_late_fee": Doc("是否计收违约金（逾期付款）", "Whether a late fee is claimed"),
    "late_fee_method": Doc("违约金的计算方法说明", "How the late fee was computed, in words"),
    "items": Doc("金额明细，每笔一行（用 {%tr for item in items %} 循环）", "Amount lines"),
    "total_amount_due": Doc("应付金额合计", "Sum of amounts due"),
    "total_amount_paid": Doc("已付金额合计", "Sum of amounts paid"),
    "total_outstanding": Doc("欠付金额合计", "Sum outstanding"),
    "total_late_fee": Doc("违约金合计", "Sum of late fees"),
    "total_claim": Doc("主张总额（欠付金额加违约金）", "Total claimed: outstanding plus late fees"),
    "total_claim_in_words": Doc("主张总额的人民币大写", "Total claimed in 人民币大写"),
    "has_payee": Doc("是否提供了收款账户", "Whether a payee account is given"),
    "days_overdue": Doc(
        "逾期天数（自逾期起始日至金额计算截止日，含首尾）",
        "Days overdue (from the first overdue day to amounts_as_of, both included)",
    ),
    "guarantors": Doc("保证人，每人一项（用 {% for g in guarantors %} 循环）", "The guarantors"),
    "receipt_parties": Doc(
        "送达回执的受送达人：收函人，然后各保证人",
        "Receipt-slip addressees: debtor, then guarantors",
    ),
}
# Attributes the program adds to each element of a list variable.
ELEMENT = {
    "items": {
        "index": Doc("序号（从 1 起）", "Line number, from 1"),
        "outstanding": Doc("该笔欠付金额", "Outstanding on this line"),
        "days_overdue": Doc("该笔逾期天数", "Days overdue on this line"),
        "late_fee": Doc("该笔违约金", "Late fee on this line"),
        "late_fee_formula": Doc("该笔违约金计算式", "How this line's late fee was computed"),
    },
    "guarantors": {"index": Doc("序号（从 1 起）", "Number, from 1")},
    "receipt_parties": {
        "role": Doc("身份（如 买方、借款人、保证人）", "Role on the slip (买方, 保证人 …)"),
        "name": Doc("受送达人名称", "Addressee's name"),
        "address": Doc("送达地址", "Address"),
    },
}
PARAGRAPHS = Doc(
    "多段文字按段拆分的列表（用 {%p for paragraph in … %} 逐段输出）",
    "A long-text field split into paragraphs",
)
LOOP = Doc(
    "循环内可用：loop.index（从 1 起）、loop.first、loop.last、loop.length 等",
    "Inside a loop: loop.index (from 1), loop.first, loop.last, loop.length …",
)


@dataclass(frozen=True)
class FilterDoc:
    name: str
    zh: str
    en: str
    example: str  # a template snippet rendered against a sample letter
    kind: str = "goods-payment"  # whose sample letter the example uses


FILTERS = (
    FilterDoc("default", "值为空时使用替代文字（第二个参数 true：空字符串也替换）",
              "A replacement when the value is empty (true: also for \"\")",
              '{{ debtor_attention | default("财务部", true) }}'),
    FilterDoc("d", "default 的简写", "Short for default", '{{ contract_no | d("（无）", true) }}'),
    FilterDoc("replace", "替换文字", "Replace text", '{{ debtor_address | replace("浙江省", "") }}'),
    FilterDoc("trim", "去掉首尾空白", "Strip surrounding white space", "{{ debtor_name | trim }}"),
    FilterDoc("truncate", "截断过长的文字", "Shorten long text",
              '{{ goods_description | truncate(6, true, "…", 0) }}'),
    FilterDoc("upper", "英文字母转大写", "Upper-case Latin letters", "{{ contract_no | upper }}"),
    FilterDoc("lower", "英文字母转小写", "Lower-case Latin letters", "{{ contract_no | lower }}"),
    FilterDoc("length", "列表的项数或文字的字数", "Number of elements or characters",
              "共{{ items | length }}笔"),
    FilterDoc("count", "length 的别名", "Same as length", "{{ receipt_parties | count }}份回执"),
    FilterDoc("first", "列表的第一项", "First element", "{{ (items | first).due_date }}"),
    FilterDoc("last", "列表的最后一项", "Last element", "{{ (items | last).due_date }}"),
    FilterDoc("map", "取出每项的某个属性", "Take one attribute of every element",
              '{{ items | map(attribute="item_name") | join("、") }}'),
    FilterDoc("join", "用分隔符连接列表", "Join a list with a separator",
              '{{ receipt_parties | map(attribute="role") | join("、") }}'),
    FilterDoc("selectattr", "只保留某属性满足条件的项", "Keep elements whose attribute passes a test",
              '{{ items | selectattr("late_fee", "ne", "0.00") | list | length }}'),
    FilterDoc("rejectattr", "去掉某属性满足条件的项", "Drop elements whose attribute passes a test",
              '{{ items | rejectattr("late_fee", "ne", "0.00") | list | length }}'),
    FilterDoc("list", "转为列表（配合 selectattr 等使用）", "Make a list (after selectattr …)",
              '{{ items | map(attribute="index") | list }}'),
    FilterDoc("sum", "求和（仅用于数字属性，如天数；金额已是文字，不能相加）",
              "Sum numbers (days; amounts are already formatted text)",
              '{{ items | sum(attribute="days_overdue") }}'),
    FilterDoc("int", "转为整数", "Convert to a whole number", "{{ deadline_days | int + 3 }}"),
    FilterDoc("string", "转为文字", "Convert to text", "{{ deadline_days | string }}天"),
    FilterDoc("format", "按格式拼接文字", "Fill a format string",
              '{{ "%s（%s）" | format(debtor_name, contract_no) }}'),
    FilterDoc("center", "居中填充到指定宽度", "Pad to a width, centred",
              '【{{ "回执" | center(8) }}】'),
)  # fmt: skip
DOCUMENTED_FILTERS = {f.name for f in FILTERS}
UNSAFE_FILTERS = {
    "safe": "|safe turns off escaping: a name such as 华信&A<B> would corrupt the Word file; "
    "values are already escaped correctly, remove |safe",
    "forceescape": "|forceescape escapes a second time and prints &amp; in the letter; remove it",
    "random": "|random makes each rendering different, but a letter must render to the same "
    "bytes every time (its SHA-256 is registered)",
}

TAGS = (
    ("{{ debtor_name }}", "输出变量", "Print a variable"),
    ("{% if has_payee %} … {% endif %}", "条件（同一段落内）", "A condition inside one paragraph"),
    ("{%p if has_late_fee %} … {%p endif %}", "条件段落：标签独占一段，整段保留或删除",
     "Word: keep or drop whole paragraphs; the tag stands alone in its paragraph"),
    ("{%p for paragraph in facts_paragraphs %} … {%p endfor %}", "逐段输出多段文字",
     "Word: one paragraph per element"),
    ("{%tr for item in items %} … {%tr endfor %}", "表格逐行循环：标签独占一行（其余单元格留空）",
     "Word: one table row per element; the tag's row holds nothing else"),
    ("{%tc for … %} … {%tc endfor %}", "表格逐列循环", "Word: one table cell per element"),
    ("{{ loop.index }}", "循环序号（从 1 起）", "The loop counter, from 1"),
    ("{# 备注 #}", "注释，不会输出", "A comment, never printed"),
)  # fmt: skip
