"""How a letter addresses its parties: 贵司 / 贵行 / 贵单位 / 您 and 我司 / 我行 / 本单位 / 本人.

A party is a natural person when its ID number is a 居民身份证号码, an
organisation when it is a 统一社会信用代码; without an ID number the name
decides (organisation names carry a form such as 公司, 厂, 中心).
"""

from __future__ import annotations

from letters.identifiers import is_resident_id

_ORGANISATION_MARKERS = (
    "公司",
    "有限",
    "集团",
    "银行",
    "厂",
    "中心",
    "合作社",
    "事务所",
    "商行",
    "医院",
    "学校",
    "学院",
    "大学",
    "协会",
    "委员会",
    "研究所",
    "研究院",
    "工作室",
    "经营部",
    "门市部",
    "店",
    "馆",
    "社",
    "局",
    "处",
    "站",
    "部",
)


def is_natural_person(name: str, id_no: str | None = None) -> bool:
    """True for a natural person, False for an organisation.

    >>> is_natural_person("张三"), is_natural_person("杭州华信电子科技有限公司")
    (True, False)
    >>> is_natural_person("某某", "110105198003150012")
    True
    """
    if id_no:
        return is_resident_id(id_no)
    return not any(marker in name for marker in _ORGANISATION_MARKERS)


def addressee_term(name: str, id_no: str | None = None) -> str:
    """Second person for the addressee.

    >>> [addressee_term(n) for n in ("华信电子科技有限公司", "中国银行上海分行", "锦绣花园业主委员会", "李四")]
    ['贵司', '贵行', '贵单位', '您']
    """
    if is_natural_person(name, id_no):
        return "您"
    if "银行" in name or name.endswith(("分行", "支行")):
        return "贵行"
    if "公司" in name:
        return "贵司"
    return "贵单位"


def self_term(name: str, id_no: str | None = None) -> str:
    """First person for the sender.

    >>> [self_term(n) for n in ("申江机电设备有限公司", "中国工商银行上海张江支行", "王五")]
    ['我司', '我行', '本人']
    """
    return {"您": "本人", "贵行": "我行", "贵司": "我司", "贵单位": "本单位"}[
        addressee_term(name, id_no)
    ]
