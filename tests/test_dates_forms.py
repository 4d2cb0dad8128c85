"""Issue 14: the date forms of a historian's prose, one parametrised test per form, on
crafted sentences (other years and subjects than the sources), and relative dates dated
from their anchor in an encoded tree."""

from __future__ import annotations

import pytest
from lxml import etree

from tei.encode.dates import FORMS, RELATIVE_FORMS, DateValue, count_from, find_dates, find_relative
from tei.encode.relative import resolve_relative_dates
from tei.encode.teidoc import XML_ID

TEI_NS = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI_NS}


def _dates(text: str, **context: int) -> list[tuple[str, dict[str, str]]]:
    return [(text[d.start : d.end], d.value.attrib()) for d in find_dates(text, **context)]


def test_every_form_has_its_own_name_and_groups() -> None:
    import re

    assert len({form.name for form in FORMS}) == len(FORMS)
    # A match is given to its form by the groups it closed: every form needs one.
    assert all(re.compile(form.pattern).groups > 0 for form in FORMS)


# --------------------------------------------------------------------------- ranges across months


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("the congress sat April 27–May 3, 1951 in Oslo", {},
         [("April 27–May 3, 1951", {"from": "1951-04-27", "to": "1951-05-03"})]),
        ("from March 30 to April 2, 1961, the", {},
         [("from March 30 to April 2, 1961", {"from": "1961-03-30", "to": "1961-04-02"})]),
        ("between July 30 and August 4 the strike", {"year": 1926},
         [("between July 30 and August 4", {"from": "1926-07-30", "to": "1926-08-04"})]),
        # across the year's end: the first day lies in the year before the printed one
        ("(December 30–January 2, 1919)", {},
         [("December 30–January 2, 1919", {"from": "1918-12-30", "to": "1919-01-02"})]),
        ("December 30, 1918–January 2", {},
         [("December 30, 1918–January 2", {"from": "1918-12-30", "to": "1919-01-02"})]),
        # leap years: February 29 exists in 1948, not in 1949
        ("February 29–March 3, 1948", {},
         [("February 29–March 3, 1948", {"from": "1948-02-29", "to": "1948-03-03"})]),
        ("February 29–March 3, 1949", {}, []),  # no such day: no date rather than a wrong one
    ],
)  # fmt: skip
def test_ranges_across_months(text: str, context: dict[str, int], expected: list) -> None:
    assert _dates(text, **context) == expected


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("the report was signed on or before March 3", {"year": 1947},
         [("on or before March 3", {"notAfter": "1947-03-03"})]),
        ("no reform before 1966 was possible", {},
         [("before 1966", {"notAfter": "1965-12-31"})]),
        ("before March 1, 1948, the", {}, [("before March 1, 1948", {"notAfter": "1948-02-29"})]),
        ("to be delivered no later than June 1961.", {},
         [("no later than June 1961", {"notAfter": "1961-06-30"})]),
        ("not later than 12 May 1949", {}, [("not later than 12 May 1949", {"notAfter": "1949-05-12"})]),
        ("he had lived in Lyon since 1919 and", {},
         [("since 1919", {"notBefore": "1919-01-01"})]),
        ("the ban held until February 1937.", {},
         [("until February 1937", {"notAfter": "1937-02-28"})]),
        ("only after 1945 did", {}, [("after 1945", {"notBefore": "1946-01-01"})]),
        ("after December 31, 1960, the", {}, [("after December 31, 1960", {"notBefore": "1961-01-01"})]),
        ("no earlier than spring 1956", {},
         [("no earlier than spring 1956", {"notBefore": "1956-03-01"})]),
        # a distance from a date is no bound of it (and no relative date either)
        ("two days before June 5, 1947, the", {}, [("June 5, 1947", {"when": "1947-06-05"})]),
        ("the year after 1945 was", {}, [("1945", {"when": "1945"})]),
        # a bound word without a year known: the date is kept as it was, undated
        ("until June", {}, [("June", {})]),
    ],
)  # fmt: skip
def test_bounds(text: str, context: dict[str, int], expected: list) -> None:
    assert _dates(text, **context) == expected


