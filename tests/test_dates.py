"""Date and time recognition: letter headers, Soviet datelines, dates in running text."""

from __future__ import annotations

import pytest

from tei.encode.dates import (
    DateValue,
    context_year,
    find_datelines,
    find_dates,
    find_header_date,
    find_times,
    parse_dateline,
    parse_header_date,
    supply_year,
)


def test_attrib_uses_tei_names_in_sorted_order() -> None:
    value = DateValue(
        when="1932-06-02", not_before="a", not_after="b", from_="c", to="d", cert="medium"
    )
    assert list(value.attrib()) == ["cert", "from", "notAfter", "notBefore", "to", "when"]
    assert DateValue(when="1932").attrib() == {"when": "1932"}
    assert DateValue().attrib() == {}
    # A value without its year is not written (the project's schema wants a year).
    assert DateValue(when="--06-29", cert="medium").attrib() == {}
    assert DateValue(from_="--11-01", to="1932-11-30").attrib() == {"to": "1932-11-30"}


def test_supply_year_takes_the_year_nearest_the_letter_before() -> None:
    undated = DateValue(when="--01-03", cert="medium")
    assert supply_year(undated, "1932-12-28") == DateValue(when="1933-01-03", cert="medium")
    late = DateValue(when="--06-29", cert="medium")
    assert supply_year(late, "1932-07-01") == DateValue(when="1932-06-29", cert="medium")
    assert supply_year(DateValue(when="--08-29"), "1930-08") == DateValue(
        when="1930-08-29", cert="medium")
    assert supply_year(DateValue(when="--02-29"), "1932-03-01") == DateValue(
        when="1932-02-29", cert="medium")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("June 2 1932", DateValue(when="1932-06-02")),
        ("June 4, 1932", DateValue(when="1932-06-04")),
        ("on June 4, 1932", DateValue(when="1932-06-04")),
        ("June 6   1932", DateValue(when="1932-06-06")),
        ("June 9 [1932]", DateValue(when="1932-06-09", cert="medium")),
        ("[June 10, 1932]", DateValue(when="1932-06-10", cert="medium")),
        ("[earlier June 12, 1932]", DateValue(not_after="1932-06-12")),
        ("[after June 21, 1932]", DateValue(not_before="1932-06-21")),
        ("[not before August 20, 1933]", DateValue(not_before="1933-08-20")),
        ("[no earlier than 20 August 1933]", DateValue(not_before="1933-08-20")),
        ("[not after 12 June 1932]", DateValue(not_after="1932-06-12")),
        ("[not later than June 12, 1932]", DateValue(not_after="1932-06-12")),
        ("[by 1 July 1932]", DateValue(not_after="1932-07-01")),
        ("Molotov to Voroshilov 3 August 1933", DateValue(when="1933-08-03")),  # day first
        ("Molotov to Voroshilov 3 August [1933]", DateValue(when="1933-08-03", cert="medium")),
        ("Kaganovich to Stalin June 2 1932", DateValue(when="1932-06-02")),
        ("Stalin - Molotov, Kaganovich June 12, 1932", DateValue(when="1932-06-12")),
        ("June 31, 1932", None),  # no such day
        ("Kaganovich to Stalin", None),
        ("Stalin to Molotov June 1932", DateValue(when="1932-06")),  # dated to the month
        ("Stalin to Molotov [September 1930]", DateValue(when="1930-09", cert="medium")),
        (
            "Molotov to Stalin [between September 20 and 25, 1930]",
            DateValue(not_before="1930-09-20", not_after="1930-09-25"),
        ),
        (
            "Kirov to Ordzhonikidze [end of July 1934]",
            DateValue(not_before="1934-07-21", not_after="1934-07-31"),
        ),
        ("X to Y June 20–25, 1932", DateValue(not_before="1932-06-20", not_after="1932-06-25")),
        ("[not before September 1930]", DateValue(not_before="1930-09")),
        # a day without its year: the encoder supplies the year from the letter before
        ("Stalin to Molotov August 29", DateValue(when="--08-29", cert="medium")),
        ("Stalin to Molotov in September", None),  # no year, no day: too vague
        # a month however printed beside a day and a year
        ("Molotov to Stalin december 6, 1934", DateValue(when="1934-12-06")),
        ("Zhdanov to Molotov 6 Dec 1934", DateValue(when="1934-12-06")),
        ("Zhdanov to Molotov Dec 6 1934", DateValue(when="1934-12-06")),
        ("Zhdanov to Molotov 28 sept 1934", DateValue(when="1934-09-28")),
        ("Stalin to Molotov 1930", None),
        ("Stalin to Molotov [after early June 1932]", None),  # a bound of a span: which end?
    ],
)
def test_parse_header_date(text: str, expected: DateValue | None) -> None:
    assert parse_header_date(text) == expected


