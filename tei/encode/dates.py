"""Date and time recognition for every encoder: letter headers, Soviet datelines, running text.

All knowledge of how dates are printed in the sources lives here, so that letters and
chapters agree on what a date is and which W3C value it gets (``docs/encoding.md``):

* a printed date → ``@when`` (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``);
* a date the editors supplied in brackets → ``@when`` + ``@cert="medium"``;
  "[earlier June 12, 1932]", "[previously …]", "[not later than …]" → ``@notAfter``,
  "[after June 21, 1932]", "[not earlier than …]" → ``@notBefore``, "[c. August 25,
  1934]", "[June 12, 1932?]" → ``@when`` + ``@cert="low"`` (:data:`HEADER_WORDS`);
* a Soviet dateline's two-digit year in the century of the letter ("3/III 38" in 1838);
* seasons and vague spans ("spring 1932", "early 1951", "late fall", "the winter of
  1932–33") → ``@from``/``@to``;
* a date printed without its year takes the year of its context (the letter's year, the
  chapter's nearest preceding explicit year). When no year is known the value is kept as
  an ``xs:gMonthDay`` / ``xs:gMonth`` ("--06-29", "--06") while the year may still turn
  up ("May 29 and August 27, 1932"), and is not written at all otherwise (see
  :meth:`DateValue.attrib`) rather than given a made-up year.
* day ranges ("June 20–25, 1932", "between September 20 and 25, 1930", "20–25 June") and
  ranges across months ("September 28–October 2, 1932") → ``@from``/``@to``; parts of a
  year in words ("the first six months of 1932", "the second half of 1933") too;
* bound words before a date ("before 1956", "on or before November 19", "since 1929",
  "until 1956") → ``@notAfter``/``@notBefore``, to the day (:data:`BOUND_WORDS`);
* coordinated dates ("1951 and 1952", "October and November 1952") → one date each;
* relative dates ("Ten days later", "That same day") are found by :func:`find_relative`
  and dated by :func:`count_from` once :mod:`tei.encode.relative` has found their anchor.

The recognisers are regular expressions over the printed forms, one :class:`Form` each in
:data:`FORMS` (a new form is one entry), combined into one scanner so that matches never
overlap and the first reading listed at a position wins, the longer before the shorter
("early December 1932" is one span, not "December 1932" inside it).
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class DateValue:
    """The W3C attributes of one TEI ``date`` (all optional; ``from_`` stands for ``@from``)."""

    when: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    from_: str | None = None
    to: str | None = None
    cert: str | None = None

    def attrib(self) -> dict[str, str]:
        """TEI attribute names → values, only the set ones, in a fixed (sorted) order.

        A value without its year ("--06-29") is left out: the project's schema takes only
        dates with a year, and a year made up would be worse than none. The ``date`` then
        keeps the printed text alone, for the editor to date.
        """
        pairs = {
            "when": self.when,
            "notBefore": self.not_before,
            "notAfter": self.not_after,
            "from": self.from_,
            "to": self.to,
        }
        dated = {k: v for k, v in pairs.items() if v is not None and not v.startswith("--")}
        if dated and self.cert is not None:
            dated["cert"] = self.cert
        return dict(sorted(dated.items()))

    @property
    def has_year(self) -> bool:
        """Whether any of the values is a full date (not a year-less "--06-29")."""
        values = (self.when, self.not_before, self.not_after, self.from_, self.to)
        return any(v is not None and not v.startswith("--") for v in values)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: ``text[start:end]`` is the date as printed.

    ``anchor_year`` is the year printed in the match when the match may serve as context for
    later year-less dates (see :func:`context_year`); bare years do not anchor, because in
    narrative they are mostly comparisons ("down from 40 million in 1929").
    """

    start: int
    end: int
    value: DateValue
    anchor_year: int | None = None


@dataclass(frozen=True)
class TimeMatch:
    """A clock time: ``text[start:end]`` as printed, ``when`` as ``HH:MM:SS``."""

    start: int
    end: int
    when: str


# --------------------------------------------------------------------------- vocabulary

MONTHS: dict[str, int] = {name: number for number, name in enumerate(calendar.month_name) if name}
_ABBREVIATIONS: dict[str, int] = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
    "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_ROMAN: dict[str, int] = {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6,
    "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12,
}  # fmt: skip

#: Seasons as (first month, last month); winter runs from December into the next year.
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "summer": (6, 8),
    "fall": (9, 11),
    "autumn": (9, 11),
    "winter": (12, 2),
}

# Month names are matched with their capital only: "may", "march" are ordinary words.
_M = (
    r"(?:"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r"|(?:"
    + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True))
    + r")\.)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
#: A day as an ordinal in words' place ("the 8th", "the 20th of October").
ORDINAL_DAY = r"(?:3[01]|[12]\d|[1-9])(?:st|nd|rd|th)"
_YEAR = r"(?:1\d{3}|20\d{2})"
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Ff]all|[Aa]utumn|[Ww]inter)"
# "early", "late", "mid-", "the end of" … narrow a period to a part of it.
_QUALIFIER = (
    r"(?:[Ee]arly|[Ll]ate|[Mm]id-?|[Mm]iddle\s+of|[Ee]nd\s+of|[Bb]eginning\s+of|[Ss]tart\s+of)"
)
# Words that make a following month, season or year a point in time rather than a name or
# a quantity ("in May", "by 1953", "the 1932 harvest", "(b. 1890)").
_TIME_PREP = (
    r"(?:[Ii]n|[Oo]f|[Bb]y|[Ss]ince|[Uu]ntil|[Tt]ill|[Ff]rom|[Tt]o|[Bb]efore|[Aa]fter|"
    r"[Dd]uring|[Bb]etween|and|or|through|[Tt]his|[Ll]ast|[Nn]ext|[Tt]hat|[Tt]he|b\.|c\.|ca\.|"
    r"[Ff]or|now)"
)
# Nouns that make a four-digit number a quantity ("1743 pairs", "1900 tons").
_UNIT = (
    r"(?:%|percent|per\s+cent|million|billion|thousand|tons?|t\b|t\[|kilos?|"
    r"people|men|persons|rubles?|roubles?|poods|ha\b|hectares|km|kilomet|liters|litres|"
    r"head|pairs|copies|pages|votes|soldiers|planes|troops)"
)
_NOT_NUMBER_TAIL = r"(?!\d|[.,/]\d|\s*" + _UNIT + r"|-[a-z]|\s*[-–—]\s*\d)"
_NUM_START = r"(?<![\d,.\-/–])"

# The start of a sentence: the text's start, or a sentence end, perhaps with its endnote
# number glued on ("…was arrested.43 In 1937 the …").
_SENTENCE_BEFORE = re.compile(r"(?:^|[.?!”’\"]\d{0,4})\s*$")

# A capitalised word: after "of the 3rd" it is what the ordinal counts ("Japanese flotilla").
_NAME_AFTER = re.compile(r"\s+[A-Z]")

# Nouns an ordinal counts ("the 2nd paragraph", "of the 17th congress"): no day then.
_COUNTED = (
    r"(?:paragraph|point|item|clause|section|article|page|line|chapter|part|time|quarter|"
    r"year|century|anniversary|congress|conference|plenum|session|meeting|army|division|"
    r"regiment|corps|floor|place|variant|option|draft|edition|issue|volume|question)"
)

# Connectors across which a year-less date borrows the year of the next one
# ("May 29 to August 27, 1932", "September 28–October 2, 1932", "October and November 1952").
_CONNECTOR = re.compile(r"\s*(?:to|and|or|through|until|till|-|–|—)\s*")

#: How a form's match becomes dates: (match, context year, month, day) → the dates in it.
Reader = Callable[[re.Match[str], int | None, int | None, int | None], tuple["DateMatch", ...]]


@dataclass(frozen=True)
class Form:
    """One printed form of a date: a regular expression and the reader of its match.

    The forms are tried in the order of :data:`FORMS` at each position of the text (the
    first that matches there wins), so a longer reading comes before the shorter one it
    contains ("September 28–October 2, 1932" before "September 28"). A new form is one
    entry; its group names must be its own.
    """

    name: str
    pattern: str
    #: None for the forms :func:`_interpret` reads (by the groups the match has).
    read: Reader | None = None


# Number words for spans and relative dates ("the first six months", "Ten days later").
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
}  # fmt: skip
_NUMBER = r"(?i:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|\d{1,3})"