# --------------------------------------------------------------------------- coordinated dates


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        # two dates, each its own date (the text names two, not the time between them)
        ("the harvests of 1946 and 1947 failed", {},
         [("1946", {"when": "1946"}), ("1947", {"when": "1947"})]),
        ("Strikes in 1946, 1947 and 1948 were", {},
         [("1946", {"when": "1946"}), ("1947", {"when": "1947"}), ("1948", {"when": "1948"})]),
        ("the years 1948 and 1947", {}, []),  # not in order: no list, no guess
        ("letters of March and April 1961 show", {},
         [("March", {"when": "1961-03"}), ("April 1961", {"when": "1961-04"})]),
        ("in May, June or July 1926", {},
         [("May", {"when": "1926-05"}), ("June", {"when": "1926-06"}),
          ("July 1926", {"when": "1926-07"})]),
        ("December and January 1920", {},
         [("December", {"when": "1919-12"}), ("January 1920", {"when": "1920-01"})]),
        ("they met on March 4 and April 9, 1951", {},
         [("March 4", {"when": "1951-03-04"}), ("April 9, 1951", {"when": "1951-04-09"})]),
    ],
)  # fmt: skip
def test_coordinated_dates(text: str, context: dict[str, int], expected: list) -> None:
    assert _dates(text, **context) == expected


# --------------------------------------------------------------------------- spans in words


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("in the first six months of 1947 exports", {},
         [("first six months of 1947", {"from": "1947-01", "to": "1947-06"})]),
        ("the second half of 1961", {}, [("second half of 1961", {"from": "1961-07", "to": "1961-12"})]),
        ("the first half of 1926", {}, [("first half of 1926", {"from": "1926-01", "to": "1926-06"})]),
        ("the last quarter of 1919", {},
         [("last quarter of 1919", {"from": "1919-10", "to": "1919-12"})]),
        ("the third quarter of 1950", {},
         [("third quarter of 1950", {"from": "1950-07", "to": "1950-09"})]),
        ("the last three months of 1948", {},
         [("last three months of 1948", {"from": "1948-10", "to": "1948-12"})]),
        ("the first thirteen months of 1948", {}, []),  # no such part: no date
        ("the 1880s", {}, [("1880s", {"from": "1880", "to": "1889"})]),
        ("between 1919 and March 1921", {},
         [("between 1919 and March 1921", {"from": "1919", "to": "1921-03"})]),
        # kept: seasons and early/late YEAR
        ("in autumn 1956", {}, [("autumn 1956", {"from": "1956-09-01", "to": "1956-11-30"})]),
        ("in late 1948 the", {}, [("late 1948", {"from": "1948-09", "to": "1948-12"})]),
    ],
)  # fmt: skip
def test_spans_in_words(text: str, context: dict[str, int], expected: list) -> None:
    assert _dates(text, **context) == expected


# --------------------------------------------------------------------------- not dates


@pytest.mark.parametrize(
    "text",
    [
        "see pages 1947–1949 of the",  # page numbers in the form of a span of years
        "ibid., pp. 1931–1933.",
        "order No. 1936 of the",
        "20 million people",
        "some 1,948 and 1,949 tons",
        "order No. 35 of the",
        "between 2:30 and 8:05 p.m. the",
        "the Committee12 so that",
        "a few days later the",
        "two days before the meeting",
        "the day after tomorrow",
        "the 1948 tons of steel",
    ],
)
def test_not_dates(text: str) -> None:
    found = [(text[d.start : d.end], d.value.attrib()) for d in find_dates(text)]
    assert [f for f in found if f[1]] == []
    assert find_relative(text) == []


