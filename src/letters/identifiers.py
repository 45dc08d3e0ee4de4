"""Chinese identifiers: 居民身份证号码 and 统一社会信用代码.

python-stdnum checks both; for 身份证号码 its ``validate`` also requires the
region code to have existed in the year of birth, which rejects real numbers:
someone born in 1980 who got an ID card in 上海浦东 after 1993 carries 310115,
a code created in 1993. Only what the number itself proves is checked here:
18 characters, a real birth date, and the check digit (GB 11643).
"""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError


def is_resident_id(number: str) -> bool:
    """A 居民身份证号码 with a valid birth date and check digit.

    >>> is_resident_id("310115198003150012"), is_resident_id("110105198003150012")
    (True, True)
    >>> is_resident_id("310115198003150013"), is_resident_id("310115198002300013")
    (False, False)
    """
    return looks_like_resident_id(number) and number[-1].upper() == ric.calc_check_digit(number)


def looks_like_resident_id(number: str) -> bool:
    """17 digits with a real birth date at positions 7–14: a 身份证号码 by its shape.

    >>> looks_like_resident_id("330106197106047011"), looks_like_resident_id("91330113MA2H3K0X5D")
    (True, False)
    """
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return True


def is_credit_code(number: str) -> bool:
    """A valid 统一社会信用代码. A mistyped 身份证号码 is not taken for one: the
    credit-code check digit (mod 31) passes for about one wrong number in 31.

    >>> is_credit_code("91330113MA2H3K0X5D"), is_credit_code("91330113MA2H3K0X5A")
    (True, False)
    """
    return not looks_like_resident_id(number) and bool(uscc.is_valid(number))
