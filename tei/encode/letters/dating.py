"""A letter's date as an id part ("1932-06-04") and in words ("4 June 1932")."""

from __future__ import annotations

import re

from lxml import etree

from tei.encode.dates import MONTHS, DateValue, find_datelines
from tei.encode.letters.headers import Header

MONTH_NAMES = list(MONTHS)


def date_key(value: DateValue | None) -> str:
    if value is None:
        return "undated"
    return (value.when or value.not_after or value.not_before or value.from_ or "undated").lstrip(
        "-"
    )


def human_date(value: DateValue | None) -> str:
    if value is None:
        return "undated"

    def spell(iso: str) -> str:
        parts = iso.lstrip("-").split("-")
        if iso.startswith("--"):
            return f"{int(parts[1])} {MONTH_NAMES[int(parts[0]) - 1]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        return parts[0]

    if value.when:
        return spell(value.when) + (" (date supplied)" if value.cert else "")
    if value.not_before and value.not_after:
        return f"between {spell(value.not_before)} and {spell(value.not_after)}"
    if value.not_after:
        return f"not after {spell(value.not_after)}"
    if value.not_before:
        return f"not before {spell(value.not_before)}"
    return "undated"


def year_month(value: DateValue | None) -> tuple[int | None, int | None]:
    key = date_key(value)
    match = re.match(r"(\d{4})(?:-(\d{2}))?", key)
    if not match:
        return None, None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def letter_date(
    header: Header | None, div: etree._Element, year: int | None
) -> tuple[DateValue | None, str | None]:
    """The date the letter was sent and its words as printed: the header's, else the first
    dateline's."""
    if header is not None:
        return header.date, header.text[header.date_start : header.date_end]
    for dateline in div.iter("{*}dateline"):
        printed = "".join(dateline.itertext())
        for found in find_datelines(printed, year=year):
            return found.value, printed[found.start : found.end]
    return None, None
