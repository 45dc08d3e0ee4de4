"""Invariants of the period arithmetic and the limitation engine (Hypothesis)."""

from __future__ import annotations

import calendar as gregorian
import os
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import fixed_calendar
from letters.calendar import ChineseCalendar, FixedCalendar
from letters.evidence.events import Capacity, Event, EventKind
from letters.rules.assessment import PeriodKind
from letters.rules.limitation import CaseAssessment, assess_case
from letters.rules.periods import add_months, last_day, raw_last_day
from limitation_cases import DEBTOR, case_data, guarantor

PLAIN = fixed_calendar(*range(1990, 2081))
JOINT = "李建国"
SURETY = "周立新"
PARTIES = (None, DEBTOR, JOINT, SURETY)
FAST = settings(
    max_examples=int(os.environ.get("LETTERS_HYPOTHESIS_EXAMPLES", "150")), deadline=None
)

days_2000_2030 = st.dates(date(2000, 1, 1), date(2030, 12, 31))


@st.composite
def interrupting_event(draw: st.DrawFn, due: date) -> Event:
    """An act that interrupts when it falls inside the period: a valid signature,
    a delivery, a payment, an acknowledgement, a debit or a lawsuit."""
    kind = draw(
        st.sampled_from(
            [
                EventKind.SIGNED,
                EventKind.DELIVERED,
                EventKind.PAYMENT,
                EventKind.ACKNOWLEDGED,
                EventKind.ACCOUNT_DEBITED,
                EventKind.LAWSUIT_FILED,
            ]
        )
    )
    # Half near the due date (inside a six-month guarantee period), half anywhere later.
    day = due + timedelta(days=draw(st.one_of(st.integers(-30, 400), st.integers(-200, 8000))))
    party = draw(st.sampled_from(PARTIES))
    if kind is EventKind.SIGNED:
        return Event(
            kind, day, case_id="C1", party=party, signer="张三", capacity=Capacity.AUTHORISED
        )
    return Event(kind, day, case_id="C1", party=party)


@st.composite
def scenario(
    draw: st.DrawFn, kinds: tuple[str, ...] = ("连带责任保证", "一般保证")
) -> tuple[dict[str, object], list[Event], Event, date]:
    """A case with a debtor, a joint debtor and a guarantor of one of ``kinds``, some
    events, one more interrupting event, and a day to look at it."""
    due = draw(days_2000_2030)
    kind = draw(st.sampled_from(kinds))
    case = case_data(due.isoformat(), joint_debtors=JOINT, guarantors=[guarantor(SURETY, kind)])
    events = draw(st.lists(interrupting_event(due), max_size=6))
    extra = draw(interrupting_event(due))
    as_of = due + timedelta(days=draw(st.integers(0, 9000)))
    return case, events, extra, as_of


def run(case: dict[str, object], events: list[Event], as_of: date) -> CaseAssessment:
    return assess_case(case, list(enumerate(events, start=1)), as_of=as_of, calendar=PLAIN)


def deadlines(result: CaseAssessment) -> dict[str, date]:
    return {row.obligor: row.deadline.legal for row in result.rows()}


# A 连带责任保证 guarantor with the statutory six months: a claim inside the period
# starts three years, which always end later than the six months. (Not so for a long
# agreed period, nor for a 一般保证 whose debt conservatively runs from the *first*
# lawsuit: there an earlier act rightly means an earlier end.)
@FAST
@given(scenario(kinds=("连带责任保证",)))
def test_an_interrupting_event_never_makes_the_end_earlier(
    example: tuple[dict[str, object], list[Event], Event, date],
) -> None:
    case, events, extra, as_of = example
    before = deadlines(run(case, events, as_of))
    after = deadlines(run(case, [*events, extra], as_of))
    assert all(after[name] >= before[name] for name in before), (before, after)


@FAST
@given(scenario())
def test_no_end_is_after_the_twenty_years_and_joint_debtors_share_theirs(
    example: tuple[dict[str, object], list[Event], Event, date],
) -> None:
    case, events, _, as_of = example
    result = run(case, events, as_of)
    for row in result.assessments:
        assert row.deadline.legal <= row.maximum.legal
        assert row.deadline.legal >= row.deadline.raw
    debtor, joint = (next(r for r in result.rows() if r.obligor == n) for n in (DEBTOR, JOINT))
    if debtor.waiver is None and joint.waiver is None:
        assert debtor.deadline == joint.deadline


@FAST
@given(scenario(kinds=("连带责任保证",)))
def test_the_debtors_events_never_move_a_joint_guarantors_own_periods(
    example: tuple[dict[str, object], list[Event], Event, date],
) -> None:
    case, events, extra, as_of = example
    everything = [*events, extra]
    own = [e for e in everything if e.party == SURETY]

    def periods(result: CaseAssessment) -> tuple[object, object]:
        row = next(r for r in result.rows() if r.obligor == SURETY)
        return (
            row.periods[PeriodKind.GUARANTEE_PERIOD],
            row.periods.get(PeriodKind.GUARANTEE_LIMITATION),
        )

    assert periods(run(case, everything, as_of)) == periods(run(case, own, as_of))


@FAST
@given(scenario(), st.randoms())
def test_the_order_events_are_given_in_does_not_matter(
    example: tuple[dict[str, object], list[Event], Event, date], random: object
) -> None:
    case, events, _, as_of = example
    numbered = list(enumerate(events, start=1))
    shuffled = list(numbered)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    first = assess_case(case, numbered, as_of=as_of, calendar=PLAIN)
    second = assess_case(case, shuffled, as_of=as_of, calendar=PLAIN)
    assert first.assessments == second.assessments


# ------------------------------------------------------------------ the arithmetic


@FAST
@given(st.dates(date(1990, 1, 1), date(2070, 12, 31)), st.integers(0, 600))
def test_months_end_on_the_corresponding_day_or_the_month_end(start: date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year - start.year) * 12 + end.month - start.month == months
    month_length = gregorian.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, month_length)
    assert raw_last_day(start, years=months // 12) == add_months(start, months // 12 * 12)


@FAST
@given(st.dates(date(2004, 1, 1), date(2023, 12, 31)), st.integers(1, 3))
def test_legal_last_day_is_never_before_the_raw_one(start: date, years: int) -> None:
    result = last_day(start, years=years, calendar=ChineseCalendar())
    assert result.safe_action is not None
    assert result.safe_action <= result.raw <= result.legal
    # The longest run of rest days in the data: Spring Festival 2020, extended to 02-02 (10 days).
    assert (result.legal - result.raw).days <= 10


@FAST
@given(
    st.dates(date(2030, 1, 1), date(2030, 12, 20)),
    st.integers(0, 400),
    st.frozensets(st.dates(date(2030, 1, 1), date(2031, 12, 31)), max_size=40),
    st.booleans(),
)
def test_roll_lands_on_a_working_day_or_keeps_the_raw_day(
    start: date, days: int, holidays: frozenset[date], roll: bool
) -> None:
    calendar = FixedCalendar(frozenset({2030, 2031}), holidays)
    result = last_day(start, days=days, calendar=calendar, roll=roll)
    assert result.raw == start + timedelta(days=days)
    if result.holiday_data_missing is not None:
        assert result.legal == result.raw
    elif roll:
        assert not calendar.is_rest_day(result.legal)
        assert all(
            calendar.is_rest_day(result.raw + timedelta(n))
            for n in range((result.legal - result.raw).days)
        )
    else:
        assert result.legal == result.raw
        assert result.if_rolled is None or result.if_rolled > result.raw