def test_find_header_date_gives_the_printed_span() -> None:
    text = "Stalin to Kaganovich [earlier June 12, 1932]"
    found = find_header_date(text)
    assert found is not None
    assert text[found.start : found.end] == "[earlier June 12, 1932]"


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("29/VI 32", "1932-06-29"),
        ("6.VI.32", "1932-06-06"),
        ("1/VII-32", "1932-07-01"),
        ("1.VII.32", "1932-07-01"),
        ("5/VI.32", "1932-06-05"),
        ("1/VII. 32", "1932-07-01"),
        ("13/VI-32", "1932-06-13"),
        ("13/VI - 32 Kaganovich.", "1932-06-13"),
        ("26/VI. 32.", "1932-06-26"),
        ("9/VI. 32 year 2", "1932-06-09"),
        ("I. Stalin. 18/VI.32", "1932-06-18"),
        ("12/V1", "--06-12"),  # a scanned "V1" is VI; no year printed, none given
        ("June 5, 1932", "1932-06-05"),
        ("Received 10.VI.32", "1932-06-10"),
    ],
)
def test_parse_dateline(text: str, when: str) -> None:
    assert parse_dateline(text) == DateValue(when=when)


@pytest.mark.parametrize(
    "text",
    ["No. 3/949/sh.", "1/11", "32/VI 32", "the 2nd quarter", "II and III quarters", ""],
)
def test_parse_dateline_refuses_non_dates(text: str) -> None:
    assert parse_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Your letter of 2/VI received.", [("2/VI", "1932-06-02")]),
        ("By 1.VII the Ukraine gave", [("1.VII", "1932-07-01")]),
        ("a letter of 26/VI.32 says", [("26/VI.32", "1932-06-26")]),
        ("from 5/VI to 20/VI 11 planes", [("5/VI", "1932-06-05"), ("20/VI", "1932-06-20")]),
        ("I am sending you this resolution 3 . I beg you", []),  # spaced: no date in text
        ("On HP 14. I agree", []),
    ],
)
def test_soviet_dates_in_running_text(text: str, found: list[tuple[str, str]]) -> None:
    dates = find_datelines(text, year=1932, in_text=True)
    assert [(text[d.start : d.end], d.value.when) for d in dates] == found


def test_dateline_century_and_context_year() -> None:
    assert parse_dateline("29/VI 32", century=1800) == DateValue(when="1832-06-29")
    assert parse_dateline("1/VII", year=1932) == DateValue(when="1932-07-01")
    (match,) = find_datelines("Stalin. 26/VI-32")
    assert "Stalin. 26/VI-32"[match.start : match.end] == "26/VI-32"


