"""The editors' brackets in letter headers ("[earlier June 12, 1932]", "[c. August 25], 1934",
"[June 12, 1932?]") and the century of a Soviet dateline's two-digit year."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei.encode.dates import (
    ABOUT,
    HEADER_WORDS,
    NOT_AFTER,
    NOT_BEFORE,
    UNCERTAIN,
    DateValue,
    expand_two_digit_year,
    find_datelines,
    find_header_date,
    parse_dateline,
)

LOW = UNCERTAIN

# (header, the date as printed in it, its value)
BRACKETS = [
    # bounds: written by then (@notAfter) or from then on (@notBefore)
    ("Stalin to Kaganovich [earlier June 12, 1932]", "[earlier June 12, 1932]",
     DateValue(not_after="1932-06-12")),
    ("Stalin to Kaganovich [previously August 12, 1934]", "[previously August 12, 1934]",
     DateValue(not_after="1934-08-12")),
    ("Kaganovich to Stalin [not earlier than August 14, 1934]",
     "[not earlier than August 14, 1934]", DateValue(not_before="1934-08-14")),
    ("Stalin to Molotov [not later than August 20, 1934]", "[not later than August 20, 1934]",
     DateValue(not_after="1934-08-20")),
    ("Kaganovich to Stalin [before August 22, 1934]", "[before August 22, 1934]",
     DateValue(not_after="1934-08-22")),
    ("Stalin to Kaganovich [after June 21, 1932]", "[after June 21, 1932]",
     DateValue(not_before="1932-06-21")),
    ("X to Y [Previously  12 June 1932]", "[Previously  12 June 1932]",
     DateValue(not_after="1932-06-12")),  # any case, any space, day first
    # about then: the date, uncertain
    ("Kaganovich, Zhdanov to Stalin [c. August 25, 1934]", "[c. August 25, 1934]",
     DateValue(when="1934-08-25", cert=LOW)),
    ("X to Y [ca. August 25, 1934]", "[ca. August 25, 1934]",
     DateValue(when="1934-08-25", cert=LOW)),
    ("X to Y [circa August 25, 1934]", "[circa August 25, 1934]",
     DateValue(when="1934-08-25", cert=LOW)),
    ("X to Y [c.August 25, 1934]", "[c.August 25, 1934]", DateValue(when="1934-08-25", cert=LOW)),
    ("Stalin to Kaganovich [August 27, 1934?]", "[August 27, 1934?]",
     DateValue(when="1934-08-27", cert=LOW)),
    ("X to Y [27 August 1934 ?]", "[27 August 1934 ?]", DateValue(when="1934-08-27", cert=LOW)),
    # a bound the editors doubt keeps its doubt
    ("X to Y [before August 22, 1934?]", "[before August 22, 1934?]",
     DateValue(not_after="1934-08-22", cert=LOW)),
    # the year outside the brackets: the editors supplied the day
    ("X to Y [August 25], 1934", "[August 25], 1934", DateValue(when="1934-08-25", cert="medium")),
    ("X to Y [c. August 25], 1934", "[c. August 25], 1934", DateValue(when="1934-08-25", cert=LOW)),
    ("X to Y [August 25?] 1934", "[August 25?] 1934", DateValue(when="1934-08-25", cert=LOW)),
    ("X to Y [previously August 25], 1934", "[previously August 25], 1934",
     DateValue(not_after="1934-08-25")),
    # the forms of running text in the brackets
    ("X to Y [c. September 1930]", "[c. September 1930]", DateValue(when="1930-09", cert=LOW)),
    ("X to Y [September 1930?]", "[September 1930?]", DateValue(when="1930-09", cert=LOW)),
    ("X to Y [previously September 1930]", "[previously September 1930]",
     DateValue(not_after="1930-09")),
    ("X to Y [c. end of July 1934]", "[c. end of July 1934]",
     DateValue(not_before="1934-07-21", not_after="1934-07-31", cert=LOW)),
    # unchanged: supplied, printed
    ("X to Y [June 10, 1932]", "[June 10, 1932]", DateValue(when="1932-06-10", cert="medium")),
    ("X to Y June 9 [1932]", "June 9 [1932]", DateValue(when="1932-06-09", cert="medium")),
]


@pytest.mark.parametrize(("text", "printed", "expected"), BRACKETS)
def test_bracket_words(text: str, printed: str, expected: DateValue) -> None:
    found = find_header_date(text)
    assert found is not None
    assert (text[found.start : found.end], found.value) == (printed, expected)


@pytest.mark.parametrize(
    "text",
    [
        "X to Y [after early June 1932]",  # a bound of a span: which end?
        "X to Y [previously early June 1932]",
        "X to Y [c. 1934]",  # a year alone is no header date, bracketed or not
        "X to Y [c. August 29]",  # nor is a bracketed day without its year
        "X to Y [June 31, 1932?]",  # no such day
    ],
)
def test_bracket_words_without_a_date(text: str) -> None:
    assert find_header_date(text) is None


@pytest.mark.parametrize("text", ["X to Y [cx. June 12, 1932]", "X to Y [bypass June 12, 1932]"])
def test_unknown_words_are_no_header_date(text: str) -> None:
    """Words not in the table leave the bracket unread: the header does not end in a date."""
    found = find_header_date(text)
    assert found is not None and text[found.end :] == "]"


_BY_KIND = {
    NOT_AFTER: DateValue(not_after="1932-06-12"),
    NOT_BEFORE: DateValue(not_before="1932-06-12"),
    ABOUT: DateValue(when="1932-06-12", cert=LOW),
}


@pytest.mark.parametrize(("word", "kind"), sorted(HEADER_WORDS.items()))
def test_every_header_word_is_read(word: str, kind: str) -> None:
    """Each entry of the table, in both places the brackets are read (a new entry is tested)."""
    for text in (f"X to Y [{word} June 12, 1932]", f"X to Y [{word} 12 June 1932]"):
        found = find_header_date(text)
        assert found is not None and found.value == _BY_KIND[kind], text
        assert text[found.start :] == text[text.index("[") :]
    month = find_header_date(f"X to Y [{word} June 1932]")
    assert month is not None and month.value == replace_when(_BY_KIND[kind], "1932-06")


def replace_when(value: DateValue, new: str) -> DateValue:
    return DateValue(
        when=new if value.when else None,
        not_after=new if value.not_after else None,
        not_before=new if value.not_before else None,
        cert=value.cert,
    )


# (dateline, the year of the letter or its context, the date)
TWO_DIGIT_YEARS = [
    ("3/III 38", 1838, "1838-03-03"),
    ("19/III.38 Moscow", 1838, "1838-03-19"),
    ("2/IV 38", 1838, "1838-04-02"),
    ("3/III 38", 1932, "1938-03-03"),
    ("29/VI 32", 1932, "1932-06-29"),
    ("5/VI.32", 1991, "1932-06-05"),  # the century of the context, not the nearest year
    ("5/VI.45", 1932, "1945-06-05"),
    # the turn of a century: the nearer side of it
    ("2/I 00", 1899, "1900-01-02"),
    ("31/XII 99", 1900, "1899-12-31"),
    ("2/I 00", 1900, "1900-01-02"),
    ("29/II 00", 1899, None),  # 1900 was no leap year
    # no year known: the 1900s
    ("3/III 38", None, "1938-03-03"),
    ("3/III 1838", 1932, "1838-03-03"),  # four digits are what they say
]


@pytest.mark.parametrize(("text", "year", "when"), TWO_DIGIT_YEARS)
def test_two_digit_year_in_the_century_of_the_letter(
    text: str, year: int | None, when: str | None
) -> None:
    assert parse_dateline(text, year=year) == (DateValue(when=when) if when else None)
    found = find_datelines(text, year=year)
    assert [d.anchor_year for d in found] == ([int(when[:4])] if when else [])


def test_two_digit_year_in_running_text_and_the_century_given() -> None:
    (found,) = find_datelines("your letter of 26/II.38 says", year=1838, in_text=True)
    assert found.value == DateValue(when="1838-02-26")
    assert parse_dateline("29/VI 32", century=1800) == DateValue(when="1832-06-29")
    assert expand_two_digit_year(5, 1895) == 1905  # within ten years across the turn
    assert expand_two_digit_year(6, 1895) == 1806


LETTERS_1838 = """Zvyagintsev and Obolyaninov. Letters. 1838