#: Parts of a year named in words: (length in months, which one): "the second half" is
#: months 7–12, "the first six months" 1–6; "last" counts from the year's end.
_ORDINALS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_PART_MONTHS: dict[str, int] = {"half": 6, "quarter": 3, "month": 1, "months": 1}


#: Holidays by their name: (month, day), in the year of the context. A name is matched as
#: printed, with its capitals ("may day" is no holiday). None at the turn of the year: after
#: "the winter of 1948–49" the context year is 1948, and "New Year's Day" would be dated a
#: year too early; untagged is better than wrong.
HOLIDAYS: dict[str, tuple[int, int]] = {
    "Revolution Day": (11, 7),
    "May Day": (5, 1),
    "Bastille Day": (7, 14),
}

FORMS: tuple[Form, ...] = (
    # early/late/mid + season/month/year; the end of / beginning of …
    Form("qualified",
         rf"\b(?P<q>{_QUALIFIER})\s*(?:the\s+)?(?:"
         rf"(?P<q_season>{_SEASON})(?:\s+(?:of\s+)?(?P<q_season_year>{_YEAR})\b)?"
         rf"|(?P<q_month>{_M})(?:,?\s+(?P<q_month_year>{_YEAR})\b)?"
         rf"|{_NUM_START}(?P<q_year>{_YEAR})\b{_NOT_NUMBER_TAIL})"),
    # the first six months of 1932, the second half of 1933, the last quarter of 1932
    Form("part_of_year",
         rf"\b(?<=[Tt]he\s)(?P<py_ord>first|second|third|fourth|last)\s+"
         rf"(?:(?P<py_n>{_NUMBER})\s+)?(?P<py_unit>half|quarter|months?)\s+of\s+(?:the\s+year\s+)?"
         rf"{_NUM_START}(?P<py_year>{_YEAR})\b{_NOT_NUMBER_TAIL}",
         lambda m, y, mo, d: _part_of_year(m)),
    # the turn of the year 1925–26: December to January
    Form("turn_of_year",
         rf"\b(?<=[Tt]he\s)turn\s+of\s+the\s+years?\s+(?P<ty_a>{_YEAR})\s*[-–—/]\s*"
         rf"(?P<ty_b>{_YEAR}|\d\d)\b{_NOT_NUMBER_TAIL}",
         lambda m, y, mo, d: _turn_of_year(m)),
    # the winter of 1932–33, winter 1932/33: the winter that begins in 1932
    Form("winter",
         rf"(?P<w_season>[Ww]inter)\s+(?:of\s+)?(?P<w_year>{_YEAR})\s*[-–—/]\s*"
         rf"(?P<w_next>{_YEAR}|\d\d)\b{_NOT_NUMBER_TAIL}"),
    # spring 1932, summer of 1950
    Form("season",
         rf"(?P<s_season>{_SEASON})\s+(?:of\s+)?(?P<s_year>{_YEAR})\b{_NOT_NUMBER_TAIL}"),
    # February-July 1932, April-May
    Form("month_range",
         rf"(?P<mr_a>{_M})\s*[-–—]\s*(?P<mr_b>{_M})(?:,?\s+(?P<mr_year>{_YEAR})\b)?"),
    # October and November 1952, May, June or July 1933: one date per month, the year shared
    Form("months_and",
         rf"(?:\b{_TIME_PREP}\s+)?"  # "in May, June or July 1926": before "in May" reads
         rf"(?P<ma_list>{_M}(?:\s*,\s*{_M})*),?\s+(?:and|or)\s+(?P<ma_last>{_M}),?\s+"
         rf"(?P<ma_year>{_YEAR})\b{_NOT_NUMBER_TAIL}",
         lambda m, y, mo, d: _months_and(m)),
    # between September 20 and 25, 1930 · from June 1 to 5 · between 20 and 25 June
    Form("day_range_words",
         rf"\b(?:[Bb]etween|[Ff]rom)\s+(?:(?P<lr_month>{_M})\s+(?P<lr_a>{_DAY})\s*"
         rf"(?:[-–—]|and\b|to\b)\s*(?P<lr_b>{_DAY})(?!\d)(?![.:,]\d)\b"
         rf"(?:,?\s+(?P<lr_year>{_YEAR})(?![\d,]\d))?"
         rf"|{_NUM_START}(?P<lr_a2>{_DAY})\s*(?:[-–—]|and\b|to\b)\s*(?P<lr_b2>{_DAY})\s+"
         rf"(?P<lr_month2>{_M})(?:,?\s+(?P<lr_year2>{_YEAR})(?![\d,]\d))?)"),
    # September 28–October 2, 1932 · from May 29 to August 27, 1932 · between June 5 and
    # July 7: one span across months ("and" without "between" joins two dates instead)
    Form("cross_month_range",
         rf"(?:\b(?P<xr_word>[Bb]etween|[Ff]rom)\s+)?"
         rf"(?P<xr_m1>{_M})\s+(?P<xr_d1>{_DAY})(?:,?\s+(?P<xr_y1>{_YEAR}),?)?"
         rf"\s*(?P<xr_join>[-–—]|to\b|through\b|until\b|till\b|and\b)\s*"
         rf"(?P<xr_m2>{_M})\s+(?P<xr_d2>{_DAY})(?!\d)(?![.:]\d)\b"
         rf"(?:,?\s+(?P<xr_y2>{_YEAR})(?![\d,]\d))?",
         lambda m, y, mo, d: _cross_month_range(m, y)),
    # June 5, 1932 · June 9 [1932] · March 9 · June 27th · June 20–25, 1932
    Form("month_day",
         rf"(?P<md_month>{_M})\s+(?P<md_day>{_DAY})(?!\d)(?![.:]\d)\b"
         rf"(?:\s*[-–—]\s*(?P<md_day2>{_DAY})(?!\d)(?![.:,]\d)\b)?"
         rf"(?:,?\s+(?:(?P<md_year>{_YEAR})|\[(?P<md_byear>{_YEAR})\])(?![\d,]\d))?"),
    # 1 July 1950 · 13 October · 20–25 June
    Form("day_month",
         rf"{_NUM_START}(?:(?P<dm_day0>{_DAY})\s*[-–—]\s*)?(?P<dm_day>{_DAY})\s+(?P<dm_month>{_M})"
         rf"(?:,?\s+(?P<dm_year>{_YEAR})(?![\d,]\d))?"),
    # June 1932
    Form("month_year",
         rf"(?P<my_month>{_M}),?\s+(?P<my_year>{_YEAR})\b{_NOT_NUMBER_TAIL}"),
    # from 1933 to 1935, between 1936 and 1938
    Form("year_span_words",
         rf"\b(?:[Bb]etween|[Ff]rom)\s+{_NUM_START}(?P<ys_a>{_YEAR})\s+(?:and|to|until|till)\s+"
         rf"(?P<ys_b>{_YEAR})\b{_NOT_NUMBER_TAIL}"),
    # between 1923 and December 1927: from a year to a month
    Form("year_to_month",
         rf"\b(?:[Bb]etween|[Ff]rom)\s+{_NUM_START}(?P<ym_a>{_YEAR})\s+(?:and|to|until|till)\s+"
         rf"(?P<ym_month>{_M}),?\s+(?P<ym_b>{_YEAR})\b{_NOT_NUMBER_TAIL}",
         lambda m, y, mo, d: _year_to_month(m)),
    # the early 1930s, the mid-1930s, late 1920s
    Form("qualified_decade",
         r"\b(?P<qd>[Ee]arly|[Mm]id-?|[Ll]ate)\s*(?P<qd_decade>1\d\d0|20\d0)s\b"),
    # 1953–1955, 1932-33, the 1930/31 season
    Form("year_range",
         rf"{_NUM_START}(?P<yr_a>{_YEAR})\s*[-–—/]\s*(?P<yr_b>{_YEAR}|\d\d)\b{_NOT_NUMBER_TAIL}"),
    # the 1920s
    Form("decade", rf"{_NUM_START}(?P<decade>1\d\d0|20\d0)s\b"),
    # 1951 and 1952, 1936, 1937 or 1938: one date per year (as "in 1951 and 1952" gives)
    Form("years_and",
         rf"{_NUM_START}(?P<ya_list>{_YEAR}(?:\s*,\s*{_YEAR})*),?\s+(?:and|or)\s+"
         rf"(?P<ya_last>{_YEAR})\b{_NOT_NUMBER_TAIL}",
         lambda m, y, mo, d: _years_and(m)),
    # in May, by September (a bare month only where it is plainly a time)
    Form("bare_month",
         rf"\b{_TIME_PREP}\s+(?P<bm_month>{_M})(?![\w-])(?!,?\s+\d)(?!\s*[-–—]\s*[A-Z])"
         r"(?!\s+(?:Hall|Revolution|Square|Street|Station|Palace|Manifesto|Days?)\b)"),
    # in the summer, until late fall is above; "in the spring" here
    Form("bare_season",
         rf"\b(?:[Ii]n|[Bb]y|[Uu]ntil|[Ss]ince|[Dd]uring|[Tt]his|[Ll]ast|[Nn]ext|[Tt]hat)"
         rf"\s+(?:the\s+)?(?P<bs_season>{_SEASON})\b(?!-)(?!\s+(?:of\s+)?\d)"),
    # the 20th of October (1936)
    Form("ordinal_of_month",
         rf"\b[Tt]he\s+(?P<om_day>{ORDINAL_DAY})\s+of\s+"
         rf"(?P<om_month>{_M})(?:,?\s+(?P<om_year>{_YEAR})(?![\d,]\d))?"),
    # on the 8th (only with a month from the context)
    Form("ordinal_day",
         r"\b(?:[Oo]n|[Bb]y|[Ss]ince|[Uu]ntil|[Ff]rom|[Tt]o|[Oo]f)\s+the\s+"
         rf"(?P<od_day>{ORDINAL_DAY})\b"
         rf"(?!\s+{_COUNTED}|\s+of\s+{_M})"),
    # Revolution Day, May Day: a holiday of the context year, a date to count from
    Form("holiday", r"\b(?P<hd_name>" + "|".join(HOLIDAYS) + r")(?![\w-])",
         lambda m, y, mo, d: _holiday(m, y)),
    # in 1932, the 1932 harvest, (b. 1890), [1932]
    Form("year",
         rf"(?:\b{_TIME_PREP}\s+|(?<=[(\[]))(?P<y_year>{_YEAR})\b{_NOT_NUMBER_TAIL}"),
)  # fmt: skip

