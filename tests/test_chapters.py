"""Chapter encoding: markers, headings, line rejoining, quotations, persons and dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SOURCES
from lxml import etree

from tei.encode import encode_sources
from tei.encode.chapters import ChapterDoc, chapter_id, encode_chapter, read_blocks
from tei.encode.headings import is_heading, split_glued_heading
from tei.encode.markers import MarkerSequence, classify
from tei.encode.persons import Register
from tei.encode.quotations import introduces_quotation, list_number, names_writer
from tei.encode.reading import SourceText, read_source
from tei.xmlio import NSMAP

CHAPTERS = FIXTURES / "chapters"


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load(SOURCES / "persons.xml")


# --------------------------------------------------------------------------- markers


def _glued(text: str, expected: int | None) -> list[int]:
    return [m.number for m in MarkerSequence(expected).glued_markers(text, "t")]


@pytest.mark.parametrize(
    ("text", "expected", "markers"),
    [
        # every marker form of the sources
        ("it could do as it pleased in Manchuria.184 Quietly, the Soviets", 184, [184]),
        ("decline in spring 1932.196Voices were being raised.", 196, [196]),
        ("(hating us in their hearts).”190 The pacts", 190, [190]),
        ("signed between enemies.193PRESSURE FOR RETREAT", 193, [193]),
        ("would not succeed until late fall.187Stalin received", 187, [187]),
        ("a heap of dung.”)281 He proposed", 281, [281]),
        ("Estonia 75,000, and Latvia 114,000.350 Absorbing", 350, [350]),
        ("the final collapse.”284", 284, [284]),
        ("you love me a little bit.’”322", 322, [322]),
        # the first marker of a chapter opens the sequence (strong form)
        ("the Qing ancestral homeland.183", None, [183]),
        ("in Manchuria.184 Quietly, and then Tokyo.185 Stalin", None, [184, 185]),
        # a small jump in the strong form is a marker (and a warning)
        ("in Manchuria.186 Quietly", 184, [186]),
        # numbers that are not markers
        ("affecting 20 million souls.", 21, []),
        ("ration lists (numbers 2 and 3), affecting", 2, []),
        ("the famine year of 1932 was", 1932, []),
        ("to coincide with the 17th party conference", 17, []),
        ("By 1929, the Nazis had 3,400 party branches", 400, []),
        ("reduced to 2.9 million soldiers", 9, []),
        ("export just 1.73 million tons", 73, []),
        ("down from 5.06 million in 1931 and 4.76 in 1930", 76, []),
        ("a 13.6-kilometer underwater tunnel", 6, []),
        ("from 37.4 percent in July", 4, []),
        ("between 2:30 and 8:05 p.m.", 30, []),
        ("(47,000 tons), along with food assistance (33,000)", 47, []),
        ("a realistic 13–14 percent per annum", 14, []),
        ("in the Nazis’ 11.7 million.", None, []),  # a decimal never opens a sequence
        # a marker glued to a number where a sentence ends: the point is a full stop
        ("before the end of 1937.4 The pilots flew the I-16.5", None, [4, 5]),
        ("on the afternoon of December 1.22 Two weeks later", 21, [22]),
        # a model's number is no marker, even the expected one
        ("with the BT-7 tanks stationed within range of Tokyo.7 The", 7, [7]),
        ("in Manchuria.999 Quietly", 184, []),  # too far out of sequence
        ("in Manchuria.150 Quietly", 184, []),  # backwards
    ],
)
def test_glued_markers(text: str, expected: int | None, markers: list[int]) -> None:
    assert _glued(text, expected) == markers


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("enemies.193PRESSURE", 193, "sequential"),
        ("Manchuria.184 Quietly", None, "strong"),
        ("2.9 million", 9, None),
        ("17th", 17, None),
    ],
)
def test_classify(text: str, expected: int | None, kind: str | None) -> None:
    start = next(
        i for i, c in enumerate(text) if c.isdigit() and not text[i - 1].isspace() and i > 0
    )
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    assert classify(text, start, end, expected) == kind


def test_sequence_warns_on_gap_and_backward_step() -> None:
    seq = MarkerSequence()
    assert seq.line_marker("96", "x:1") == 96
    assert seq.line_marker("  97 ", "x:2") == 97
    assert seq.line_marker("The 98", "x:3") is None
    assert seq.line_marker("100", "x:4") == 100
    assert seq.line_marker("99", "x:5") == 99
    assert seq.found == [96, 97, 100, 99]
    assert len(seq.warnings) == 2
    assert "100 where 98 was expected (marker 98–99 not found)" in seq.warnings[0]
    assert "goes back" in seq.warnings[1]


def test_out_of_sequence_strong_form_is_reported() -> None:
    seq = MarkerSequence(184)
    assert seq.glued_markers("in Manchuria.999 Quietly", "x:1") == []
    assert "out of sequence" in seq.warnings[0]


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("THE FOUR HORSEMEN", True),
        ("A PERSONAL BLOW", True),
        ("ENEMY WITH A PARTY CARD", True),
        ("THE INVETERATE CONSERVATIVE", True),
        ("RADICAL REALIGNMENTS", True),
        ("96", False),
        ("USSR.", False),
        ("A", False),
        ("Stalin knew.", False),
        ("vozhd", False),
        ("THE STATE IS A VERY LONG SHOUTED SENTENCE THAT GOES ON AND ON WITHOUT END", False),
        # numbers, dashes, commas and abbreviations of a heading
        ("THE 1937 CENSUS", True),
        ("THE 17TH CONGRESS", True),
        ("TERROR—AND TRIUMPH", True),
        ("LENINGRAD, DECEMBER 1934", True),
        ("THE U.S. RECOGNITION", True),
        ("RSFSR 1,250", False),  # a figure of a table
        ("UKRAINE - 5000", False),
    ],
)
def test_is_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


@pytest.mark.parametrize(
    ("line", "split"),
    [
        (
            "signed between enemies.193PRESSURE FOR RETREAT",
            ("signed between enemies.193", "PRESSURE FOR RETREAT", ""),
        ),
        (
            "It was over.”348ENEMY WITH A PARTY CARD",
            ("It was over.”348", "ENEMY WITH A PARTY CARD", ""),
        ),
        ("It was over.A PERSONAL BLOW", ("It was over.", "A PERSONAL BLOW", "")),
        # glued to the first word of the paragraph after, or to both paragraphs
        (
            "THE FIRST OF DECEMBERKirov was shot.",
            ("", "THE FIRST OF DECEMBER", "Kirov was shot."),
        ),
        (
            "in the Kremlin.17THE FIRST OF DECEMBERKirov was shot.",
            ("in the Kremlin.17", "THE FIRST OF DECEMBER", "Kirov was shot."),
        ),
        (
            "was already in the Lubyanka.8THE 1937 CENSUS",
            ("was already in the Lubyanka.8", "THE 1937 CENSUS", ""),
        ),
        ("decline in spring 1932.196Voices were being raised.", None),
        ("the USSR had no alliances.", None),
        ("a clause about the USSR", None),
        ("It was over.USSR", None),  # one glued capital word after a full stop: an acronym
        ("NKVDOfficers came at night.", None),  # one capital word glued at the start: likewise
        ("In the spring of 1934 Kirov returned.", None),
        ("USSR troops crossed the border.", None),
        ("PRESSURE FOR RETREAT", None),  # a whole line is is_heading's business
    ],
)
def test_split_glued_heading(line: str, split: tuple[str, str, str] | None) -> None:
    assert split_glued_heading(line) == split


# --------------------------------------------------------------------------- blocks


def test_read_blocks_rejoins_a_sentence_cut_by_a_lone_word() -> None:
    text = "stole the show. In early November the\nvozhd\ntook notice of a letter.\n110\nNext."
    blocks = read_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "stole the show. In early November the vozhd took notice of a letter."),
        ("marker", "110"),
        ("p", "Next."),
    ]
    start, end = blocks[0].lone_words[0]
    assert blocks[0].text[start:end] == "vozhd"


def test_read_blocks_joins_a_broken_word_keeping_its_hyphen() -> None:
    (block,) = read_blocks("and the\nindus-\ntrialisation of the Five-\nYear Plan.")
    assert block.text == "and the indus-trialisation of the Five-Year Plan."


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Manchuria.\u00b9\u2078\u2074 The", "Manchuria.184 The"),  # superscript markers
        ("\u00b9\u2078\u2074\nThe League", "184\nThe League"),
        ("an area of 20 km\u00b2", "an area of 20 km\u00b2"),  # a unit's power stays
        ("o\ufb03cials \ufb01ve", "officials five"),  # ligatures
        ("indus\u00ad\ntrialization, and Ordzho\u00adnikidze",
         "industrialization\n, and Ordzhonikidze"),  # soft hyphens; the lines stay
    ],
)
def test_pdf_typography_is_normalised(raw: str, plain: str) -> None:
    from tei.encode.reading import normalise_typography

    assert normalise_typography(raw) == plain


def test_superscript_markers_are_markers(tmp_path: Path, register: Register) -> None:
    from tei.encode.reading import read_source

    path = tmp_path / "x.txt"
    path.write_text("The army seized Manchuria.\u00b9\u2078\u2074 The League protested."
                    "\u00b9\u2078\u2075\n\u00b9\u2078\u2076\nNothing.\n", encoding="utf-8")
    assert encode_chapter(read_source(path), register, None).markers == [184, 185, 186]


def test_read_blocks_joins_a_possessive_without_space() -> None:
    (block,) = read_blocks("copious evidence of the\nvozhd\n’s passion for projects.")
    assert block.text == "copious evidence of the vozhd’s passion for projects."


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("One.\nTwo.", ["p", "p"]),  # paragraphs as in the source
        ("One\n\nTwo.", ["p", "p"]),  # a blank line ends a paragraph even mid-sentence
        ("Ends with a marker.12\nNew one.", ["p", "p"]),
        ("It said:\n1. First.\n2. Second.\n3. Third.", ["p", "item", "item", "item"]),
        ("It said:\n2. Not a list start.", ["p", "p"]),
        ("Text.\nTHE HEADING\nMore.", ["p", "head", "p"]),
        ("enemies.193PRESSURE FOR RETREAT\nA report.", ["p", "head", "p"]),
        ("A last line without an end", ["p"]),
        # a line starting in lower case goes on with the sentence, however the last ended
        ("as Voroshilov reported;\nand Molotov agreed.", ["p"]),
        ("loans of 250 million U.S.\ndollars.", ["p"]),
        ("less than 0.2\nmillion tons.", ["p"]),
        # capitals inside a sentence are text: a slogan, an acronym that lost its styling
        ("the banners read:\nLONG LIVE STALIN!\nand the papers printed it.", ["p"]),
        ("heard by an\nOGPU\ntroika at night.", ["p"]),
        ("Stalin announced:\nWE HAVE ENTERED SOCIALISM!\nThe hall rose.", ["p", "p", "p"]),
        # a wrapped list item goes on in its continuation line
        ("It said:\n1. the first, heard\nby a troika;\n2. the second.", ["p", "item", "item"]),
        # a line in capitals printed again and again is the running head
        ("One.\nSTALIN\nTwo.\nSTALIN\nThree.", ["p", "fw", "p", "fw", "p"]),
        # a page's header line: its number and running head
        ("One.\n214 STALIN\nTwo.", ["p", "page", "fw", "p"]),
        ("One.\nWAITING FOR HITLER 215\nTwo.", ["p", "fw", "page", "p"]),
        ("One.\n7 THE GREAT BREAK\nTwo.", ["p", "head", "p"]),  # a chapter's number
        ("One.\nCHAPTER 12\nTwo.", ["p", "head", "p"]),
        ("One.\nLENINGRAD, DECEMBER 1934\nTwo.", ["p", "head", "p"]),
    ],
)
def test_read_blocks_kinds(text: str, kinds: list[str]) -> None:
    assert [b.kind for b in read_blocks(text)] == kinds


# --------------------------------------------------------------------------- quotations


@pytest.mark.parametrize(
    ("paragraph", "introduces"),
    [
        ("A veterinarian called for incentives. Kholodov wrote:", True),
        ("She took notice of a letter from V. F. Deikina. She wrote:", True),
        ("Stalin declared to the plenum:", True),
        ("The agenda was as follows: grain, meat.", False),
        ("Among the reasons were these:", False),  # no one writes or speaks
        ("Kholodov wrote a letter.", False),
    ],
)
def test_introduces_quotation(paragraph: str, introduces: bool) -> None:
    assert introduces_quotation(paragraph) is introduces


@pytest.mark.parametrize(
    ("sentence", "has_person", "cit"),
    [
        ("Kholodov wrote:", True, True),
        ("She wrote:", False, True),
        ("The letter read:", False, False),
    ],
)
def test_names_writer(sentence: str, has_person: bool, cit: bool) -> None:
    assert names_writer(sentence, has_person) is cit


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("1. You have to stand in line.", 1),
        ("11. There is no form of animal fat", 11),
        ("3) Third point", 3),
        ("1932. A year", None),
        ("2.9 million", None),
        ("Text", None),
    ],
)
def test_list_number(line: str, number: int | None) -> None:
    assert list_number(line) == number


# --------------------------------------------------------------------------- documents


def _encode(name: str, register: Register, metadata: dict | None = None):
    source = read_source(CHAPTERS / name)
    return encode_chapter(source, register, metadata)


def _encode_text(register: Register, *lines: str) -> ChapterDoc:
    """A crafted chapter, given as its lines (each ending in a newline)."""
    return encode_chapter(SourceText(Path("x.txt"), "".join(lines)), register, None)


def test_crafted_chapter(register: Register) -> None:
    doc = _encode("quoted.txt", register, {"context_year": 1931, "foreign": {"vozhd": "ru-Latn"}})
    root = doc.root
    assert doc.markers == [12, 13, 14, 15, 17, 18]
    assert any("17 where 16 was expected" in w for w in doc.warnings)
    assert doc.headings == ["A PERSONAL BLOW"]
    divs = root.findall(".//tei:body/tei:div", NSMAP)
    assert [d.get("type") for d in divs] == ["section", "section"]
    assert divs[1].findtext("tei:head", namespaces=NSMAP) == "A PERSONAL BLOW"
    # The quotation: cit (the writer is named), two paragraphs and a list, closed by marker 14.
    (cit,) = root.findall(".//tei:cit", NSMAP)
    quote = cit.find("tei:quote", NSMAP)
    assert [etree.QName(c).localname for c in quote] == ["p", "p", "list"]
    items = quote.findall("tei:list[@type='ordered']/tei:item", NSMAP)
    assert [i.get("n") for i in items] == ["1", "2"]
    assert items[-1].find("tei:note", NSMAP).get("n") == "14"
    # After the quotation: the rejoined sentence with the foreign word and its dates.
    after = cit.getnext()
    assert after.tag.endswith("p")
    assert "".join(after.itertext()).startswith("In early November the vozhd took notice")
    assert (
        after.find("tei:foreign", NSMAP).get("{http://www.w3.org/XML/1998/namespace}lang")
        == "ru-Latn"
    )
    dates = {d.text: dict(d.attrib) for d in after.iterfind("tei:date", NSMAP)}
    assert dates == {
        "early November": {"from": "1932-11-01", "to": "1932-11-10"},  # year of "spring 1932"
        "March 9": {"when": "1932-03-09"},
    }
    names = [(p.text, p.get("ref")) for p in root.iterfind(".//tei:persName", NSMAP)]
    assert ("N. I. Kholodov", "persons.xml#kholodov") in names
    assert ("Molotov", "persons.xml#molotov") in names


def test_no_metadata_header_says_so_and_lone_word_stays_plain(register: Register) -> None:
    doc = _encode("quoted.txt", register, None)
    bibl = doc.root.find(".//tei:sourceDesc/tei:bibl", NSMAP)
    assert "No metadata for quoted.txt" in bibl.text
    assert doc.root.findtext(".//tei:titleStmt/tei:title", namespaces=NSMAP) == (
        "Chapter excerpt from quoted.txt"
    )
    assert doc.root.find(".//tei:foreign", NSMAP) is None


@pytest.mark.parametrize(
    ("metadata", "when"),
    [(None, None), ({"context_year": 1932}, "1932-03-09")],
)
def test_year_less_date_before_any_year(
    register: Register, metadata: dict | None, when: str | None
) -> None:
    source = SourceText(Path("x.txt"), "On March 9, Stalin spoke.\n")
    doc = encode_chapter(source, register, metadata)
    date = doc.root.find(".//tei:date", NSMAP)
    # Without a year to take, the date is tagged but not given a made-up one.
    assert (date.text, date.get("when")) == ("March 9", when)


def test_chapter_without_markers(register: Register) -> None:
    doc = _encode("unmarked.txt", register)
    assert doc.markers == [] and doc.warnings == []
    assert doc.root.find(".//tei:date", NSMAP).get("when") == "1932"


def test_heading_glued_to_the_paragraph_after(register: Register) -> None:
    """A chapter the encoder was not written against: "THE FIRST OF DECEMBERKirov was shot"
    (the heading glued to the first word after it), a quotation with a list, bounded dates."""
    doc = _encode("glued-heading.txt", register)
    assert doc.warnings == [] and doc.markers == list(range(12, 19))
    assert doc.headings == ["THE FIRST OF DECEMBER"]
    (second,) = doc.root.findall(".//tei:body/tei:div[tei:head]", NSMAP)
    first_p = second.find("tei:p", NSMAP)
    assert "".join(first_p.itertext()).startswith("Kirov was shot in the Smolny")
    assert first_p.find("tei:persName", NSMAP).get("ref") == "persons.xml#kirov"
    items = doc.root.findall(".//tei:cit/tei:quote/tei:list/tei:item", NSMAP)
    assert [item.get("n") for item in items] == ["1", "2"]
    spans = {d.text: (d.get("from"), d.get("to")) for d in doc.root.iterfind(".//tei:date", NSMAP)}
    assert spans["spring of 1934"] == ("1934-03-01", "1934-05-31")
    assert spans["late December"] == ("1934-12-21", "1934-12-31")


def test_quotation_introduced_after_an_endnote_marker(register: Register) -> None:
    """"…with interest.41 Molotov wrote:" introduces a quotation (the marker is glued to the
    sentence before); "the winter of 1932–33" is one winter; a marker glued to the next
    sentence ("Ukraine.43In May") is found."""
    doc = _encode("quote-after-marker.txt", register)
    assert doc.warnings == [] and doc.markers == [41, 42, 43, 44, 45]
    (cit,) = doc.root.findall(".//tei:cit", NSMAP)
    quoted = "".join(cit.itertext())
    assert quoted.startswith("The harvest has been gathered")
    assert cit.find(".//tei:note", NSMAP).get("n") == "42"
    winter = doc.root.find(".//tei:date[@from='1932-12-01']", NSMAP)
    assert winter is not None and winter.text == "winter of 1932–33"
    assert doc.headings == ["HUNGER AND TERROR"]


def test_quotation_in_quotation_marks_ends_with_them(register: Register) -> None:
    doc = _encode_text(register,
        "At the supper Stalin raised his glass. He said:\n"
        "“I know how much the German nation loves its Führer.”\n"
        "Ribbentrop later recalled that he felt at home.\n"
        "The next day Pravda printed the text.3\n")
    (cit,) = doc.root.findall(".//tei:cit", NSMAP)
    assert "".join(cit.itertext()) == "“I know how much the German nation loves its Führer.”"
    assert len(doc.root.findall(".//tei:div/tei:p", NSMAP)) == 3


def test_soviet_dates_in_a_chapter(register: Register) -> None:
    source = SourceText(Path("x.txt"), "He was fired on 1.II.1932 and shot on 25.X.1937.\n")
    dates = encode_chapter(source, register, None).root.findall(".//tei:date", NSMAP)
    assert [(d.text, d.get("when")) for d in dates] == [
        ("1.II.1932", "1932-02-01"), ("25.X.1937", "1937-10-25")]


def test_page_numbers_the_extraction_left(register: Register) -> None:
    """A number line inside a sentence, or one the markers after it go on below, is the
    source's page number: a pb, never an endnote marker."""
    doc = _encode_text(register,
        "Kirov was shot in the Smolny.212\n"
        "214\n"
        "The decree was published on December 4.213 Zinoviev was arrested.214\n"
        "Stalin had that name removed from the\n"
        "216\n"
        "memoirs of his comrades.215\n")
    assert doc.markers == [212, 213, 214, 215]
    assert [pb.get("n") for pb in doc.root.iter(f"{{{NSMAP['tei']}}}pb")] == ["214", "216"]
    last = doc.root.findall(".//tei:p", NSMAP)[-1]
    assert "".join(last.itertext()) == "Stalin had that name removed from the  memoirs of his comrades."
    assert any("«214» is taken for a page number" in w for w in doc.warnings)