def _dates(text: str, **context: int) -> list[tuple[str, dict[str, str]]]:
    return [(text[m.start : m.end], m.value.attrib()) for m in find_dates(text, **context)]


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("On June 5, 1932, the PB", {}, [("June 5, 1932", {"when": "1932-06-05"})]),
        ("on June 29 Wang was received", {"year": 1932}, [("June 29", {"when": "1932-06-29"})]),
        ("the telegram dated May 28 on", {"year": 1932}, [("May 28", {"when": "1932-05-28"})]),
        ("and, on March 9, installed", {"year": 1932}, [("March 9", {"when": "1932-03-09"})]),
        ("on March 9, installed", {}, [("March 9", {})]),  # no year known: none made up
        ("on 1 July 1950.", {}, [("1 July 1950", {"when": "1950-07-01"})]),
        ("On 13 October Stalin", {"year": 1950}, [("13 October", {"when": "1950-10-13"})]),
        ("proposed on June 27th.", {"year": 1932}, [("June 27th", {"when": "1932-06-27"})]),
        (
            "from May 29 to August 27, 1932, i.e.",
            {"year": 1931},
            [("from May 29 to August 27, 1932", {"from": "1932-05-29", "to": "1932-08-27"})],
        ),
        (
            "plenum (September 28–October 2, 1932) devoted",
            {},
            [("September 28–October 2, 1932", {"from": "1932-09-28", "to": "1932-10-02"})],
        ),
        (
            "(December 28–January 3, 1933)",
            {},
            [("December 28–January 3, 1933", {"from": "1932-12-28", "to": "1933-01-03"})],
        ),
        (
            "procurements as of January 15, 1933, had",
            {},
            [("January 15, 1933", {"when": "1933-01-15"})],
        ),
        ("late one night in August 1932, a few", {}, [("August 1932", {"when": "1932-08"})]),
        ("in spring 1932.", {}, [("spring 1932", {"from": "1932-03-01", "to": "1932-05-31"})]),
        ("In early 1951 they lost", {}, [("early 1951", {"from": "1951-01", "to": "1951-04"})]),
        ("in late 1952 contained", {}, [("late 1952", {"from": "1952-09", "to": "1952-12"})]),
        (
            "until late fall.",
            {"year": 1932},
            [("until late fall", {"notAfter": "1932-11-30"})],
        ),
        ("until late fall.", {}, [("late fall", {})]),
        (
            "between September 20 and 25, 1930",
            {},
            [("between September 20 and 25, 1930", {"from": "1930-09-20", "to": "1930-09-25"})],
        ),
        ("June 20–25, 1932", {}, [("June 20–25, 1932", {"from": "1932-06-20", "to": "1932-06-25"})]),
        (
            "from 20 to 25 September",
            {"year": 1930},
            [("from 20 to 25 September", {"from": "1930-09-20", "to": "1930-09-25"})],
        ),
        ("on June 5 and 6 they", {"year": 1932}, [("June 5", {"when": "1932-06-05"})]),
        ("September 1930", {}, [("September 1930", {"when": "1930-09"})]),  # 19–30 is no range
        ("from 1933 to 1935 was", {}, [("from 1933 to 1935", {"from": "1933", "to": "1935"})]),
        ("Between 1936 and 1938 some", {}, [("Between 1936 and 1938", {"from": "1936", "to": "1938"})]),
        ("By the mid-1930s Gosplan", {}, [("mid-1930s", {"from": "1934", "to": "1936"})]),
        ("in the late 1920s was", {}, [("late 1920s", {"from": "1927", "to": "1929"})]),
        ("the 1930/31 season", {}, [("1930/31", {"from": "1930", "to": "1931"})]),
        (
            "in early December 1932, elbowing",
            {},
            [("early December 1932", {"from": "1932-12-01", "to": "1932-12-10"})],
        ),
        (
            "by mid-September",
            {"year": 1932},
            [("mid-September", {"from": "1932-09-11", "to": "1932-09-20"})],
        ),
        (
            "by the end of October had",
            {"year": 1950},
            [("end of October", {"from": "1950-10-21", "to": "1950-10-31"})],
        ),
        ("winter 1932", {}, [("winter 1932", {"from": "1932-12-01", "to": "1933-02-28"})]),
        (
            "In the winter of 1932–33 the famine",
            {},
            [("winter of 1932–33", {"from": "1932-12-01", "to": "1933-02-28"})],
        ),
        ("winter 1932/1933", {}, [("winter 1932/1933", {"from": "1932-12-01", "to": "1933-02-28"})]),
        ("the winter 1932–35 campaign", {}, []),  # no one winter: no date rather than a wrong one
        (
            "in the summer, without",
            {"year": 1932},
            [("summer", {"from": "1932-06-01", "to": "1932-08-31"})],
        ),
        ("in 1932, the regime would export", {}, [("1932", {"when": "1932"})]),
        ("Ryutin (b. 1890), an editor", {}, [("1890", {"when": "1890"})]),
        ("the 1931 trade agreement", {}, [("1931", {"when": "1931"})]),
        ("from the 1920s, has her", {}, [("1920s", {"from": "1920", "to": "1929"})]),
        (
            "to build 10,300 planes during 1953–1955 and",
            {},
            [("1953–1955", {"from": "1953", "to": "1955"})],
        ),
        (
            "between 1923 and December 1927.",
            {},
            [("between 1923 and December 1927", {"from": "1923", "to": "1927-12"})],
        ),
        (
            "in October and November 1952 and",
            {"year": 1953},
            [("October", {"when": "1952-10"}), ("November 1952", {"when": "1952-11"})],
        ),
        (
            "In February-July 1932, the commission",
            {},
            [("February", {"when": "1932-02"}), ("July 1932", {"when": "1932-07"})],
        ),
        ("One report to Stalin in August had", {"year": 1932}, [("August", {"when": "1932-08"})]),
        ("in the October Hall of the House of Unions", {"year": 1936}, []),  # a name
        ("On the 8th, the question", {"year": 1932, "month": 6}, [("8th", {"when": "1932-06-08"})]),
        # a letter of September 1: "the 30th" is the 30th nearest it, in August
        (
            "The PB on the 30th adopted",
            {"year": 1930, "month": 9, "day": 1},
            [("30th", {"when": "1930-08-30"})],
        ),
        ("by the 15th", {"year": 1930, "month": 9, "day": 10}, [("15th", {"when": "1930-09-15"})]),
        ("of the 2nd paragraph of your telegram", {"year": 1932, "month": 6}, []),
        ("the remaining days of the 2nd quarter", {"year": 1932, "month": 6}, []),
        ("the commander of the 3rd Japanese flotilla", {"year": 1932, "month": 6}, []),
        # in a letter of December 29, 1934, "January 1" is the coming one
        (
            "on January 1 Yagoda sent the report",
            {"year": 1934, "month": 12, "day": 29},
            [("January 1", {"when": "1935-01-01"})],
        ),
        (
            "by the 20th of October. On the 1st of November 1936 we",
            {"year": 1936, "month": 9, "day": 8},
            [("20th of October", {"when": "1936-10-20"}),
             ("1st of November 1936", {"when": "1936-11-01"})],
        ),
        ("June 9 [1932] text", {}, [("June 9 [1932]", {"when": "1932-06-09", "cert": "medium"})]),
    ],
)
def test_find_dates(text: str, context: dict[str, int], expected: list[tuple[str, dict]]) -> None:
    assert _dates(text, **context) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the basic plan for the countryside, 1,500 million, has not",
        "affecting 20 million souls",
        "By 1929, the Nazis had 3,400 party branches",  # only 1929 is a date
        "the army had been reduced to 2.9 million soldiers",
        "to coincide with the 17th party conference",
        "ration lists (numbers 2 and 3), affecting",
        "a 13.6-kilometer underwater tunnel",
        "1743 t[s ] pairs were shipped",
        "of 1250 people",
        "up to 100 sheep and goats",
        "we may temporarily have to support him",
        "the march of the workers",
        "the spring sowing campaign",  # a season named, not a time
        "Ryutin’s nearly 200-page text",
        "at 1,880,000, Poland 1,772,000",
        "On the 8th, the question",  # no month in context: no guess
        "June 31",
        "F. 558. Op. 11. D. 77. L. 129–130.",
    ],
)
def test_find_dates_leaves_numbers_alone(text: str) -> None:
    assert [d for d, _ in _dates(text) if d != "1929"] == []