# One scanner for all forms, so that matches never overlap (see :func:`_readers_by_group`).
# A date starts at the start of a word, or at a digit glued to one ("Committee12", "1932.196"):
# the guard first turns away, in one step, the positions inside words, where every form
# would be tried and fail (it keeps the scanner as fast as one form alone).
_WORD_START = (
    r"(?:(?<![A-Za-z])|(?=\d))"
    # and one of the words a form can open with (a capital stands for month names and
    # holidays): most word starts of a text open no date, and are turned away here at once
    r"(?=\d|[A-Z]|(?i:in|of|on|by|since|until|till|from|to|before|after|during|between|and|"
    r"or|through|this|last|next|that|the|for|now|early|late|mid|middle|end|beginning|start|"
    r"spring|summer|fall|autumn|winter|first|second|third|fourth|turn|b\.|c\.|ca\.)(?![a-z]))"
)


# Compiled on first use, as are the readers by group below: it is most of what importing
# this module would cost, and an importer that reads no date need not pay it.
@functools.cache
def _scanner() -> re.Pattern[str]:
    return re.compile(_WORD_START + "(?:" + "|".join(f"(?:{f.pattern})" for f in FORMS) + ")")


@functools.cache
def _readers_by_group() -> dict[int, Reader]:
    """The reader of the form each group number of :func:`_scanner` belongs to. A match's
    ``lastindex`` (the last group it closed) is one of its form's groups: dispatch without a
    group per form, which would cost the scanner a third of its speed on short texts (every
    group is state the regular expression engine keeps at every position it tries)."""
    readers: dict[int, Reader] = {}
    number = 0
    for form in FORMS:
        for _ in range(re.compile(form.pattern).groups):
            number += 1
            readers[number] = form.read or _interpret
    return readers


#: Words before a date that make it a bound (``docs/encoding.md``): (words, the bound it
#: gives, whether the date itself is inside it). "before 1956" excludes 1956, so its
#: @notAfter is 1955-12-31; "until 1956" includes it. Longest first where one contains
#: another ("on or before" before "before").
BOUND_WORDS: tuple[tuple[str, str, bool], ...] = (
    ("on or before", "notAfter", True),
    ("no later than", "notAfter", True),
    ("not later than", "notAfter", True),
    ("not after", "notAfter", True),
    ("until", "notAfter", True),
    ("till", "notAfter", True),
    ("before", "notAfter", False),
    ("on or after", "notBefore", True),
    ("no earlier than", "notBefore", True),
    ("not earlier than", "notBefore", True),
    ("not before", "notBefore", True),
    ("since", "notBefore", True),
    ("after", "notBefore", False),
)
_BOUND_BEFORE = re.compile(
    r"(?<![\w-])(?P<bound>"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w, _s, _i in BOUND_WORDS)
    + r")\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "two days before June 5", "the year after 1932": a distance from the date, not a bound.
_DISTANCE_BEFORE = re.compile(
    r"(?:days?|weeks?|months?|years?|decades?|hours?|night|morning|evening|eve)\s+$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- helpers


def _month_number(name: str) -> int:
    word = name.rstrip(".").capitalize()
    return MONTHS.get(word) or _ABBREVIATIONS[word]


def _day_number(text: str) -> int:
    digits = re.match(r"\d+", text)
    assert digits is not None  # the day groups of the patterns (_DAY, "1st") open with digits
    return int(digits.group())


def _last_day(year: int | None, month: int) -> int:
    # Without a year February is given 29 days: --02-29 is a valid gMonthDay.
    return calendar.monthrange(year if year is not None else 2000, month)[1]


def _ymd(year: int | None, month: int, day: int | None = None) -> str:
    """A W3C date of the finest precision given; gMonth/gMonthDay when the year is unknown."""
    if year is None:
        return f"--{month:02d}" if day is None else f"--{month:02d}-{day:02d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= day <= _last_day(year, month)


def _season_span(season: str, year: int | None) -> tuple[str, str]:
    first, last = SEASONS[season.lower()]
    if first > last:  # winter: December of the year to February of the next
        end_year = year + 1 if year is not None else None
        return _ymd(year, first, 1), _ymd(end_year, last, _last_day(end_year, last))
    return _ymd(year, first, 1), _ymd(year, last, _last_day(year, last))


def _qualified_month(qualifier: str, year: int | None, month: int) -> tuple[str, str]:
    """early/mid/late or beginning/middle/end of a month → its first, middle or last third."""
    last = _last_day(year, month)
    part = _qualifier_part(qualifier)
    first_day, last_day = {0: (1, 10), 1: (11, 20), 2: (21, last)}[part]
    return _ymd(year, month, first_day), _ymd(year, month, last_day)


def _qualified_season(qualifier: str, season: str, year: int | None) -> tuple[str, str]:
    """early/mid/late spring → the first, middle or last month of the season."""
    first, _last = SEASONS[season.lower()]
    month = (first - 1 + _qualifier_part(qualifier)) % 12 + 1
    # The months of a winter after December belong to the next year.
    if year is not None and first == 12 and month < first:
        year += 1
    return _ymd(year, month, 1), _ymd(year, month, _last_day(year, month))


def _qualified_year(qualifier: str, year: int) -> tuple[str, str]:
    """early/mid/late 1932 → January–April, May–August, September–December."""
    first = 1 + 4 * _qualifier_part(qualifier)
    return _ymd(year, first), _ymd(year, first + 3)


def _qualifier_part(qualifier: str) -> int:
    word = qualifier.lower()
    if word.startswith(("early", "beginning", "start")):
        return 0
    if word.startswith("mid"):
        return 1
    return 2  # late, end of


# --------------------------------------------------------------------------- running text


def find_dates(
    text: str, *, year: int | None = None, month: int | None = None, day: int | None = None
) -> list[DateMatch]:
    """Dates in running text, in order and non-overlapping.

    ``year`` and ``month`` are the context for dates printed without them; inside ``text``
    the context moves on with every anchoring date (one printed with its year, not a bare
    year), so that "On January 1, 1933 … On January 7" gives 1933-01-07. With ``day`` too
    (a letter's date), a day printed alone ("on the 30th") falls in the month that puts it
    nearest that date: written on September 1, "the 30th" is August 30.
    """
    found: list[tuple[DateMatch, ...]] = []
    context = year
    readers = _readers_by_group()
    for match in _scanner().finditer(text):
        # The letter's day only means something while the letter's year is the context.
        read = readers[match.lastindex or 0]
        produced = read(match, context, month, day if context == year else None)
        if not produced:
            continue
        found.append(produced)
        for item in produced:
            if item.anchor_year is not None:
                context = item.anchor_year
    flat = [item for group in found for item in group if not _numbered(text, item)]
    return [_bounded(text, item) for item in _borrow_years(text, flat, year)]


# What numbers a thing rather than dates it: "pp. 1931–1933", "No. 1935", "vol. 1932".
_NUMBERING_BEFORE = re.compile(
    r"(?:\b(?:pp?|[Nn]os?|vols?|[Ff]|[Oo]p|[Dd]|[Ll]l?|[Nn]r)\.|\b(?:pages?|[Nn]umbers?|№))\s*$"
)


def _numbered(text: str, match: DateMatch) -> bool:
    """Whether a date that opens with its digits is a page or an item number after all."""
    return text[match.start : match.start + 1].isdigit() and bool(
        _NUMBERING_BEFORE.search(text, max(0, match.start - 8), match.start)
    )


def _bounded(text: str, match: DateMatch) -> DateMatch:
    """A date after bound words ("before 1956", "on or before November 19", "since 1929")
    as the bound they make, the words inside the ``date``: "before 1956" is
    @notAfter="1955-12-31". Bounds are given to the day, so that an exclusive and an
    inclusive bound read alike; a date without a year, or one that is already a bound,
    stays as it is."""
    value = match.value
    if not value.has_year or value.not_before or value.not_after:
        return match
    found = _BOUND_BEFORE.search(text, max(0, match.start - 24), match.start)
    if found is None or _DISTANCE_BEFORE.search(text, max(0, found.start() - 12), found.start()):
        return match
    words = re.sub(r"\s+", " ", found.group("bound").lower())
    side, inclusive = next((s, i) for w, s, i in BOUND_WORDS if w == words)
    first, last = _first_day_of(value.when or value.from_), _last_day_of(value.when or value.to)
    if first is None or last is None:
        return match
    if side == "notAfter":
        bound = last if inclusive else first - datetime.timedelta(days=1)
        new = DateValue(not_after=bound.isoformat())
    else:
        bound = first if inclusive else last + datetime.timedelta(days=1)
        new = DateValue(not_before=bound.isoformat())
    return DateMatch(found.start(), match.end, new, match.anchor_year)


def _first_day_of(value: str | None) -> datetime.date | None:
    """The first day a W3C value (YYYY, YYYY-MM, YYYY-MM-DD) covers."""
    if value is None or value.startswith("--"):
        return None
    return datetime.date.fromisoformat(_expand_iso(value))


def _last_day_of(value: str | None) -> datetime.date | None:
    """The last day a W3C value (YYYY, YYYY-MM, YYYY-MM-DD) covers."""
    if value is None or value.startswith("--"):
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 12, 31)
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], _last_day(parts[0], parts[1]))
    return datetime.date(parts[0], parts[1], parts[2])