def test_a_page_number_far_from_the_sequence_and_its_running_head(register: Register) -> None:
    doc = _encode_text(register,
        "The two armies met at Brest-Litovsk.\n"
        "7\n"
        "143\n"
        "In the new territories the NKVD arrested officers.\n"
        "8\n"
        "144\n"
        "STALIN\n"
        "THE WINTER WAR\n"
        "The war began on 30 November 1939.9\n")
    assert doc.markers == [7, 8, 9]
    assert [pb.get("n") for pb in doc.root.iter(f"{{{NSMAP['tei']}}}pb")] == ["143", "144"]
    assert [fw.text for fw in doc.root.iter(f"{{{NSMAP['tei']}}}fw")] == ["STALIN"]
    assert doc.headings == ["THE WINTER WAR"]


def test_quotation_closed_by_the_marker_after_its_last_item(register: Register) -> None:
    doc = _encode_text(register,
        "A worker complained to Ordzhonikidze in 1932. He wrote:\n"
        "Dear Comrade, we are living like dogs:\n"
        "1. The bread we get is half bran.\n"
        "2. Wages are paid two or three months late.75\n"
        "Ordzhonikidze forwarded the letter.76 Nothing was done.\n")
    (cit,) = doc.root.findall(".//tei:cit", NSMAP)
    assert [n.get("n") for n in cit.iter(f"{{{NSMAP['tei']}}}note")] == ["75"]
    after = cit.getnext()
    assert after.tag == f"{{{NSMAP['tei']}}}p" and "".join(after.itertext()).startswith(
        "Ordzhonikidze forwarded")