Zvyagintsev to Obolyaninov March 3, 1838

Archive: RGIA F. 1088. Op. 1. D. 211. L. 14. Autograph.
Dear Alexei Ivanovich!

Your letter from Tula I received only yesterday. Fomin writes that the peasants of Sergievskoye again refuse the quitrent.

Your devoted N. Zvyagintsev.

3/III 38


Obolyaninov to Zvyagintsev [c. March 19, 1838]

Archive: RGIA F. 1088. Op. 1. D. 212. L. 2. Autograph.
Dear friend Nikolai Pavlovich!

I was in Kashira and in Sergievskoye. Fomin is an honest man, but weak.

Yours A. Obolyaninov.

19/III.38 Moscow


Zvyagintsev to Obolyaninov [previously April 2, 1838]

Archive: RGIA F. 1088. Op. 1. D. 211. L. 20. Autograph.
Alexei Ivanovich!

You did everything right, and I thank you. Lukyanov should be sent away from the estate.

N. Z.

2/IV 38
"""

TEI = "{http://www.tei-c.org/ns/1.0}"


def test_a_correspondence_of_1838(tmp_path: Path) -> None:
    """Encoded: datelines in 1838, not 1938; the header brackets as the editors wrote them;
    every document valid (encode checks it)."""
    from tei.encode import encode_sources

    source = tmp_path / "1838.txt"
    source.write_text(LETTERS_1838, encoding="utf-8")
    result = encode_sources([source], tmp_path / "out")
    assert result.letters == 3 and result.schema_checked == len(result.documents)
    sent, datelines = [], []
    for path in sorted((tmp_path / "out" / "letters").glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        action = root.find(f".//{TEI}correspAction[@type='sent']/{TEI}date")
        assert action is not None
        sent.append(dict(action.attrib))
        datelines += [
            date.get("when") for line in root.iter(f"{TEI}dateline") for date in line.iter(f"{TEI}date")
        ]
    assert sorted(datelines) == ["1838-03-03", "1838-03-19", "1838-04-02"]
    assert sorted(sorted(attributes.items()) for attributes in sent) == [
        [("cert", "low"), ("when", "1838-03-19")],
        [("notAfter", "1838-04-02")],
        [("when", "1838-03-03")],
    ]