def _part_of_year(m: re.Match[str]) -> tuple[DateMatch, ...]:
    """"the first six months of 1932" (1932-01/1932-06), "the second half of 1933"
    (1933-07/1933-12), "the last quarter of 1932" (1932-10/1932-12)."""
    year = int(m.group("py_year"))
    ordinal = _ORDINALS[m.group("py_ord")]
    count = m.group("py_n")
    unit = m.group("py_unit")
    if count is not None:
        # "the first six months": a count of months from the start (or, "last", the end).
        if unit not in ("month", "months") or ordinal not in (1, -1):
            return ()
        length = _count(count) or 0
        index = 1 if ordinal == 1 else 13 - length
    else:
        length = _PART_MONTHS[unit]
        index = 13 - length if ordinal == -1 else 1 + (ordinal - 1) * length
    if not 1 <= index <= 12 or index + length - 1 > 12:
        return ()  # "the third half of 1932", "the first thirteen months": no date
    value = DateValue(from_=_ymd(year, index), to=_ymd(year, index + length - 1))
    return (DateMatch(m.start(), m.end(), value, year),)


def _months_and(m: re.Match[str]) -> tuple[DateMatch, ...]:
    """"October and November 1952": a date per month, all in the printed year (a month
    after the last one lies in the year before: "December and January 1933")."""
    year = int(m.group("ma_year"))
    last = _month_number(m.group("ma_last"))
    found = []
    for name in re.finditer(_M, m.group("ma_list")):
        month = _month_number(name.group())
        y = year - 1 if month > last else year
        start = m.start("ma_list") + name.start()
        found.append(DateMatch(start, start + len(name.group()), DateValue(when=_ymd(y, month))))
    found.append(DateMatch(m.start("ma_last"), m.end(), DateValue(when=_ymd(year, last)), year))
    return tuple(found)


def _years_and(m: re.Match[str]) -> tuple[DateMatch, ...]:
    """"1951 and 1952": a date per year, none an anchor (bare years, see :class:`DateMatch`)."""
    found = [
        DateMatch(m.start("ya_list") + y.start(), m.start("ya_list") + y.end(), DateValue(when=y.group()))
        for y in re.finditer(_YEAR, m.group("ya_list"))
    ]
    found.append(DateMatch(m.start("ya_last"), m.end("ya_last"), DateValue(when=m.group("ya_last"))))
    years = [int(d.value.when or 0) for d in found]
    return tuple(found) if years == sorted(set(years)) else ()


def _turn_of_year(m: re.Match[str]) -> tuple[DateMatch, ...]:
    """"the turn of the year 1925–26": December 1925 and January 1926 (as the relative
    "the turn of the year" is read, see :func:`count_from`)."""
    first = int(m.group("ty_a"))
    if int(m.group("ty_b")) not in (first + 1, (first + 1) % 100):
        return ()
    value = DateValue(from_=f"{first:04d}-12-01", to=f"{first + 1:04d}-01-31")
    return (DateMatch(m.start(), m.end(), value, first + 1),)


def _holiday(m: re.Match[str], year: int | None) -> tuple[DateMatch, ...]:
    """"Revolution Day": the holiday in the context year (undated without one)."""
    month, day = HOLIDAYS[m.group("hd_name")]
    return (DateMatch(m.start(), m.end(), DateValue(when=_ymd(year, month, day))),)


def _year_to_month(m: re.Match[str]) -> tuple[DateMatch, ...]:
    """"between 1923 and December 1927": from the year to the month."""
    first, last = int(m.group("ym_a")), int(m.group("ym_b"))
    if first > last:
        return ()
    value = DateValue(from_=f"{first}", to=_ymd(last, _month_number(m.group("ym_month"))))
    return (DateMatch(m.start(), m.end(), value, last),)


def _cross_month_range(m: re.Match[str], year: int | None) -> tuple[DateMatch, ...]:
    """"September 28–October 2, 1932", "from May 29 to August 27, 1932": one span from the
    first day to the last. Joined by "and" without "between" ("June 5 and July 7") they are
    two dates, each its own ``date``."""
    m1, m2 = _month_number(m.group("xr_m1")), _month_number(m.group("xr_m2"))
    d1, d2 = _day_number(m.group("xr_d1")), _day_number(m.group("xr_d2"))
    y1 = int(m.group("xr_y1")) if m.group("xr_y1") else None
    y2 = int(m.group("xr_y2")) if m.group("xr_y2") else None
    if y1 is None and y2 is None:
        y1 = y2 = year
        if year is not None and m1 > m2:
            y2 = year + 1
    elif y1 is None:
        assert y2 is not None
        y1 = y2 - 1 if m1 > m2 else y2
    elif y2 is None:
        y2 = y1 + 1 if m1 > m2 else y1
    if not (_valid_day(y1, m1, d1) and _valid_day(y2, m2, d2)):
        return ()
    first, second = _ymd(y1, m1, d1), _ymd(y2, m2, d2)
    anchor = y2 if m.group("xr_y2") else y1 if m.group("xr_y1") else None
    if m.group("xr_join") == "and" and m.group("xr_word") is None:
        first_end = m.end("xr_y1") if m.group("xr_y1") else m.end("xr_d1")
        return (
            DateMatch(m.start("xr_m1"), first_end, DateValue(when=first)),
            DateMatch(m.start("xr_m2"), m.end(), DateValue(when=second), anchor),
        )
    if y1 is not None and y2 is not None and first >= second:
        return ()  # "October 2–September 28": no span
    if m.group("xr_join") == "and" and (m.group("xr_word") or "").lower() == "from":
        return ()  # "from June 5 and July 7": no reading
    return (DateMatch(m.start(), m.end(), DateValue(from_=first, to=second), anchor),)