def test_lossless_failure_is_raised(register: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    from tei.encode import chapters
    from tei.encode.lossless import LosslessError

    original = chapters.read_blocks
    monkeypatch.setattr(chapters, "read_blocks", lambda text: original(text)[:-1])
    with pytest.raises(LosslessError, match="quoted.txt"):
        _encode("quoted.txt", register)


@pytest.mark.parametrize(
    ("name", "doc_id"),
    [
        ("000_6bd11cb132586d61.txt", "ch-000"),  # a sequence number names the source
        ("chapter one.txt", "ch-chapter-one"),
        ("chapter_unknown_a.txt", "ch-chapter-unknown-a"),  # a word does not: the whole name
        ("chapter_unknown_b.txt", "ch-chapter-unknown-b"),
        ("___.txt", "ch-chapter"),
    ],
)
def test_chapter_id(name: str, doc_id: str) -> None:
    assert chapter_id(SourceText(Path(name), "x")) == doc_id


def test_two_chapters_whose_names_share_a_word_get_two_ids(tmp_path: Path) -> None:
    text = (SOURCES / "000_6bd11cb132586d61.txt").read_text()
    for name in ("chapter_a.txt", "chapter_b.txt"):
        (tmp_path / name).write_text(text)
    result = encode_sources([tmp_path / "chapter_a.txt", tmp_path / "chapter_b.txt"],
                            tmp_path / "out", kind="chapter")
    assert sorted(p.name for p in result.documents) == ["ch-chapter-a.xml", "ch-chapter-b.xml"]
