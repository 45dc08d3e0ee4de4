"""What a letter must not say (legal-rules.md §4), as a table of patterns.

- 民法典 Art. 944 para. 3: a property company must not cut water, power,
  heating or gas to collect fees, so a property-fee letter must never threaten
  it (nor restricting access, which courts treat the same way); its late charge
  is a contractual 违约金（逾期付款）, not a 滞纳金 (an administrative levy).
- 刑法 Art. 293-1 (催收非法债务) and bar-association guidance on lawyers'
  letters: no insults, no threats, no exaggerated legal consequences.

Pure: text in, matches out. A match preceded closely by a negation ("不会停水",
"不得采取停止供电…等方式", as the statute itself says) is not reported.

>>> [m.text for m in scan("逾期未缴的，我司将停水停电。", kind="property-fee")]
['停水', '停电']
>>> scan("物业服务人不得采取停止供电、供水的方式催交物业费。", kind="property-fee")
[]
>>> [m.text for m in scan("你这个老赖", kind="rent")]
['老赖']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from letters.errors import Severity

PROPERTY_FEE = "property-fee"
# Only explicit negations: a bare 不 would also excuse "逾期不缴将停水".
_NEGATION = re.compile(
    r"(不会|不得|不再|不予|不能|不可|不应|绝不|并不|并非|无权|禁止|严禁)[^，。；,;]{0,12}$"
)


@dataclass(frozen=True)
class WordingRule:
    code: str
    pattern: re.Pattern[str]
    message: str
    hint: str
    kinds: frozenset[str] | None = None  # None: every letter
    severity: Severity | None = None  # None: the rule's default


_UTILITY = "(?:水|电|暖|气|热|燃气|天然气|暖气|热水|水电|水、电)"
RULES = (
    WordingRule(
        "utility-threat",
        re.compile(
            r"(?:停|断|中止|暂停|终止|切断|关闭|拉闸|限制)(?:止|掉)?(?:对[^，。]{0,8})?"
            r"(?:供应|供给|供|使用|用)?" + _UTILITY
        ),
        "threatens to cut a utility",
        "a property company must not cut water, power, heating or gas to collect fees "
        "(民法典 Art. 944 para. 3); remove the sentence",
        frozenset({PROPERTY_FEE}),
    ),
    WordingRule(
        "utility-threat",
        re.compile(
            r"(?:停用|禁用|限制|冻结|注销|暂停)[^，。]{0,4}(?:门禁|电梯|梯控|车辆出入|出入|进出)"
        ),
        "threatens to restrict access to the home",
        "restricting access to collect fees is treated like cutting utilities (民法典 Art. 944); "
        "remove the sentence",
        frozenset({PROPERTY_FEE}),
    ),
    WordingRule(
        "late-fee-term",
        re.compile("滞纳金"),
        "calls the late charge 滞纳金",
        "a property company may claim only a contractual 违约金（逾期付款）; write that instead",
        frozenset({PROPERTY_FEE}),
    ),
    WordingRule(
        "late-fee-term",
        re.compile("滞纳金"),
        "calls the late charge 滞纳金 (an administrative levy, not a private claim)",
        "write 违约金 or 逾期付款违约金 as the contract calls it",
        None,
        Severity.WARNING,
    ),
    WordingRule(
        "insult-or-threat",
        re.compile(
            r"老赖|无赖|赖账的|骗子|人渣|败类|不要脸|无耻|畜生|王八蛋|混蛋|死全家|去死|"
            r"丧尽天良|猪狗不如|厚颜无耻|下三滥"
        ),
        "insults the addressee",
        "a demand letter must not insult (刑法 Art. 293-1; bar guidance); state facts and claims only",
    ),
    WordingRule(
        "insult-or-threat",
        re.compile(
            r"让你好看|有你好看|走着瞧|别怪我们?不客气|后果自负|吃不了兜着走|不择手段|采取一切手段|"
            r"人身安全|上门(?:堵|闹)|(?:通知|告知|联系)[^，。]{0,6}(?:亲友|亲属|家人|同事|邻居|通讯录)|"
            r"曝光|张贴[^，。]{0,6}(?:照片|信息|姓名)|公开[^，。]{0,4}(?:个人信息|身份信息|照片)"
        ),
        "threatens the addressee",
        "threats, exposure to family, neighbours or employer, and 'consequences at your own risk' "
        "are not allowed (刑法 Art. 293-1; bar guidance); name only the lawful next step",
    ),
    WordingRule(
        "exaggerated-consequence",
        re.compile(
            r"坐牢|判刑|刑事拘留|司法拘留|拘留|逮捕|追究[^，。]{0,6}刑事责任|"
            r"失信被执行人|列入(?:黑名单|失信)|限制高消费|限制出境|冻结[^，。]{0,6}(?:全部|所有)财产"
        ),
        "names a consequence only a court can impose after a judgment",
        "a demand letter may announce a lawsuit or arbitration, not punishments or enforcement "
        "measures (bar guidance: no exaggerated consequences)",
    ),
)


@dataclass(frozen=True)
class Match:
    rule: str
    text: str
    start: int
    message: str
    hint: str
    severity: Severity | None


def scan(text: str, *, kind: str) -> list[Match]:
    """Every forbidden wording in ``text`` for a letter of ``kind``; one match per
    place (a property-fee rule wins over the general rule for the same words)."""
    matches: list[Match] = []
    taken: set[int] = set()
    for rule in RULES:
        if rule.kinds is not None and kind not in rule.kinds:
            continue
        for found in rule.pattern.finditer(text):
            if found.start() in taken or _NEGATION.search(text[: found.start()]):
                continue
            taken.add(found.start())
            matches.append(
                Match(
                    rule.code, found.group(0), found.start(), rule.message, rule.hint, rule.severity
                )
            )
    return sorted(matches, key=lambda m: m.start)