def _interpret(
    m: re.Match[str], year: int | None, month: int | None, day: int | None = None
) -> tuple[DateMatch, ...]:
    g = m.groupdict()
    if g["q"] is not None:
        return _interpret_qualified(m, year)
    if g["w_season"] is not None:
        y = int(g["w_year"])
        if int(g["w_next"]) not in (y + 1, (y + 1) % 100):
            return ()  # "winter 1932–35" is no one winter: no date rather than a wrong one
        start, end = _season_span(g["w_season"], y)
        return (DateMatch(m.start(), m.end(), DateValue(from_=start, to=end), y),)
    if g["s_season"] is not None:
        y = int(g["s_year"])
        start, end = _season_span(g["s_season"], y)
        return (DateMatch(m.start(), m.end(), DateValue(from_=start, to=end), y),)
    if g["mr_a"] is not None:
        return _interpret_month_range(m, year)
    if g["lr_month"] is not None:
        return _day_range(m, g["lr_month"], g["lr_a"], g["lr_b"], g["lr_year"], year)
    if g["lr_month2"] is not None:
        return _day_range(m, g["lr_month2"], g["lr_a2"], g["lr_b2"], g["lr_year2"], year)
    if g["md_day2"] is not None:
        return _day_range(m, g["md_month"], g["md_day"], g["md_day2"], g["md_year"], year)
    if g["dm_day0"] is not None:
        return _day_range(m, g["dm_month"], g["dm_day0"], g["dm_day"], g["dm_year"], year)
    if g["md_month"] is not None:
        return _full_date(m, "md", year, _reference(year, month, day))
    if g["dm_day"] is not None:
        return _full_date(m, "dm", year, _reference(year, month, day))
    if g["my_month"] is not None:
        y = int(g["my_year"])
        value = DateValue(when=_ymd(y, _month_number(g["my_month"])))
        return (DateMatch(m.start(), m.end(), value, y),)
    if g["ys_a"] is not None:
        return _year_span(m, g["ys_a"], g["ys_b"])
    if g["qd"] is not None:
        decade = int(g["qd_decade"])
        first, last = {0: (0, 3), 1: (4, 6), 2: (7, 9)}[_qualifier_part(g["qd"])]
        value = DateValue(from_=f"{decade + first}", to=f"{decade + last}")
        return (DateMatch(m.start(), m.end(), value),)
    if g["yr_a"] is not None:
        return _year_span(m, g["yr_a"], g["yr_b"])
    if g["decade"] is not None:
        first = int(g["decade"])
        value = DateValue(from_=f"{first}", to=f"{first + 9}")
        return (DateMatch(m.start("decade"), m.end(), value),)
    if g["bm_month"] is not None:
        value = DateValue(when=_ymd(year, _month_number(g["bm_month"])))
        return (DateMatch(m.start("bm_month"), m.end("bm_month"), value),)
    if g["bs_season"] is not None:
        start, end = _season_span(g["bs_season"], year)
        return (
            DateMatch(m.start("bs_season"), m.end("bs_season"), DateValue(from_=start, to=end)),
        )
    if g["om_day"] is not None:
        return _full_date(m, "om", year, _reference(year, month, day))
    if g["od_day"] is not None:
        if month is None:
            return ()
        # "of the 3rd Japanese flotilla", "to the 17th Party Congress": an ordinal before a
        # name counts the thing named; only "on the 8th" stays a day there ("On the 8th Stalin").
        if not m.group().lower().startswith("on") and _NAME_AFTER.match(m.string, m.end()):
            return ()
        printed = _day_number(g["od_day"])
        if year is not None and day is not None:
            when = _nearest_day(printed, datetime.date(year, month, day))
        else:
            when = _ymd(year, month, printed) if _valid_day(year, month, printed) else None
        if when is None:
            return ()
        return (DateMatch(m.start("od_day"), m.end("od_day"), DateValue(when=when)),)
    if g["y_year"] is not None:
        # "In 1937 the terror reached the army. On June 11 …": "In" or "During" a year
        # opening its sentence sets the time the narrative moves in; a year inside a
        # sentence is mostly a comparison ("down from 40 million in 1929"), and "By 1953"
        # a target: they do not.
        opens = m.group().startswith(("In ", "During ")) and bool(
            _SENTENCE_BEFORE.search(m.string, max(0, m.start() - 8), m.start()))
        value = DateValue(when=g["y_year"])
        anchor = int(g["y_year"]) if opens else None
        return (DateMatch(m.start("y_year"), m.end("y_year"), value, anchor),)
    return ()  # pragma: no cover - every alternative has a branch above


def _nearest(dates: Iterable[datetime.date], reference: datetime.date) -> datetime.date | None:
    """Of ``dates``, the one nearest ``reference`` (the earlier of two as near)."""
    return min(dates, key=lambda d: abs((d - reference).days), default=None)


def _nearest_day(day: int, reference: datetime.date) -> str | None:
    """The date with this day of the month nearest ``reference`` (its month or the ones
    around it), as ISO."""
    candidates = []
    for shift in (-1, 0, 1):
        year, month_index = divmod(reference.year * 12 + reference.month - 1 + shift, 12)
        if _valid_day(year, month_index + 1, day):
            candidates.append(datetime.date(year, month_index + 1, day))
    nearest = _nearest(candidates, reference)
    return nearest.isoformat() if nearest else None


def _nearest_year(month: int, day: int, reference: datetime.date) -> datetime.date | None:
    """The day and month in the year, of ``reference``'s and the ones around it, that puts
    it nearest ``reference``."""
    years = (reference.year - 1, reference.year, reference.year + 1)
    return _nearest(
        (datetime.date(y, month, day) for y in years if _valid_day(y, month, day)), reference
    )


def _year_span(m: re.Match[str], first_text: str, second_text: str) -> tuple[DateMatch, ...]:
    """"1953–1955", "1932-33", "from 1933 to 1935": a span of years, the second after the first."""
    first = int(first_text)
    second = int(second_text) if len(second_text) == 4 else first // 100 * 100 + int(second_text)
    if second <= first:
        return ()
    return (DateMatch(m.start(), m.end(), DateValue(from_=f"{first}", to=f"{second}")),)


def _interpret_qualified(m: re.Match[str], year: int | None) -> tuple[DateMatch, ...]:
    g = m.groupdict()
    qualifier = g["q"]
    anchor: int | None = None
    if g["q_season"] is not None:
        y = int(g["q_season_year"]) if g["q_season_year"] else year
        anchor = int(g["q_season_year"]) if g["q_season_year"] else None
        start, end = _qualified_season(qualifier, g["q_season"], y)
    elif g["q_month"] is not None:
        y = int(g["q_month_year"]) if g["q_month_year"] else year
        anchor = int(g["q_month_year"]) if g["q_month_year"] else None
        start, end = _qualified_month(qualifier, y, _month_number(g["q_month"]))
    else:
        anchor = int(g["q_year"])
        start, end = _qualified_year(qualifier, anchor)
    return (DateMatch(m.start(), m.end(), DateValue(from_=start, to=end), anchor),)


def _interpret_month_range(m: re.Match[str], year: int | None) -> tuple[DateMatch, ...]:
    g = m.groupdict()
    first, second = _month_number(g["mr_a"]), _month_number(g["mr_b"])
    printed = int(g["mr_year"]) if g["mr_year"] else None
    end_year = printed if printed is not None else year
    # "November–February 1933": the first month lies in the year before.
    start_year = end_year - 1 if end_year is not None and first > second else end_year
    return (
        DateMatch(m.start("mr_a"), m.end("mr_a"), DateValue(when=_ymd(start_year, first))),
        DateMatch(m.start("mr_b"), m.end(), DateValue(when=_ymd(end_year, second)), printed),
    )


def _reference(year: int | None, month: int | None, day: int | None) -> datetime.date | None:
    """The letter's own date, when the context knows it to the day."""
    if year is None or month is None or day is None or not _valid_day(year, month, day):
        return None
    return datetime.date(year, month, day)