# --------------------------------------------------------------------------- relative dates (pure)


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("Ten days later, the", "1947-06-25", DateValue(when="1947-07-05")),
        ("Twelve days later the", "1948-02-20", DateValue(when="1948-03-03")),  # leap year
        ("Twelve days later the", "1949-02-20", DateValue(when="1949-03-04")),
        ("the next day", "1960-12-31", DateValue(when="1961-01-01")),
        ("The following morning", "1926-05-03", DateValue(when="1926-05-04")),
        ("the previous day", "1926-03-01", DateValue(when="1926-02-28")),
        ("That same day, he", "1951-04-11", DateValue(when="1951-04-11")),
        ("That same month", "1951-04-11", DateValue(when="1951-04")),
        ("A month later", "1951-01-31", DateValue(when="1951-02")),
        ("Three weeks earlier, ", "1951-01-10", DateValue(when="1950-12-20")),
        ("two days before, they", "1951-01-01", DateValue(when="1950-12-30")),
        ("the same year", "1919", DateValue(when="1919")),
        ("the following year", "1919-06", DateValue(when="1920")),
        ("at the turn of the year", "1947-11-20", DateValue(from_="1947-12-01", to="1948-01-31")),
        ("at the turn of the year", "1948-01-20", DateValue(from_="1947-12-01", to="1948-01-31")),
        ("Before the year was out", "1926-05-03", DateValue(not_after="1926-12-31")),
        ("that same autumn", "1949-05-12", DateValue(from_="1949-09-01", to="1949-11-30")),
        ("That summer", "1949", DateValue(from_="1949-06-01", to="1949-08-31")),
        ("That winter", "1949-01-10", DateValue(from_="1948-12-01", to="1949-02-28")),
        ("That winter", "1948-11-10", DateValue(from_="1948-12-01", to="1949-02-28")),
        ("That winter", "1949", None),  # which winter: the one ending or the one beginning
        # too coarse an anchor: ambiguous, not guessed
        ("Ten days later", "1947-06", None),
        ("at the turn of the year", "1947", None),
    ],
)
def test_count_from(text: str, anchor: str, expected: DateValue | None) -> None:
    (match,) = find_relative(text)
    assert count_from(anchor, match) == expected


def test_every_relative_form_is_read() -> None:
    samples = ["Ten days later", "two days earlier", "the next day", "the previous month",
               "the day after,", "the day before,", "that same day", "that day",
               "the turn of the year", "before the year was out", "that same autumn"]  # fmt: skip
    assert all(len(find_relative(s)) == 1 for s in samples)
    assert len(RELATIVE_FORMS) == len(samples)


# --------------------------------------------------------------------------- relative dates (tree)


