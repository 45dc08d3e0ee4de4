"""Money: parsing clerks' amounts, printing them, and 人民币大写.

Amounts are :class:`~decimal.Decimal` yuan with at most two decimal places.
Nothing here ever goes through ``float`` (an Excel cell is the one place a
float arrives; :func:`parse_amount` turns it into the decimal that Excel
displays before checking it).

>>> parse_amount("¥12,345.60")
Decimal('12345.60')
>>> format_amount(Decimal("107000.53"))
'107,000.53'
>>> amount_in_words(Decimal("16409.02"))
'人民币壹万陆仟肆佰零玖元零贰分'
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from letters.errors import ValueProblem

FEN = Decimal("0.01")

_AMOUNT_HINT = 'write the amount in yuan as digits, e.g. 12345.60, "12,345.60" or "¥12,345.60"'
# Digits with optional thousands separators in groups of three, then at most
# two decimals. "12,34" or "1,2345" are rejected: a misplaced separator is how
# a 12,340.00 turns into 1,234.00.
_AMOUNT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def excel_number_text(value: float | int) -> str:
    """The number as Excel displays it at full precision (15 significant digits).

    Excel stores cells as binary floats; what the clerk typed and sees is this
    decimal text, so this is the amount we take.

    >>> excel_number_text(0.1 + 0.2)
    '0.3'
    >>> excel_number_text(16409.02)
    '16409.02'
    >>> excel_number_text(12)
    '12'
    """
    if isinstance(value, int):
        return str(value)
    text = f"{value:.15g}"
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def parse_amount(value: object) -> Decimal:
    """Parse an amount in yuan; raise :class:`ValueProblem` for anything doubtful.

    >>> parse_amount("12345.6"), parse_amount("￥12345"), parse_amount("12,345.60元")
    (Decimal('12345.60'), Decimal('12345.00'), Decimal('12345.60'))
    >>> parse_amount("1.2万")
    Traceback (most recent call last):
    letters.errors.ValueProblem: "1.2万" is not an amount in yuan
    >>> parse_amount("12.345")
    Traceback (most recent call last):
    letters.errors.ValueProblem: "12.345" has more than two decimal places (fen)
    """
    if isinstance(value, bool):
        raise ValueProblem(f'"{value}" is not an amount in yuan', _AMOUNT_HINT)
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, int | float):
        text = excel_number_text(value)
    elif isinstance(value, str):
        text = value
    else:
        raise ValueProblem(f'"{value}" is not an amount in yuan', _AMOUNT_HINT)
    original = text.strip()
    # NFKC folds full-width digits, "，" and "￥" typed by a Chinese input method.
    normalized = unicodedata.normalize("NFKC", original).replace(" ", "")
    if normalized.startswith(("¥", "￥")):
        normalized = normalized[1:]
    if normalized.endswith("元"):
        normalized = normalized[:-1]
    if normalized.startswith("-"):
        raise ValueProblem(
            f'"{original}" is negative',
            "amounts are never negative; record refunds as paid amounts",
        )
    if not _AMOUNT_RE.fullmatch(normalized):
        raise ValueProblem(f'"{original}" is not an amount in yuan', _AMOUNT_HINT)
    try:
        amount = Decimal(normalized.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the regex admits only valid text
        raise ValueProblem(f'"{original}" is not an amount in yuan', _AMOUNT_HINT) from error
    if amount != amount.quantize(FEN):
        raise ValueProblem(
            f'"{original}" has more than two decimal places (fen)',
            "round the amount to 0.01 yuan (in Excel: =ROUND(cell, 2))",
        )
    return amount.quantize(FEN)


def round_fen(amount: Decimal) -> Decimal:
    """Round half-up to 0.01 yuan, the one rounding rule for money (legal-rules §3).

    >>> round_fen(Decimal("2.345")), round_fen(Decimal("2.3449"))
    (Decimal('2.35'), Decimal('2.34'))
    """
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """Figures as printed in a letter: thousands separators, two decimals.

    >>> format_amount(Decimal("0")), format_amount(Decimal("1234567.8"))
    ('0.00', '1,234,567.80')
    """
    return f"{round_fen(amount):,.2f}"


def amount_in_words(amount: Decimal) -> str:
    """人民币大写 per PBoC 《正确填写票据和结算凭证的基本规定》.

    "整" after 元 when there are no 角/分, none after 分, one "零" for a run of
    zeros, and "零" after 元 when 角 is 0 but 分 is not.

    >>> amount_in_words(Decimal("1409.50"))
    '人民币壹仟肆佰零玖元伍角'
    >>> amount_in_words(Decimal("6007.14"))
    '人民币陆仟零柒元壹角肆分'
    >>> amount_in_words(Decimal("325.04"))
    '人民币叁佰贰拾伍元零肆分'
    >>> amount_in_words(Decimal("10000"))
    '人民币壹万元整'
    """
    amount = round_fen(amount)
    if amount < 0:
        raise ValueError("amount_in_words needs a non-negative amount")
    words = cn2an.an2cn(format(amount, "f"), "rmb")
    if not isinstance(words, str) or not words:  # pragma: no cover - library contract
        raise ValueError(f"cannot write {amount} in words")
    return "人民币" + words