def _full_date(
    m: re.Match[str], prefix: str, year: int | None, reference: datetime.date | None = None
) -> tuple[DateMatch, ...]:
    """A day and month, with the year printed or from the context. In a letter (``reference``
    its date) the year is the one that puts the day nearest the letter: "January 1" written on
    December 29, 1934 is 1935's."""
    g = m.groupdict()
    month = _month_number(g[f"{prefix}_month"])
    day = _day_number(g[f"{prefix}_day"])
    printed = g.get(f"{prefix}_year")
    bracketed = g.get(f"{prefix}_byear")
    given = printed or bracketed
    y = int(given) if given else year
    if reference is not None and not given:
        nearest = _nearest_year(month, day, reference)
        y = nearest.year if nearest else y
    if not _valid_day(y, month, day):
        return ()
    value = DateValue(when=_ymd(y, month, day), cert="medium" if bracketed else None)
    anchor = int(printed) if printed else None
    # From the month or the day, whichever is printed first ("June 5", "5 June", "the 5th of
    # June": the article stays outside).
    start = min(m.start(f"{prefix}_month"), m.start(f"{prefix}_day"))
    return (DateMatch(start, m.end(), value, anchor),)


def _day_range(
    m: re.Match[str], month_name: str, first_day: str, last_day: str, printed_year: str | None,
    year: int | None,
) -> tuple[DateMatch, ...]:
    month = _month_number(month_name)
    first, last = _day_number(first_day), _day_number(last_day)
    printed = int(printed_year) if printed_year else None
    y = printed if printed is not None else year
    if not (first < last and _valid_day(y, month, last)):
        return ()
    value = DateValue(from_=_ymd(y, month, first), to=_ymd(y, month, last))
    return (DateMatch(m.start(), m.end(), value, printed),)


def _borrow_years(text: str, matches: list[DateMatch], context: int | None) -> list[DateMatch]:
    """Give a year-less date the year of the dated one it is joined to ("May 29 to August 27,
    1932"), in place of the context year it got while scanning."""
    result = list(matches)
    for i in range(len(result) - 2, -1, -1):
        first, second = result[i], result[i + 1]
        if first.anchor_year is not None or second.anchor_year is None:
            continue
        if not _CONNECTOR.fullmatch(text, first.end, second.start):
            continue
        result[i] = _with_year(first, second.anchor_year, second.value)
    return result


def _month_of(value: str | None) -> int | None:
    """The month of a W3C value ("1932-06-05", "--06-05", "1932-06"), if it has one."""
    if value is None:
        return None
    m = re.match(r"(?:--|\d{4}-)(\d\d)", value)
    return int(m.group(1)) if m else None


def _redate(value: str | None, year: int) -> str | None:
    """Put ``year`` into a month-level or day-level value; a bare year stays as it is."""
    if value is None:
        return None
    m = re.match(r"(?:--|\d{4}-)(\d\d.*)", value)
    return f"{year:04d}-{m.group(1)}" if m else value


def _with_year(match: DateMatch, year: int, following: DateValue) -> DateMatch:
    """Re-date a year-less match in ``year`` (or the year before, if its month comes later)."""
    own = _month_of(match.value.when or match.value.from_)
    next_month = _month_of(following.when or following.from_)
    if own is not None and next_month is not None and own > next_month:
        year -= 1
    value = match.value
    new = replace(
        value,
        when=_redate(value.when, year),
        from_=_redate(value.from_, year),
        to=_redate(value.to, year),
    )
    return replace(match, value=new)


def context_year(matches: Iterable[DateMatch], current: int | None) -> int | None:
    """The context year after ``matches``: the last anchoring year among them, else ``current``.

    Encoders carry it from paragraph to paragraph ("the nearest preceding explicit year").
    """
    for match in matches:
        if match.anchor_year is not None:
            current = match.anchor_year
    return current


# --------------------------------------------------------------------------- letter headers

#: What the editors' words before a bracketed header date make of it: the letter was
#: written by then (@notAfter), from then on (@notBefore), or about then (the date itself,
#: with @cert="low").
NOT_AFTER, NOT_BEFORE, ABOUT = "notAfter", "notBefore", "about"
#: The certainty of a date the editors give as uncertain ("[c. June 12, 1932]", "[June 12,
#: 1932?]"); one they simply supplied ("[June 12, 1932]") is "medium".
UNCERTAIN = "low"

#: The editors' words at the opening of a bracketed header date ("[earlier June 12, 1932]",
#: "[not later than …]", "[c. August 25, 1934]"), in lower case (they are matched in any).
#: A new word is one entry; the longest are tried first, so "not before" is not "before".
HEADER_WORDS: dict[str, str] = {
    "not later than": NOT_AFTER,
    "no later than": NOT_AFTER,
    "earlier than": NOT_AFTER,
    "not after": NOT_AFTER,
    "previously": NOT_AFTER,
    "earlier": NOT_AFTER,
    "before": NOT_AFTER,
    "by": NOT_AFTER,
    "not earlier than": NOT_BEFORE,
    "no earlier than": NOT_BEFORE,
    "later than": NOT_BEFORE,
    "not before": NOT_BEFORE,
    "after": NOT_BEFORE,
    "circa": ABOUT,
    "ca.": ABOUT,
    "c.": ABOUT,
}
# The words, then a space (none needed after an abbreviation's point: "[c.1934]").
_HEADER_WORDS = (
    r"(?i:"
    + "|".join(
        re.escape(word).replace(r"\ ", r"\s+")
        for word in sorted(HEADER_WORDS, key=len, reverse=True)
    )
    + r")"
)
_AFTER_WORDS = r"(?:(?<=\.)\s*|\s+)"

# In a header a month beside a day and a year is a month however printed: lower case
# ("december 6, 1934"), abbreviated without a point ("6 Dec 1934", "Sept 5").
_HEADER_M = (
    r"(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + "|"
    + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\.?(?![a-z])"
)
#: "June 4" and "4 June", named so that either order reads the same.
_MONTH_DAY = (
    rf"(?:(?P<{{p}}month>{_HEADER_M})\s+(?P<{{p}}day>{_DAY}),?"
    rf"|(?P<{{p}}day2>{_DAY})\s+(?P<{{p}}month2>{_HEADER_M}),?)"
)
_HEADER = re.compile(
    # "[June 10, 1932]", "[earlier June 12, 1932]", "[c. 25 August 1934?]", and with the year
    # outside: "[August 25], 1934", "[c. August 25], 1934"
    rf"\[(?:(?P<b_q>{_HEADER_WORDS}){_AFTER_WORDS})?{_MONTH_DAY.format(p='b_')}"
    rf"(?:\s+(?P<b_year>{_YEAR})\s*(?P<b_unsure>\?)?\s*\]"
    rf"|\s*(?P<b_unsure2>\?)?\s*\],?\s+(?P<b_oyear>{_YEAR})(?!\d))"
    # "June 4, 1932", "June 9 [1932]"
    rf"|{_MONTH_DAY.format(p='')}\s+(?:(?P<year>{_YEAR})|\[(?P<byear>{_YEAR})\])(?!\d)"
)


@dataclass(frozen=True)
class HeaderDate:
    """The date of a letter header: where it is printed and its value."""

    start: int
    end: int
    value: DateValue


#: A header's last character when it ends in a date: a digit or a bracket.
_ENDS_LIKE_A_DATE = re.compile(r"[\d\]]\s*$")
#: A note's marker after a header's date, the source's way ("… July 6 1 ."): all a header
#: may have after its date.
_MARKER_AFTER_DATE = r"\s+\d{1,2}\s?\.?"
_MARKER_AT_END = re.compile(rf"{_MARKER_AFTER_DATE}\s*$")
HEADER_TAIL = re.compile(rf"(?:{_MARKER_AFTER_DATE})?\s*")
#: A bracketed date at the end of a header, in any form running text may use ("[September
#: 1930]", "[end of July 1934]", "[between September 20 and 25, 1930]").
_BRACKETED_TAIL = re.compile(
    rf"\[(?:(?P<q>{_HEADER_WORDS}){_AFTER_WORDS})?(?P<inner>[^\[\]]+?)\s*(?P<unsure>\?)?\]\s*$"
)


def find_header_date(text: str) -> HeaderDate | None:
    """The header-style date in ``text`` with its span (for the ``date`` in ``head``).

    Besides the usual day, month and year (bracketed when the editors supplied it), a
    header may end in any date of running text: a month ("[September 1930]"), a span
    ("[end of July 1934]", "June 20–25, 1932"; the letter was written within it, so
    ``@notBefore``/``@notAfter``) or a day without its year ("August 29": the year is the
    encoder's to supply from the letters around it, see :func:`supply_year`).
    """
    m = _HEADER.search(text)
    if m is None:
        return _header_date_at_end(text)
    if m.group("b_month") or m.group("b_month2"):
        value = _value(
            m.group("b_year") or m.group("b_oyear"),
            m.group("b_month") or m.group("b_month2"),
            m.group("b_day") or m.group("b_day2"),
        )
        if value is None:
            return None
        unsure = bool(m.group("b_unsure") or m.group("b_unsure2"))
        result = _as_the_editors_say(DateValue(when=value, cert="medium"), m.group("b_q"), unsure)
        return None if result is None else HeaderDate(m.start(), m.end(), result)
    year = m.group("year") or m.group("byear")
    value = _value(year, m.group("month") or m.group("month2"), m.group("day") or m.group("day2"))
    if value is None:
        return None
    cert = "medium" if m.group("byear") else None
    return HeaderDate(m.start(), m.end(), DateValue(when=value, cert=cert))