def _body(xml: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns="{TEI_NS}">{xml}</body>')


def test_relative_date_counts_from_the_last_date_and_points_to_it() -> None:
    body = _body(
        '<p>The strike began on <date when="1926-05-03">May 3</date>. '
        "Ten days later, it was over.</p><p>The next day the miners met.</p>"
    )
    warnings = resolve_relative_dates(body, "x")
    dates = body.findall(".//t:date", NS)
    assert dates[0].get(XML_ID) == "d1926-05-03"
    assert [(d.text, d.get("when"), d.get("corresp")) for d in dates[1:]] == [
        ("Ten days later", "1926-05-13", "#d1926-05-03"),
        ("The next day", "1926-05-14", "#d1926-05-13"),  # counts from the inferred date
    ]
    assert dates[1].get(XML_ID) == "d1926-05-13"
    assert {d.get("cert") for d in dates[1:]} == {"medium"}
    assert {d.get("evidence") for d in dates[1:]} == {"internal"}
    assert warnings == []
    assert "".join(body.itertext()) == (
        "The strike began on May 3. Ten days later, it was over.The next day the miners met."
    )


def test_relative_date_without_anchor_is_reported_not_tagged() -> None:
    body = _body("<p>The next day they left.</p>")
    warnings = resolve_relative_dates(body, "ch-x")
    assert body.find(".//t:date", NS) is None
    assert len(warnings) == 1 and "no date before it" in warnings[0]


def test_relative_date_after_a_span_or_a_month_is_ambiguous() -> None:
    body = _body(
        '<p>On <date notAfter="1947-03-03">or before March 3</date> it came. The next day.</p>'
        '<p>In <date when="1947-06">June</date> it rained. Ten days later.</p>'
    )
    warnings = resolve_relative_dates(body, "x")
    assert len(body.findall(".//t:date", NS)) == 2
    assert len(warnings) == 2


def test_bare_year_is_no_anchor_for_days_but_is_for_years() -> None:
    body = _body(
        '<p>On <date when="1951-04-11">April 11</date>, as in <date when="1948">1948</date>, '
        "the same year as that war; the next day he left.</p>"
    )
    resolve_relative_dates(body, "x")
    inferred = [(d.text, d.get("when")) for d in body.iterfind(".//t:date[@corresp]", NS)]
    assert inferred == [("the same year", "1948"), ("the next day", "1951-04-12")]


def test_note_counts_from_the_text_before_it_not_from_another_note() -> None:
    body = _body(
        '<p>Sent on <date when="1932-06-05">June 5</date>.<note place="foot" n="1">Received '
        "the next day.</note> Answered"
        '<note place="foot" n="2">Cited in Pravda, <date when="1940-01-01">1.I.1940</date>.</note>'
        " the same day.</p>"
    )
    resolve_relative_dates(body, "x")
    inferred = [(d.text, d.get("when")) for d in body.iterfind(".//t:date[@corresp]", NS)]
    assert inferred == [("the next day", "1932-06-06"), ("the same day", "1932-06-05")]


def test_lone_day_is_reported() -> None:
    body = _body("<p>They met on the 5th and parted.</p>")
    warnings = resolve_relative_dates(body, "x")
    assert len(warnings) == 1 and "without its month" in warnings[0]


def test_ids_do_not_collide() -> None:
    body = _body(
        '<p xml:id="d1926-05-03"><date when="1926-05-03">May 3</date>, and the same day.</p>'
    )
    resolve_relative_dates(body, "x")
    date = body.find(".//t:date", NS)
    assert date is not None and date.get(XML_ID) == "d1926-05-03-2"


# --------------------------------------------------------------------------- glued markers


@pytest.mark.parametrize(
    ("text", "expected", "markers"),
    [
        ("the Committee12 so that", 12, [12]),  # glued to a word: the sequence expects it
        ("the Committee12 so that", 5, []),  # out of sequence: a number of the text
        ("the Committee12 so that", None, []),  # no sequence yet: not a marker by form alone
        ("sent on May 12 so that", 12, []),  # set off by a space: a day, not a marker
    ],
)
def test_marker_glued_to_a_word(text: str, expected: int | None, markers: list[int]) -> None:
    from tei.encode.markers import MarkerSequence

    sequence = MarkerSequence(expected=expected)
    assert [m.number for m in sequence.glued_markers(text, "x")] == markers


# --------------------------------------------------------------------------- crafted chapters

_STRIKE = [
    ("April 30, 1926", {"when": "1926-04-30"}),
    ("the same evening", {"when": "1926-04-30"}),
    ("May 3", {"when": "1926-05-03"}),
    ("Nine days later", {"when": "1926-05-12"}),
    ("May 12", {"when": "1926-05-12"}),
    ("That same month", {"when": "1926-05"}),
    ("since April 1926", {"notBefore": "1926-04-01"}),
    ("until December", {"notAfter": "1926-12-31"}),
    ("from May 1 to November 19, 1926", {"from": "1926-05-01", "to": "1926-11-19"}),
    ("first six months of 1926", {"from": "1926-01", "to": "1926-06"}),
    ("second half of 1926", {"from": "1926-07", "to": "1926-12"}),
    ("June", {"when": "1926-06"}),
    ("July 1926", {"when": "1926-07"}),
    ("1927", {"when": "1927"}),
    ("1928", {"when": "1928"}),
    ("on or before October 4", {"notAfter": "1926-10-04"}),
    ("before 1930", {"notAfter": "1929-12-31"}),
    ("until 1931", {"notAfter": "1931-12-31"}),
    ("1927", {"when": "1927"}),
    ("1920s", {"from": "1920", "to": "1929"}),
    ("turn of the year 1925–26", {"from": "1925-12-01", "to": "1926-01-31"}),
]
_AIRLIFT = [
    ("June 20, 1948", {"when": "1948-06-20"}),
    ("Four days later", {"when": "1948-06-24"}),
    ("the next day", {"when": "1948-06-25"}),
    ("end of July", {"from": "1948-07-21", "to": "1948-07-31"}),
    ("From September 28 to October 2, 1948", {"from": "1948-09-28", "to": "1948-10-02"}),
    ("no later than November 30", {"notAfter": "1948-11-30"}),
    ("winter of 1948–49", {"from": "1948-12-01", "to": "1949-02-28"}),
    ("April 16, 1949", {"when": "1949-04-16"}),
    ("Three weeks later", {"when": "1949-05-07"}),
    ("May 12, 1949", {"when": "1949-05-12"}),
    ("until September 30, 1949", {"notAfter": "1949-09-30"}),
    ("March", {"when": "1949-03"}),
    ("April 1949", {"when": "1949-04"}),
    ("last quarter of 1948", {"from": "1948-10", "to": "1948-12"}),
    ("that same autumn", {"from": "1948-09-01", "to": "1948-11-30"}),  # of "the last quarter of 1948"
    ("first half of 1948", {"from": "1948-01", "to": "1948-06"}),
    ("before 1990", {"notAfter": "1989-12-31"}),
    ("1948", {"when": "1948"}),
    ("1949", {"when": "1949"}),
]


@pytest.mark.parametrize(
    ("name", "year", "expected", "markers", "reported"),
    [
        # "The next day" after "on or before October 4" (a bound): reported, not guessed
        ("dates-strike-1926.txt", 1926, _STRIKE, list(range(41, 49)), ["The next day"]),
        # "The next morning" after "before 1990"; "New Year's Day" is not read (a miss, not
        # an error: the context year there would be the one before)
        ("dates-airlift-1948.txt", 1948, _AIRLIFT, list(range(7, 17)), ["The next morning"]),
    ],
)
def test_crafted_chapters(
    name: str, year: int, expected: list, markers: list[int], reported: list[str]
) -> None:
    from conftest import FIXTURES

    from tei.encode.chapters import encode_chapter
    from tei.encode.persons import Register
    from tei.encode.reading import read_source

    register = Register.load(FIXTURES.parent.parent / "sources" / "persons.xml")
    source = read_source(FIXTURES / "chapters" / name)
    doc = encode_chapter(source, register, {"context_year": year})
    dates = [
        ("".join(d.itertext()), {k: v for k, v in d.attrib.items() if k in _VALUES})
        for d in doc.root.iterfind(".//{*}text//{*}date")
    ]
    assert dates == expected
    assert doc.markers == markers  # "the committee45 so that" among them
    relative = [w for w in doc.warnings if "relative date" in w]
    assert [r for r in reported if any(r in w for w in relative)] == reported
    assert len(relative) == len(reported)
    times = [t.get("when") for t in doc.root.iterfind(".//{*}text//{*}time")]
    assert len(times) == 2  # "2:30 to 8:05 p.m.", "between 10:15 and 11:40 a.m.": times, not dates


_VALUES = ("when", "from", "to", "notBefore", "notAfter")


def test_span_within_a_year_anchors_counts_in_years_only() -> None:
    body = _body(
        '<p>In <date from="1948-10" to="1948-12">the last quarter of 1948</date> it froze; '
        "that same autumn the council split, and the next day it rained.</p>"
    )
    warnings = resolve_relative_dates(body, "x")
    inferred = [(d.text, d.get("from")) for d in body.iterfind(".//t:date[@corresp]", NS)]
    assert inferred == [("that same autumn", "1948-09-01")]
    assert len(warnings) == 1 and "the next day" in warnings[0]