def test_context_moves_with_anchoring_dates_not_bare_years() -> None:
    text = "On January 1, 1933, in 1928 terms; on January 7 he spoke."
    assert _dates(text, year=1932)[-1] == ("January 7", {"when": "1933-01-07"})
    text = "down from 40 million in 1929. Finally, on September 17, he"
    assert _dates(text, year=1932)[-1] == ("September 17", {"when": "1932-09-17"})


def test_context_year_carries_between_paragraphs() -> None:
    first = find_dates("In early 1951 they lost Seoul.", year=1950)
    assert context_year(first, 1950) == 1951
    assert context_year(find_dates("By 1953 the army grew."), 1951) == 1951  # a target
    assert context_year(find_dates("down from 40 million in 1929."), 1932) == 1932
    # "In 1937" opening a sentence sets the narrative's year
    text = "Chiang asked for aircraft.3 In 1937 the terror reached the army. On June 11 the"
    assert _dates(text, year=1939) == [("1937", {"when": "1937"}), ("June 11", {"when": "1937-06-11"})]
    assert context_year(find_dates("In 1938, the purge took his staff."), 1937) == 1938


@pytest.mark.parametrize(
    ("text", "dotted", "expected"),
    [
        ("on the same day at 23:00. 12 min.", False, [("23:00", "23:00:00")]),
        (
            "between 2:30 and 8:05 p.m., which",
            False,
            [("2:30", "14:30:00"), ("8:05 p.m.", "20:05:00")],
        ),
        ("Sent 21.25", True, [("21.25", "21:25:00")]),
        ("5.06 million in 1931", False, []),
        # an hour alone with a.m./p.m.; a cipher's dashed time in a dateline
        ("12.VII.33 3 p.m.", True, [("3 p.m.", "15:00:00")]),
        ("at 11 p.m. and at 4 a.m.", False, [("11 p.m.", "23:00:00"), ("4 a.m.", "04:00:00")]),
        ("No. 18. 12/VI 16–25", True, [("16–25", "16:25:00")]),
        ("pages 16–25", False, []),
        ("at 3 o'clock", False, []),
        ("5.06 million", True, [("5.06", "05:06:00")]),  # why dotted is opt-in
        ("at 12:15 a.m.", False, [("12:15 a.m.", "00:15:00")]),
        ("ratio 25:70", False, []),
    ],
)
def test_find_times(text: str, dotted: bool, expected: list[tuple[str, str]]) -> None:
    got = [(text[t.start : t.end], t.when) for t in find_times(text, dotted=dotted)]
    assert got == expected