def _as_the_editors_say(value: DateValue, words: str | None, unsure: bool) -> DateValue | None:
    """A date in a header's brackets as the editors' ``words`` before it (see
    :data:`HEADER_WORDS`) and their question mark after it (``unsure``) make it: a bound,
    or the date with the certainty they give it. None for a bound of a span ("[after early
    June 1932]": which end?)."""
    kind = HEADER_WORDS[re.sub(r"\s+", " ", words.lower())] if words else None
    if kind in (NOT_AFTER, NOT_BEFORE):
        if value.when is None:
            return None
        cert = UNCERTAIN if unsure else None
        if kind == NOT_AFTER:
            return DateValue(not_after=value.when, cert=cert)
        return DateValue(not_before=value.when, cert=cert)
    return replace(value, cert=UNCERTAIN) if unsure or kind == ABOUT else value


def _header_date_at_end(text: str) -> HeaderDate | None:
    found = _header_date_ending(text)
    if found is None and (marker := _MARKER_AT_END.search(text)):
        found = _header_date_ending(text[: marker.start()])  # "… July 6 1 ."
    return found


def _header_date_ending(text: str) -> HeaderDate | None:
    if not _ENDS_LIKE_A_DATE.search(text):
        return None  # most lines of a source: no need to look for dates in them
    bracket = _BRACKETED_TAIL.search(text)
    if bracket is not None:
        inner = bracket.group("inner")
        found = [d for d in find_dates(inner) if d.value.has_year]
        if len(found) != 1 or inner[: found[0].start].strip() or inner[found[0].end :].strip():
            return None
        value = _as_the_editors_say(
            _written_within(found[0].value, supplied=True),
            bracket.group("q"),
            bool(bracket.group("unsure")),
        )
        return None if value is None else HeaderDate(bracket.start(), bracket.end(), value)
    found = find_dates(text)
    if not found or text[found[-1].end :].strip():
        return None
    last = found[-1]
    value = last.value
    if not value.has_year and not (value.when and re.fullmatch(r"--\d\d-\d\d", value.when)):
        return None  # a month or a season without a year is too vague to date a letter by
    return HeaderDate(last.start, last.end, _written_within(value, supplied=not value.has_year))


def _written_within(value: DateValue, *, supplied: bool) -> DateValue:
    """A date of running text as the date of writing: a span bounds it."""
    if value.when is not None:
        return DateValue(when=value.when, cert="medium" if supplied else None)
    return DateValue(not_before=value.from_, not_after=value.to)


def supply_year(value: DateValue, previous: str) -> DateValue:
    """Date a header printed without its year ("August 29") by the letter before it
    (``previous``, an ISO date): the year that puts it nearest to that letter, since a
    correspondence runs in order ("January 3" after "1932-12-28" is 1933)."""
    if value.when is None or not value.when.startswith("--") or not previous[:4].isdigit():
        return value
    month, day = int(value.when[2:4]), int(value.when[5:7])
    nearest = _nearest_year(month, day, datetime.date.fromisoformat(_expand_iso(previous)))
    return value if nearest is None else replace(value, when=nearest.isoformat(), cert="medium")


def _expand_iso(value: str) -> str:
    """A year or month value as its first day, for comparing with full dates."""
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def parse_header_date(text: str) -> DateValue | None:
    """The value of a letter header date ("June 4, 1932", "[earlier June 12, 1932]", …)."""
    found = find_header_date(text)
    return found.value if found else None


def _value(year: str, month: str, day: str) -> str | None:
    y, mo, d = int(year), _month_number(month), _day_number(day)
    return _ymd(y, mo, d) if _valid_day(y, mo, d) else None


# --------------------------------------------------------------------------- datelines

# Soviet datelines: day, Roman month, two-digit year: "29/VI 32", "6.VI.32", "1/VII-32",
# "13/VI - 32", "26/VI. 32.". A scanned "V1" for "VI" is read as VI: a digit 1 among
# Roman letters cannot be anything else in this position.
_DATELINE = re.compile(
    r"(?<![\d/.])(?P<day>3[01]|[12]\d|0?[1-9])\s*[./]\s*"
    r"(?P<month>[IVX1]*[IVX][IVX1]*)(?![A-Za-z\d])"
    r"(?:(?:\s*[./\-–]\s*|\s+)(?P<year>\d{4}|\d{2})(?!\d))?"
)


# In running text a Soviet date is written tight ("your letter of 5/VI", "By 1.VII", "of
# 26/VI.32"): spaced forms there are numbers and words ("resolution 3 . I beg", "20/VI 11
# planes").
_SOVIET_DATE_IN_TEXT = re.compile(
    r"(?<![\d/.])(?P<day>3[01]|[12]\d|0?[1-9])[./](?P<month>[IVX]+)(?![A-Za-z\d])"
    r"(?:[./\-](?P<year>\d{4}|\d{2})(?![\w]))?"
)


def find_datelines(
    text: str, *, century: int = 1900, year: int | None = None, in_text: bool = False
) -> list[DateMatch]:
    """Soviet datelines in ``text``.

    A dateline without a year ("1/VII") takes ``year`` when given. A two-digit year is read
    in the century of ``year`` (the letter's or the context's: "3/III 38" in a letter of
    1838 is 1838-03-03; see :func:`expand_two_digit_year`), in ``century`` when no year is
    known. ``in_text``: the dates are looked for in running text, where only the tight form
    is one.
    """
    result: list[DateMatch] = []
    for m in (_SOVIET_DATE_IN_TEXT if in_text else _DATELINE).finditer(text):
        month = _ROMAN.get(m.group("month").replace("1", "I"))
        if month is None:
            continue
        printed = m.group("year")
        if printed is None:
            y = year
        elif len(printed) == 2:
            y = expand_two_digit_year(int(printed), year, century)
        else:
            y = int(printed)
        day = int(m.group("day"))
        if not _valid_day(y, month, day):
            continue
        result.append(DateMatch(m.start(), m.end(), DateValue(when=_ymd(y, month, day)), y))
    return result


#: How near the turn of a century a two-digit year is read across it: "2/I 00" in a letter
#: of 1899 is 1900, "12/XII 99" in one of 1901 is 1899.
_ACROSS_THE_TURN = 10


def expand_two_digit_year(printed: int, year: int | None, century: int = 1900) -> int:
    """A year printed with two digits ("32") in full, in the century of ``year`` (the
    letter's or its context's): "38" is 1838 in a letter of 1838, 1938 in one of 1932. Near
    the turn of a century the nearer one across it ("00" in a letter of 1899 is 1900). In
    ``century`` when no year is known.

    Not simply the nearest year with those digits: in a chapter whose context is 1991 a
    decree of "5/VI.32" is 1932, however nearer 2032 is.
    """
    if year is None:
        return century + printed
    same = year // 100 * 100 + printed
    for other in (same - 100, same + 100):
        if abs(other - year) <= _ACROSS_THE_TURN and abs(other - year) < abs(same - year):
            return other
    return same


def parse_dateline(text: str, century: int = 1900, *, year: int | None = None) -> DateValue | None:
    """The date of a dateline: Soviet style ("29/VI 32") or written out ("June 5, 1932").

    ``year`` (the letter's) gives a dateline without its year its year, and one printed with
    two digits its century; ``century`` serves when no year is known."""
    found = find_datelines(text, century=century, year=year)
    if found:
        return found[0].value
    header = find_header_date(text)
    if header is not None:
        return header.value
    dates = find_dates(text, year=year)
    return dates[0].value if dates else None


# --------------------------------------------------------------------------- times

_TIME = re.compile(
    r"(?<![\d.,:])(?P<h>2[0-3]|[01]?\d)(?!\d)(?:(?P<sep>[:.–-])(?P<m>[0-5]\d)(?![\d]|[.,:]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?(?![a-z]))?"
)
_TIME_JOIN = re.compile(r"\s*(?:and|to|till|until|-|–|—)\s*")


def find_times(text: str, *, dotted: bool = False) -> list[TimeMatch]:
    """Clock times ("23:00", "2:30 and 8:05 p.m.", "3 p.m."; "21.25" and "16–25" too when
    ``dotted``).

    A dot or dash separates hours and minutes only in datelines; in running text "5.06
    million" is a number, so they are opt-in. An hour alone is a time only with a.m./p.m. A
    time without a.m./p.m. joined to one that has it ("between 2:30 and 8:05 p.m.") shares it.
    """
    raw = [
        m for m in _TIME.finditer(text)
        if (m.group("sep") == ":" or (dotted and m.group("sep")))
        or (m.group("sep") is None and m.group("ampm") and int(m.group("h")) <= 12)
    ]
    result: list[TimeMatch] = []
    for i, m in enumerate(raw):
        ampm = m.group("ampm")
        if (
            ampm is None
            and i + 1 < len(raw)
            and _TIME_JOIN.fullmatch(text, m.end(), raw[i + 1].start())
        ):
            ampm = raw[i + 1].group("ampm")
        hour = int(m.group("h"))
        if ampm == "p" and hour < 12:
            hour += 12
        elif ampm == "a" and hour == 12:
            hour = 0
        result.append(TimeMatch(m.start(), m.end(), f"{hour:02d}:{m.group('m') or '00'}:00"))
    return result


# --------------------------------------------------------------------------- relative dates


@dataclass(frozen=True)
class RelativeForm:
    """A date that counts from another ("Ten days later", "That same day"): its pattern,
    the unit it counts in and how many (``None``: the number printed, group ``n``).

    ``unit`` is "day", "month" or "year" (the precision of the result, too), "season" ("that
    same autumn": the season of the anchor's year, the anchor known to the month), "turn" ("the
    turn of the year": December to January around the anchor) or "year_end" ("before the
    year was out": not after the anchor year's last day). ``sign`` is the direction.
    """

    pattern: str
    unit: str
    amount: int | None = None
    sign: int = 1


_UNITS_IN_DAYS: dict[str, tuple[str, int]] = {
    "day": ("day", 1), "week": ("day", 7), "month": ("month", 1), "year": ("year", 1),
    "morning": ("day", 1), "afternoon": ("day", 1), "evening": ("day", 1), "night": ("day", 1),
}  # fmt: skip
_DAYTIME = r"(?:day|morning|afternoon|evening|night)"
# "two days before, …" counts back; "two days before June 5" is a distance from a date
# printed after it, which the bound reader leaves alone and this does not read either.
_BACK = r"(?:earlier|before(?=\s*[,.;:)—]))"

#: The relative forms, first match at a position wins. A new form is one entry.
RELATIVE_FORMS: tuple[RelativeForm, ...] = (
    RelativeForm(rf"\b(?P<n>{_NUMBER})\s+(?P<u>day|week|month|year)s?\s+(?:later|afterwards?)\b",
                 "count"),
    RelativeForm(rf"\b(?P<n>{_NUMBER})\s+(?P<u>day|week|month|year)s?\s+{_BACK}", "count",
                 sign=-1),
    RelativeForm(rf"\b[Tt]he\s+(?:next|following)\s+(?P<u>{_DAYTIME}|month|year)\b", "count", 1),
    RelativeForm(rf"\b[Tt]he\s+(?:previous|preceding)\s+(?P<u>{_DAYTIME}|month|year)\b", "count",
                 1, -1),
    RelativeForm(r"\b[Tt]he\s+(?P<u>day|month|year)\s+after(?=\s*[,.;:)—])", "count", 1),
    RelativeForm(rf"\b[Tt]he\s+(?P<u>day|month|year)\s+{_BACK}", "count", 1, -1),
    RelativeForm(rf"\b(?:[Tt]hat|[Tt]he)\s+(?:very\s+)?same\s+(?P<u>{_DAYTIME}|month|year)\b",
                 "count", 0),
    RelativeForm(rf"\b[Tt]hat\s+(?:very\s+)?(?P<u>{_DAYTIME}|month|year)\b(?!\s*[’']s)", "count",
                 0),
    RelativeForm(r"\b[Tt]he\s+turn\s+of\s+the\s+year\b(?!s?\s+\d)", "turn"),
    # that same autumn, that winter: the season of the anchor's year
    RelativeForm(rf"\b[Tt]hat\s+(?:very\s+|same\s+)?(?P<u>{_SEASON})\b(?!\s+(?:of\s+)?\d)",
                 "season"),
    RelativeForm(r"\b[Bb]efore\s+the\s+(?:year\s+was\s+out|end\s+of\s+the\s+year)\b", "year_end"),
)  # fmt: skip


def _numbered_groups(index: int, pattern: str) -> str:
    """A relative form's pattern with its groups ``n`` and ``u`` named after its index, so
    that all forms go into one scanner (group names must be unique there)."""
    return pattern.replace("?P<n>", f"?P<n{index}>").replace("?P<u>", f"?P<u{index}>")


_RELATIVE = re.compile(
    r"(?<![A-Za-z\d])(?:"  # every form starts a word (see _WORD_START)
    + "|".join(f"(?P<r{i}>{_numbered_groups(i, f.pattern)})" for i, f in enumerate(RELATIVE_FORMS))
    + ")"
)


@dataclass(frozen=True)
class RelativeMatch:
    """A relative date found: ``text[start:end]``, counting ``amount`` ``unit``\\s from its
    anchor ("day", "month", "year"; or "turn", "year_end", see :class:`RelativeForm`)."""

    start: int
    end: int
    unit: str
    amount: int
    season: str | None = None  # unit "season": which one


# A word every relative form has: most texts have none, and are done with at once.
_RELATIVE_HINT = re.compile(
    r"(?i:later|earlier|before|after|next|following|previous|preceding|same|that|turn)"
)


def find_relative(text: str) -> list[RelativeMatch]:
    """Relative dates in ``text``, in order: the expressions only; :func:`count_from` dates
    them once their anchor is known."""
    found: list[RelativeMatch] = []
    if not _RELATIVE_HINT.search(text):
        return found
    for m in _RELATIVE.finditer(text):
        index = int((m.lastgroup or "r0")[1:])
        form = RELATIVE_FORMS[index]
        if form.unit == "season":
            season = m.group(f"u{index}").lower()
            found.append(RelativeMatch(m.start(), m.end(), "season", 0, season))
            continue
        if form.unit != "count":
            found.append(RelativeMatch(m.start(), m.end(), form.unit, 0))
            continue
        unit, size = _UNITS_IN_DAYS[m.group(f"u{index}").lower()]
        printed = m.groupdict().get(f"n{index}")
        count = form.amount if printed is None else _count(printed)
        if count is None:
            continue
        found.append(RelativeMatch(m.start(), m.end(), unit, form.sign * count * size))
    return found


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower())


def count_from(anchor: str, match: RelativeMatch) -> DateValue | None:
    """The value of a relative date counted from ``anchor`` (a W3C @when), on the calendar
    (month ends, leap years: a month after January 31 is in February, its last day), or
    None when the anchor is too coarse for it (days from a month) — then it is ambiguous.
    """
    parts = [int(p) for p in anchor.split("-")] if not anchor.startswith("--") else []
    if not parts:
        return None
    year = parts[0]
    if match.unit == "year_end":
        return DateValue(not_after=f"{year:04d}-12-31")
    if match.unit == "year":
        return DateValue(when=f"{year + match.amount:04d}")
    if match.unit == "season" and match.season is not None:
        # "that winter" after January 1949 is the winter of 1948–49, which began the year
        # before; any other season is the anchor year's. After a bare year, which winter
        # is not known.
        first_month = SEASONS[match.season][0]
        if first_month == 12 and len(parts) < 2:
            return None
        start_year = year - 1 if first_month == 12 and parts[1] <= 2 else year
        start, end = _season_span(match.season, start_year)
        return DateValue(from_=start, to=end)
    if len(parts) < 2:
        return None
    month = parts[1]
    if match.unit == "turn":
        # The turn nearest the anchor: from the second half of a year, into the next one.
        first = year if month >= 7 else year - 1
        return DateValue(from_=f"{first:04d}-12-01", to=f"{first + 1:04d}-01-31")
    if match.unit == "month":
        y, m = divmod(year * 12 + month - 1 + match.amount, 12)
        return DateValue(when=_ymd(y, m + 1))
    if len(parts) < 3:
        return None
    day = datetime.date(year, month, parts[2]) + datetime.timedelta(days=match.amount)
    return DateValue(when=day.isoformat())
