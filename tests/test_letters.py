"""The letters encoder: recognisers (table-driven) and the whole correspondence end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SOURCES
from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.inline import Span, fill
from tei.encode.letters import (
    closer_kind,
    is_address,
    is_salutation,
    list_item,
    parse_archive,
    parse_header,
)
from tei.encode.lossless import LosslessError, check, words
from tei.encode.persons import Register
from tei.encode.teidoc import E
from tei.xmlio import NSMAP, parse_file

NS = {"t": "http://www.tei-c.org/ns/1.0"}
LETTERS_SOURCE = SOURCES / "003_171032f87d76c798.txt"


@pytest.fixture(scope="module")
def letters_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The correspondence alone, encoded."""
    from tei.encode import encode_sources

    out = tmp_path_factory.mktemp("letters") / "tei"
    encode_sources([LETTERS_SOURCE], out)
    return out


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load(SOURCES / "persons.xml")


# --- headers: every form in the source ----------------------------------------------------------

HEADERS = [
    ("Kaganovich to Stalin June 2 1932", ["kaganovich"], ["stalin"], {"when": "1932-06-02"}),
    ("Stalin to Kaganovich June 4, 1932", ["stalin"], ["kaganovich"], {"when": "1932-06-04"}),
    ("Kaganovich to Stalin June 6   1932", ["kaganovich"], ["stalin"], {"when": "1932-06-06"}),
    (
        "Stalin to the members of the Politburo June 4, 1932",
        ["stalin"],
        ["politburo"],
        {"when": "1932-06-04"},
    ),
    (
        "Molotov, Kaganovich, Voroshilov, Ordzhonikidze to Stalin on June 4, 1932",
        ["molotov", "kaganovich", "voroshilov", "ordzhonikidze"],
        ["stalin"],
        {"when": "1932-06-04"},
    ),
    (
        "Stalin - Molotov, Kaganovich June 12, 1932",
        ["stalin"],
        ["molotov", "kaganovich"],
        {"when": "1932-06-12"},
    ),
    (
        "Kaganovich to Stalin June 9 [1932]",
        ["kaganovich"],
        ["stalin"],
        {"when": "1932-06-09", "cert": "medium"},
    ),
    (
        "Molotov, Voroshilov, Kaganovich to Stalin [June 10, 1932]",
        ["molotov", "voroshilov", "kaganovich"],
        ["stalin"],
        {"when": "1932-06-10", "cert": "medium"},
    ),
    (
        "Stalin to Kaganovich [earlier June 12, 1932]",
        ["stalin"],
        ["kaganovich"],
        {"notAfter": "1932-06-12"},
    ),
    (
        "Stalin to Kaganovich [after June 21, 1932]",
        ["stalin"],
        ["kaganovich"],
        {"notBefore": "1932-06-21"},
    ),
    (
        "Stalin to Kaganovich, Postyshev, Ordzhonikidze June 20, 1932",
        ["stalin"],
        ["kaganovich", "postyshev", "ordzhonikidze"],
        {"when": "1932-06-20"},
    ),
    # a correspondent the register lacks: the header still stands (the name is reported)
    ("Tukhachevsky to Stalin August 4, 1933", [], ["stalin"], {"when": "1933-08-04"}),
    ("Stalin to Tukhachevsky August 4, 1933", ["stalin"], [], {"when": "1933-08-04"}),
    # a note's marker after the date
    ("Stalin to Kaganovich July 6, 1933 1 .", ["stalin"], ["kaganovich"], {"when": "1933-07-06"}),
    ("Mikoyan to Stalin [August 28, 1936] 2", ["mikoyan"], ["stalin"], {"when": "1936-08-28", "cert": "medium"}),
    # initials of another transliteration (Iosif, not Joseph)
    ("Molotov to I. V. Stalin December 6, 1934", ["molotov"], ["stalin"], {"when": "1934-12-06"}),
]


@pytest.mark.parametrize(("line", "senders", "recipients", "date"), HEADERS)
def test_header_forms(
    register: Register, line: str, senders: list[str], recipients: list[str], date: dict[str, str]
) -> None:
    header = parse_header(line, register)
    assert header is not None
    assert [c.match.entry_id for c in header.senders if c.match] == senders
    assert [c.match.entry_id for c in header.recipients if c.match] == recipients
    assert header.date.attrib() == date


@pytest.mark.parametrize(
    "line",
    [
        "On June 1, 1932, the Politburo decided to grant Stalin a month and a half leave .",
        "Stalin and Kaganovich. Correspondence. 1931–1936",
        "1932 June",
        "Sochi, Comrade Stalin.",
        "Please let us know your opinion 1 . No. 28/1171/sh.",
        # words that are no names beside a known one
        "Molotov wrote to Stalin June 5, 1932",
        "The letter to Stalin June 5, 1932",
    ],
)
def test_not_headers(register: Register, line: str) -> None:
    assert parse_header(line, register) is None


# --- archive lines ---------------------------------------------------------------------------------

ARCHIVES = [
    (
        "Archive: RGASPI F. 81. Op. 3. D. 99. L. 78–79. Autograph.",
        "RGASPI",
        ("F. 81. Op. 3. D. 99. L. 78–79",),
        "autograph",
    ),
    (
        "Archive: RGASPI F. 558. Op. 11. D. 77. L. 136. Certified typewritten copy.",
        "RGASPI",
        ("F. 558. Op. 11. D. 77. L. 136",),
        "certifiedCopy",
    ),
    (
        "Archive: RGASPI F. 558. Op. 11. D. 77. L. 135. Original. Typescript.",
        "RGASPI",
        ("F. 558. Op. 11. D. 77. L. 135",),
        "typescript",
    ),
    (
        "Archive: RGASPI F. 558 Op. 11. D. 740. L. 64–68. Autograph; RGASPI F. 81. Op. 3. D. 120. L. 43–44. Handwritten text with Kaganovich's notes.",
        "RGASPI",
        ("F. 558 Op. 11. D. 740. L. 64–68", "F. 81. Op. 3. D. 120. L. 43–44"),
        "autograph",
    ),
    (
        "Archive: RGASPI, F. 558. Op. 11. D. 77. L. 76. Original. Typescript.",
        "RGASPI",
        ("F. 558. Op. 11. D. 77. L. 76",),
        "typescript",
    ),
    ("Archive: RGASPI Personal archive of M.L. Kaganovich.", "RGASPI", (), None),
]


@pytest.mark.parametrize(("line", "repository", "references", "form"), ARCHIVES)
def test_archive_lines(
    line: str, repository: str, references: tuple[str, ...], form: str | None
) -> None:
    archive = parse_archive(line)
    assert archive is not None
    assert (archive.repository, archive.references, archive.form) == (repository, references, form)


# --- opener, closer, lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "salute", "address"),
    [
        ("Hello, Comrade Kaganovich!", True, False),
        ("Tov. Stalin.", True, False),
        ("Hello Comrade Stalin.", True, False),
        ("Moscow. Central Committee of the CPSU. Poskrebyshev. For Kaganovich 1 .", False, True),
        ("For Kaganovich and other members of the PB.", False, True),
        ("Kaganovich, Molotov.", False, True),
        ("Sochi, Comrade Stalin.", False, True),
        # a name called out
        ("Klim!", True, False),
        ("Kliment Efremovich!", True, False),
        ("Vyacheslav, Lazar!", True, False),
        ("Stop it!", False, False),
        ("Your letter of 2/VI received.", False, False),
        (
            "We outline the following distribution of tractors arriving for harvesting.",
            False,
            False,
        ),
    ],
)
def test_opener_lines(register: Register, text: str, salute: bool, address: bool) -> None:
    # The opener tries the salutation first: a salutation names a person too.
    assert is_salutation(text) is salute
    if not salute:
        assert is_address(text, register) is address


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Stalin.", "signed"),
        ("Greetings! I. Stalin.", "signed"),
        ("I shake my hand tightly. Your L. Kaganovich.", "signed"),
        ("Kaganovich, Molotov, Yakovlev.", "signed"),
        ("29/VI 32", "dateline"),
        ("1/VII. 32 year 1", "dateline"),
        ("25. VI. 32", "dateline"),
        ("12/V1", "dateline"),
        ("No. 3/949/sh.", "number"),
        ("#8", "number"),
        ("HP 6.", "number"),
        ("21.25", "time"),
        ("16–25 2", "time"),
        ("13/VI - 32 Kaganovich.", "signed+dateline"),
        ("I. Stalin. 18/VI.32", "signed+dateline"),
        ("Today there was a PB, but I will write additionally tomorrow.", None),
        # the place a dateline was written at; a written-out date as a dateline
        ("Sochi, 7.VIII.33", "dateline"),
        ("Moscow, August 3, 1933.", "dateline"),
        ("In Moscow on August 3, 1933 we met.", None),
        ("Kislovodsk. 3.VII.34", "dateline"),
        ("9/VII.34 Leningrad", "dateline"),
        ("29/VI 32 Stalin", "signed+dateline"),  # a person of the register is no place
        # a signature of initials only; "P.S." and "N.B." are no one's
        ("V. M.", "signed"),
        ("12.VII.33 3 p.m.", "dateline"),  # a time of day after the date
        ("16/VIII.36 New York 1", "dateline"),  # a place and a note's marker
        ("K.V.", "signed"),
        ("N.B.", None),
        # "Your X.": signed, whether the register knows the name or not
        ("Your Lazar.", "signed"),
        ("Yours, Anastas.", "signed"),
        ("Your letter received.", None),
        # a name that the words before it govern is no signer; a postscript is text
        ("Regards to Molotov.", None),
        ("Thanks for Kaganovich's note.", None),
        ("P.S. Regards to Molotov.", None),
    ],
)
def test_closer_lines(register: Register, text: str, kind: str | None) -> None:
    assert closer_kind(text, register, 1932) == kind


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("1) Since the decision", ("1", 3)),
        ("a) Give the State", ("a", 3)),
        ("j ) Toilet soap", ("j", 4)),
        ("2. In addition, send", ("2", 3)),
        ("First. I read", None),
        ("1932 June", None),
    ],
)
def test_list_items(text: str, item: tuple[str, int] | None) -> None:
    assert list_item(text) == item


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Ukraine - 5000", [("Ukraine", "5000")]),
        ("North [northern] Caucasus - 1100", [("North [northern] Caucasus", "1100")]),
        ("Moscow – 1,250.", [("Moscow", "1,250.")]),
        # two lines run together in the source: two rows
        ("Western — 270 Nizhny Novgorod — 260", [("Western", "270"), ("Nizhny Novgorod", "260")]),
        # percentages, decimals with their units and shares
        ("Ukraine - 62.4%", [("Ukraine", "62.4%")]),
        ("Ukraine — 1204.5 thousand tons (78.3 %)", [("Ukraine", "1204.5 thousand tons (78.3 %)")]),
        # numbers and datelines with a dash are not figures
        ("No. 7/s - 977/sh.", None),
        ("13/VI - 32 Kaganovich.", None),
        ("19/VI - 32", None),
        ("We need more - 500 tractors", None),
        ("Ukraine 5000", None),
        # prose, however long (a search at every position made encode 3x slower: bench/encode.py)
        ("Wang hopes - as we do - to hear from Nanking soon. " * 40, None),
    ],
)
def test_figure_lines(text: str, pairs: list | None) -> None:
    from tei.encode.figures import figure_pairs

    assert figure_pairs(text) == pairs


def test_lines_of_figures_become_a_table(letters_edition: Path) -> None:
    """Source lines 65–105: 21 lines, one holding two pairs; a lone such line stays a p."""
    tree = parse_file(letters_edition / "letters" / "L1932-06-04-kaganovich-stalin.xml")
    (table,) = tree.iterfind(".//tei:table", NSMAP)
    rows = [[cell.xpath("string()") for cell in row] for row in table.iterfind("tei:row", NSMAP)]
    assert table.get("rows") == "22" == str(len(rows))
    assert rows[0] == ["Ukraine", "5000"] and rows[-1] == ["Northern", "40"]
    assert ["Western", "270"] in rows and ["Nizhny Novgorod", "260"] in rows
    assert table.getprevious().xpath("string()").endswith("by mid-September:")


# --- footnotes and markers -----------------------------------------------------------------------


def test_notes_numbers_supplied_where_lost() -> None:
    paragraphs = [
        ("On June 5, 1932, the PB decided to send a telegram.", 1),
        ("The 2nd PB instructed Karakhan.", 2),
        ("3 The note is missing.", 3),
        ("4 No letters.", 4),
        ("On June 5, 1932, the PB approved a telegram.", 5),
        ("On July 3, 1932, the PB approved the draft.", 6),
    ]
    notes = fn.parse_notes(paragraphs, marker_hint=5)
    assert [(n.number, n.number_supplied, len(n.paragraphs)) for n in notes] == [
        (1, True, 1),
        (2, True, 1),
        (3, False, 1),
        (4, False, 1),
        (5, True, 2),
    ]


def test_notes_numbered_on_from_the_letter_before(tmp_path: Path) -> None:
    from tei.encode import encode_sources

    source = tmp_path / "letters.txt"
    source.write_text(
        "Stalin to Kaganovich December 13, 1934\n\nArchive: RGASPI F. 81. Op. 3. D. 100. L. 1.\n"
        "Comrade Kaganovich.\n\nI agree with the draft of Molotov 5 . The rest waits 6 .\n\n"
        "I. Stalin.\n\n____\n\n5 The draft is lost.\n\n6 See the next letter.\n")
    (tmp_path / "persons.xml").write_bytes((SOURCES / "persons.xml").read_bytes())
    result = encode_sources([source], tmp_path / "out")
    assert result.warnings == []
    letter = parse_file(next((tmp_path / "out" / "letters").glob("*.xml")))
    assert [n.get("n") for n in letter.xpath("//tei:p/tei:note", namespaces=NSMAP)] == ["5", "6"]


def test_a_last_note_goes_on_unless_the_text_has_a_marker_for_another() -> None:
    paragraphs = [("1 See the decision of July 1, 1933.", 10), ("The embargo had begun.", 12)]
    text = "The embargo is lifted from July 1st 1 .\nL. Kaganovich.\n23/VII.33"
    taken = [(text.index("July 1st"), text.index("July 1st") + 8),
             (text.index("23/VII.33"), len(text))]
    hint = fn.highest_marker_candidate(text, taken)
    assert hint == 1
    (note,) = fn.parse_notes(paragraphs, marker_hint=hint)
    assert note.paragraphs == ["See the decision of July 1, 1933.", "The embargo had begun."]
    # with a marker for a second note in the text, the paragraph is that note
    assert len(fn.parse_notes(paragraphs, marker_hint=2)) == 2


def test_glued_note_number() -> None:
    notes = fn.parse_notes([("1In May 1932, at the conference.", 1), ("2On June 8, 1932.", 2)])
    assert [(n.number, n.paragraphs[0]) for n in notes] == [
        (1, "In May 1932, at the conference."),
        (2, "On June 8, 1932."),
    ]


MARKERS = [
    ("For Kaganovich 1 .", {1}, [1]),
    ("deliver him to us.1 , he himself", {1}, [1]),
    ("conversations with Dirksen3—doesn't he", {1, 2, 3}, [3]),  # markers 1, 2 lost: skip
    ("Pay serious attention to this matter 2 .", {1, 2}, [2]),  # marker 1 lost: skip
    ("a marker far ahead 9 .", {1, 9}, []),  # more than MAX_SKIP ahead
    ("How do you think? 4 It seems", {3, 4}, [4]),
    ("I am sending you both letters 4 and I will write", {4}, []),  # weak shape, out of sequence
    ("2) As for Voroshilov's project", {2}, []),
    ("to 30 percent of the loan, up to 35 percent", {30}, []),
    ("by 16.4 , for the 3rd by 33.8 .", {3, 4}, []),
    ("No. 29 and HP 6 and L. 14 .", {6, 14, 29}, []),
    # Of two candidates for the next marker, the one punctuation sets off is it.
    ("On August 12, 1 division will go east 1 .", {1}, [1]),
    ('The decision reads: "1) Allocate', {1}, []),  # an opening quote: the list's number
    ("(1) first, “2. second", {1, 2}, []),
    ('to find the funds" 1 .', {1}, [1]),  # a closing quote: a marker
]


def test_the_set_off_candidate_is_the_marker() -> None:
    text = "On August 12, 1 division will go east 1 ."
    (marker,) = fn.find_markers(text, {1}, 1, set())[0]
    assert text[marker.start - 5 : marker.end] == "east 1"


@pytest.mark.parametrize(("text", "numbers", "expected"), MARKERS)
def test_markers(text: str, numbers: set[int], expected: list[int]) -> None:
    markers, _ = fn.find_markers(text, numbers, 1, set())
    assert [m.number for m in markers] == expected


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("the plan was approved on August 1 1 . Gamarnik agrees.", "August 1", [1]),
        ("the plan was approved on August 1 . Gamarnik agrees.", "August 1", []),  # the date's 1
        ("in 1932 1 , and later", "1932", [1]),
        ("a loan of 20 1 million", None, []),  # a number after a number that is no date
        ("in 1932 the plan", None, []),
    ],
)
def test_marker_after_a_date(text: str, date: str | None, expected: list[int]) -> None:
    taken = [(text.index(date), text.index(date) + len(date))] if date else []
    markers, _ = fn.find_markers(text, {1}, 1, set(), taken=taken)
    assert [m.number for m in markers] == expected


def test_marker_in_sequence_after_earlier_ones() -> None:
    markers, following = fn.find_markers("Dirksen3—doesn't he; letters 4 and", {3, 4}, 3, set())
    assert [m.number for m in markers] == [3, 4] and following == 5


def test_repeat_marker_at_dateline_end() -> None:
    anchored = {2}
    marker = fn.trailing_dateline_marker("No. 7 21.25 5/VI.32 2", {1, 2}, 3, anchored)
    assert marker is not None and marker.repeat and marker.number == 2


# --- persons -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Stalin", "stalin"),
        ("I. Stalin", "stalin"),
        ("Tov. Stalin", "stalin"),
        ("Comrade Stalin", "stalin"),
        ("L. Kaganovich", "kaganovich"),
        ("Rosengolz", "rozengolts"),
        ("Postyshtev", "postyshev"),
        ("B.I. Kozlovsky", "kozlovsky"),
        ("the members of the Politburo", "politburo"),
    ],
)
def test_person_resolution(register: Register, name: str, person: str) -> None:
    match = register.resolve(name)
    assert match is not None and match.entry_id == person


def test_names_in_text(register: Register) -> None:
    text = "Stalin’s options and Stalin's letter; Stalingrad is a city; L. Kaganovich signed."
    found = [(text[m.start : m.end], m.entry_id) for m in register.find_names(text)]
    assert found == [("Stalin", "stalin"), ("Stalin", "stalin"), ("L. Kaganovich", "kaganovich")]


@pytest.mark.parametrize(
    "text",
    [
        "the trucks of the Stalin plant",
        "a question about the Petrovsky Plant: to build it",
        "in the Kirov Works and the Gorky Automobile Plant",
        "At the Yaroslavsky station",
        "Received the Order of Lenin and calmed down",
        "the cruiser Kirov and the icebreaker Krasin",
        "Vyatka was renamed Kirov",
        "The Ordzhonikidze Machine-Building Plant and the Stalin White Sea–Baltic Canal",
        "They called them Molotov cocktails",
    ],
)
def test_places_named_after_persons_are_no_mentions(register: Register, text: str) -> None:
    assert [m for m in register.find_names(text) if m.tag == "persName"] == []


def test_particles_and_a_variant_before_the_surname() -> None:
    from tei.encode.persons import Entry

    register = Register([
        Entry("ribbentrop", "Ribbentrop, Joachim von"),
        Entry("degaulle", "de Gaulle, Charles"),
        Entry("ordzhonikidze", "Ordzhonikidze, Grigory", ["Sergo"]),
    ])
    text = ("Von Ribbentrop told him; signed by von Ribbentrop. De Gaulle and Charles de "
            "Gaulle. Sergo Ordzhonikidze, Sergo and Ordzhonikidze.")
    assert [text[m.start : m.end] for m in register.find_names(text)] == [
        "Von Ribbentrop", "von Ribbentrop", "De Gaulle", "Charles de Gaulle",
        "Sergo Ordzhonikidze", "Sergo", "Ordzhonikidze"]


def test_a_person_named_is_a_person() -> None:
    from tei.encode.persons import Entry

    register = Register([Entry("liskow", "Liskow, Alfred")])
    text = "a soldier named Alfred Liskow crossed the Bug"
    assert [text[m.start : m.end] for m in register.find_names(text)] == ["Alfred Liskow"]


def test_initials_tell_namesakes_apart() -> None:
    from tei.encode.persons import Entry

    register = Register([
        Entry("kaganovich", "Kaganovich, Lazar"),
        Entry("kaganovich-mikhail", "Kaganovich, Mikhail"),
    ])
    text = "L. Kaganovich and M. Kaganovich; Kaganovich alone."
    assert [(text[m.start : m.end], m.entry_id) for m in register.find_names(text)] == [
        ("L. Kaganovich", "kaganovich"), ("M. Kaganovich", "kaganovich-mikhail"),
        ("Kaganovich", "kaganovich")]


def test_a_name_with_a_marker_glued_on(register: Register) -> None:
    text = "Kosior and Chubar1 insist"
    assert [text[m.start : m.end] for m in register.find_names(text)] == ["Kosior", "Chubar"]


def test_a_postscript_is_no_initials(register: Register) -> None:
    (match,) = register.find_names("P.S. Polina Zhemchuzhina sends her regards.")
    assert match.entry_id == "zhemchuzhina" and match.start == len("P.S. ")


def test_near_misses_are_provisional_with_their_candidate(register: Register) -> None:
    """A near-spelling of a register name is not taken for the person: it is a provisional
    person, the register's one its candidate (tests/test_persons.py has more)."""
    (match,) = register.find_names("The majority, especially Sheboddaev, supported")
    assert match.provisional and register.resolve("Sheboddaev") is None
    assert register.run.entries[match.entry_id].candidate == "sheboldaev"


def test_unknown_names_suggested(register: Register) -> None:
    from tei.encode.persons import suggest

    text = "Yesterday we met Zhdanovsky. The plan was read by Zhdanovsky and Stalin in June."
    assert [(s.name, s.count, s.first_line, s.cue) for s in suggest(text, register)] == [
        ("Zhdanovsky", 2, 1, "")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # initials do not end a sentence: they mark a person
        ("The PB ordered N.I. Zhdanovsky to go.", [("Zhdanovsky", "N.I.")]),
        ("He met Colonel F. Quayle in May.", [("Quayle", "F.")]),
        ("A note from Comrade Quayle about it.", [("Quayle", "Comrade")]),
        ("A talk with General Quayle.", [("Quayle", "General")]),
        ("I am turning to you, Mr. Quayle, with a request.", [("Quayle", "Mr.")]),
        # "P.S." is no pair of initials; a note's number does not hide its first word's place
        ("The end.\n\nP.S. Regards to Quayle.", [("Quayle", "")]),
        ("____\n\n1 See the decision of the Quayle commission.", [("Quayle", "")]),
        ("The plan:\n1) Yesterday the PB met Quayle.", [("Quayle", "")]),  # a list's number too
        # archival and document references are not names
        ("Ibid. F. 17. Op. 3. D. 888 (see document Ms 181).", []),
        # adjacent words and particles make one name
        ("He went to Nizhny Novgorod on foot.", [("Nizhny Novgorod", "")]),
        ("They met Maud de Gouy there.", [("Maud de Gouy", "")]),
        ("Kiev and Kharkov, he said.", [("Kharkov", "")]),  # a lone sentence opener is left out
        ("North Caucasus was hit.", [("North Caucasus", "")]),  # a run is kept there
        # common words, calendar words and register names are not suggested
        ("In March the plan of Stalin was read; the plan failed.", []),
    ],
)
def test_unknown_name_recognition(register: Register, text: str, expected: list) -> None:
    from tei.encode.persons import suggest

    assert [(s.name, s.cue) for s in suggest(text, register)] == expected


# --- inline and lossless -----------------------------------------------------------------------


def test_fill_mixed_content() -> None:
    p = E.p()
    fill(
        p,
        "To Stalin on June 5 1 .",
        [
            Span(3, 9, "persName", {"ref": "persons.xml#stalin"}),
            Span(19, 21, "note", {"n": "1"}, replace=True),
        ],
    )
    assert etree.tostring(p, encoding=str) == (
        '<p xmlns="http://www.tei-c.org/ns/1.0">To <persName ref="persons.xml#stalin">Stalin</persName>'
        ' on June 5<note n="1"/> .</p>'
    )


def test_lossless_check_catches_a_lost_word() -> None:
    check("Stalin to Kaganovich", [E.p("Stalin to Kaganovich")], "x")
    with pytest.raises(LosslessError, match="source has «Kaganovich»"):
        check("Stalin to Kaganovich", [E.p("Stalin to")], "x")


def test_lossless_reads_footnotes_after_the_text() -> None:
    note = E.note("Number entered.", place="foot", n="1")
    check("Stalin 1 .\n____\n1 Number entered.", [E.p("Stalin", note, ".")], "x")


# --- the whole correspondence ---------------------------------------------------------------------


def _letters(edition: Path) -> dict[str, etree._ElementTree]:
    return {p.stem: etree.parse(str(p)) for p in sorted((edition / "letters").glob("*.xml"))}


def _by_line(letters: dict[str, etree._ElementTree], line: int) -> etree._ElementTree:
    for tree in letters.values():
        if f"lines {line}–" in tree.findtext(".//t:publicationStmt/t:p", namespaces=NS):
            return tree
    raise AssertionError(f"no letter starts at line {line}")


def test_counts_of_the_correspondence(letters_edition: Path) -> None:
    letters = _letters(letters_edition)
    # Counted in the source: 76 header lines (one with no-break spaces, "June 6   1932")
    # and one Archive: line (line 113) that follows a finished letter without a header.
    assert len(letters) == 77
    gaps = [
        k
        for k, t in letters.items()
        if t.find(".//t:gap[@reason='not-transcribed']", NS) is not None
    ]
    # Headers with no text under them: lines 211, 214, 328, 586, 1748.
    assert len(gaps) == 5
    assert len(list((letters_edition / "front").glob("*.xml"))) == 1


def test_example_letter_matches_target_shape(letters_edition: Path) -> None:
    tree = _by_line(_letters(letters_edition), 147)
    assert tree.findtext(".//t:msIdentifier/t:idno", namespaces=NS) == "F. 558 Op. 11. D. 77. L. 14"
    assert tree.find(".//t:objectDesc", NS).get("form") == "autograph"
    sent = tree.find(".//t:correspAction[@type='sent']", NS)
    assert [p.get("ref") for p in sent.iterfind("t:persName", NS)] == ["persons.xml#stalin"]
    assert sent.find("t:date", NS).get("when") == "1932-06-05"
    received = [
        p.get("ref").split("#")[1]
        for p in tree.iterfind(".//t:correspAction[@type='received']/t:persName", NS)
    ]
    assert received == ["kaganovich", "molotov", "voroshilov", "ordzhonikidze"]
    note1 = tree.find(".//t:addrLine/t:note[@n='1']", NS)
    assert note1 is not None and "Chechulin" in "".join(note1.itertext())
    note2 = tree.find(".//t:p/t:note[@n='2']", NS)
    anchor = tree.find(".//t:dateline/t:ref[@type='noteAnchor']", NS)
    assert anchor.get("target") == "#" + note2.get("{http://www.w3.org/XML/1998/namespace}id")
    assert tree.find(".//t:dateline/t:time", NS).get("when") == "21:25:00"
    assert tree.find(".//t:dateline/t:date", NS).get("when") == "1932-06-05"


def test_headerless_letter_takes_correspondents_from_signature_and_address(
    letters_edition: Path,
) -> None:
    tree = _by_line(_letters(letters_edition), 113)
    sent = [p.get("ref") for p in tree.iterfind(".//t:correspAction[@type='sent']/t:persName", NS)]
    received = [
        p.get("ref") for p in tree.iterfind(".//t:correspAction[@type='received']/t:persName", NS)
    ]
    assert sent == ["persons.xml#kaganovich"] and received == ["persons.xml#stalin"]
    assert tree.find(".//t:correspAction[@type='sent']/t:date", NS).get("when") == "1932-07-01"
    assert tree.find(".//t:objectDesc", NS).get("form") == "cipher"


def test_header_disagreeing_with_signature(letters_edition: Path) -> None:
    # "Stalin to Kaganovich June 7, 1932" (line 369) opens "Hello Comrade Stalin!" and is
    # signed "Your L. Kaganovich.": correspDesc follows the document.
    letters = _letters(letters_edition)
    tree = _by_line(letters, 369)
    sent = [p.get("ref") for p in tree.iterfind(".//t:correspAction[@type='sent']/t:persName", NS)]
    assert sent == ["persons.xml#kaganovich"]
    # "Stalin to the members of the Politburo June 4, 1932" (line 52) is addressed "Sochi,
    # Comrade Stalin." and signed "Kaganovich, Molotov, Yakovlev."; a note inside the
    # signature of line 679 names other people, who are not signers.
    tree = _by_line(letters, 52)
    sent = [p.get("ref") for p in tree.iterfind(".//t:correspAction[@type='sent']/t:persName", NS)]
    received = tree.find(".//t:correspAction[@type='received']", NS)
    assert sent == ["persons.xml#kaganovich", "persons.xml#molotov", "persons.xml#yakovlev"]
    assert [p.get("ref") for p in received.iterfind("t:persName", NS)] == ["persons.xml#stalin"]
    assert received.find("t:placeName", NS).get("ref") == "persons.xml#sochi"
    tree = _by_line(letters, 679)
    sent = [p.get("ref") for p in tree.iterfind(".//t:correspAction[@type='sent']/t:persName", NS)]
    assert sent == ["persons.xml#stalin"]


def test_no_footnote_dropped(letters_edition: Path) -> None:
    letters = _letters(letters_edition)
    # Letter of line 280 (Kaganovich, June 6): seven notes, two of them without their number
    # in the source (lines 315, 317), two more unnumbered at the end (323, 325).
    tree = _by_line(letters, 280)
    numbers = [n.get("n") for n in tree.iterfind(".//t:note[@place='foot']", NS)]
    assert sorted(numbers, key=int) == ["1", "2", "3", "4", "5", "6", "7"]
    note6 = tree.find(".//t:note[@n='6']", NS)  # "an abusive telegram 6 ," in item 7)
    assert note6.getparent().tag.endswith("item") and note6.get("type") != "unanchored"
    # The last letter's long unnumbered note (lines 1986-1988) is kept as its note 1.
    last = _by_line(letters, 1971)
    note1 = last.find(".//t:note[@n='1']", NS)
    assert note1 is not None and "Voroshilov wrote" in "".join(note1.itertext())


def test_every_person_reference_resolves(letters_edition: Path) -> None:
    register = etree.parse(str(letters_edition / "persons.xml"))
    ids = set(register.xpath("//@xml:id"))
    for path in (letters_edition / "letters").glob("*.xml"):
        for ref in etree.parse(str(path)).xpath(
            "//t:persName/@ref | //t:orgName/@ref", namespaces=NS
        ):
            assert ref.split("#")[1] in ids, (path.name, ref)


def test_all_documents_valid_against_tei_all(letters_edition: Path) -> None:
    from conftest import TEI_ALL_RNG, jing

    files = sorted(letters_edition.rglob("*.xml"))
    result = jing(TEI_ALL_RNG, files)
    assert result.returncode == 0, result.stdout[:3000]


def test_every_note_paragraph_kept(letters_edition: Path) -> None:
    # Counted in the source: 88 note paragraphs that open with their number (after a rule
    # of underscores or "Note:"), 28 that lost it, and 3 after the last letter's dateline
    # with no rule (lines 1986-1990): 119 paragraphs, each in exactly one footnote.
    paragraphs = 0
    for path in [*letters_edition.glob("letters/*.xml"), *letters_edition.glob("front/*.xml")]:
        for note in etree.parse(str(path)).iterfind(".//t:note[@place='foot']", NS):
            paragraphs += max(1, len(note.findall("t:p", NS)))
    assert paragraphs == 119


def test_dateline_lines_are_read_one_by_one(letters_edition: Path) -> None:
    # Line 1365-1367: "20/VI" over "23–30 2" is the 20th of June and a time, not 20/VI/(19)23.
    tree = _by_line(_letters(letters_edition), 1354)
    assert [d.get("when") for d in tree.iterfind(".//t:dateline/t:date", NS)] == ["1932-06-20"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Manchuria.184 Quietly", ["Manchuria", "184", "Quietly"]),
        ("1In", ["1", "In"]),
        ("DECEMBERKirov was", ["DECEMBER", "Kirov", "was"]),  # a glued heading
        ("McDonald of the USSR", ["McDonald", "of", "the", "USSR"]),
        ("Kaganovich's", ["Kaganovich", "s"]),
    ],
)
def test_lossless_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


# --- a correspondence the encoder was not written against -------------------------------------


def test_an_unseen_correspondence(tmp_path: Path) -> None:
    """Other writers, another year, its own register (tests/fixtures/letters/unseen): the
    same conventions, with a postscript before the signature and a bracketed date."""
    from conftest import FIXTURES, TEI_ALL_RNG, jing

    from tei.encode import encode_sources

    unseen = FIXTURES / "letters" / "unseen"
    result = encode_sources([unseen / "letters.txt"], tmp_path)
    assert result.warnings == []
    names = sorted(path.name for path in (tmp_path / "letters").glob("*.xml"))
    assert names == [
        "L1933-08-03-molotov-voroshilov.xml",
        "L1933-08-09-voroshilov-molotov.xml",
        "L1933-08-14-molotov-voroshilov.xml",
    ]
    ps_letter = parse_file(tmp_path / "letters" / names[1])
    assert ps_letter.xpath("string(//tei:postscript/tei:p)", namespaces=NSMAP) == (
        "P.S. Regards to Polina Semyonovna."
    )
    assert ps_letter.xpath("//tei:postscript//tei:signed/tei:persName/@ref", namespaces=NSMAP) == [
        "persons.xml#voroshilov"
    ]
    when = ps_letter.xpath("//tei:correspAction[@type='sent']/tei:date", namespaces=NSMAP)[0]
    assert (when.get("when"), when.get("cert")) == ("1933-08-09", "medium")
    first = parse_file(tmp_path / "letters" / names[0])
    assert len(first.xpath("//tei:table/tei:row", namespaces=NSMAP)) == 4
    assert first.xpath("//tei:note/@n", namespaces=NSMAP) == ["1"]
    assert jing(TEI_ALL_RNG, sorted(tmp_path.rglob("*.xml"))).returncode == 0


def test_an_unseen_correspondence_with_bounded_dates_and_a_headerless_letter(
    tmp_path: Path,
) -> None:
    from conftest import FIXTURES

    from tei.encode import encode_sources

    unseen = FIXTURES / "letters" / "unseen"
    encode_sources([unseen / "bounds.txt"], tmp_path)
    letters = {p.name: parse_file(p) for p in sorted((tmp_path / "letters").glob("*.xml"))}
    assert list(letters) == [
        "L1933-08-20-molotov-voroshilov.xml",  # "[not before August 20, 1933]"
        "L1933-08-25-voroshilov-molotov.xml",  # no header: from its signature and dateline
        "L1933-09-02-voroshilov-molotov.xml",  # two addressees
    ]

    def sent_date(name: str) -> dict[str, str]:
        path = "//tei:correspAction[@type='sent']/tei:date"
        return dict(letters[name].xpath(path, namespaces=NSMAP)[0].attrib)

    assert sent_date("L1933-08-20-molotov-voroshilov.xml") == {"notBefore": "1933-08-20"}
    assert sent_date("L1933-08-25-voroshilov-molotov.xml") == {"when": "1933-08-25"}
    received = letters["L1933-09-02-voroshilov-molotov.xml"].xpath(
        "//tei:correspAction[@type='received']/tei:persName/@ref", namespaces=NSMAP
    )
    assert received == ["persons.xml#molotov", "persons.xml#ordzhonikidze"]


def test_an_unseen_correspondence_with_a_notes_heading_and_joint_signers(tmp_path: Path) -> None:
    """"Notes:" instead of a rule, a marker right after a date ("on August 1 1 ."), two
    signers after a closing formula, a comma before a day-first header date."""
    from conftest import FIXTURES

    from tei.encode import encode_sources

    result = encode_sources([FIXTURES / "letters" / "unseen" / "notes-heading.txt"], tmp_path)
    assert result.warnings == []
    letter = parse_file(tmp_path / "letters" / "L1933-08-03-molotov-voroshilov.xml")
    sent = letter.xpath("//tei:correspAction[@type='sent']/tei:persName/@ref", namespaces=NSMAP)
    assert sent == ["persons.xml#molotov", "persons.xml#ordzhonikidze"]
    (note,) = letter.xpath("//tei:note", namespaces=NSMAP)
    assert note.get("type") is None and note.getparent().tag == f"{{{NSMAP['tei']}}}p"
    assert note.getprevious().text == "August 1"


def test_the_editors_closing_note_after_the_last_letter(tmp_path: Path) -> None:
    from conftest import FIXTURES

    from tei.encode import encode_sources

    result = encode_sources([FIXTURES / "letters" / "unseen" / "closing-note.txt"], tmp_path)
    assert result.warnings == []
    letter = parse_file(tmp_path / "letters" / "L1933-10-01-molotov-voroshilov.xml")
    closer = letter.xpath("//tei:closer", namespaces=NSMAP)[0]
    assert "".join(closer.itertext()) == "Your Molotov. 1.X.33"
    (note,) = letter.xpath("//tei:note[@type='editorial']", namespaces=NSMAP)
    assert note.getprevious() is closer and len(note) == 2
    assert "".join(note[0].itertext()).startswith("Molotov returned to Moscow")


def test_a_header_naming_someone_the_register_lacks_still_starts_a_letter(tmp_path: Path) -> None:
    """"Tukhachevsky to Voroshilov August 4, 1933" with only Voroshilov in the register: once
    swallowed as the last paragraph of the letter before, now a letter whose sender points
    at a provisional entry of the run (never a persName without @ref)."""
    from conftest import FIXTURES

    from tei.encode import encode_sources

    source = FIXTURES / "letters" / "unseen" / "unknown-sender.txt"
    encode_sources([source], tmp_path)
    first = parse_file(tmp_path / "letters" / "L1933-08-03-molotov-voroshilov.xml")
    assert first.xpath("count(//tei:closer/tei:signed | //tei:closer/tei:dateline)",
                       namespaces=NSMAP) == 2
    (second_path,) = (tmp_path / "letters").glob("L1933-08-04-*-voroshilov.xml")
    second = parse_file(second_path)
    (sender,) = second.xpath("//tei:correspAction[@type='sent']/tei:persName", namespaces=NSMAP)
    assert sender.text == "Tukhachevsky" and sender.get("ref", "").startswith("persons.xml#")
    assert second.findtext(".//tei:titleStmt/tei:title", namespaces=NSMAP) == (
        "Tukhachevsky to Voroshilov, 4 August 1933"
    )


def test_datelines_with_their_place_in_opener_and_closer(tmp_path: Path) -> None:
    from conftest import FIXTURES

    from tei.encode import encode_sources

    encode_sources([FIXTURES / "letters" / "unseen" / "place-datelines.txt"], tmp_path)
    first = parse_file(tmp_path / "letters" / "L1933-08-03-molotov-voroshilov.xml")
    (opening,) = first.xpath("//tei:opener/tei:dateline", namespaces=NSMAP)
    assert "".join(opening.itertext()) == "Moscow, August 3, 1933."
    second = parse_file(tmp_path / "letters" / "L1933-08-07-voroshilov-molotov.xml")
    (closing,) = second.xpath("//tei:closer/tei:dateline", namespaces=NSMAP)
    assert "".join(closing.itertext()).strip() == "Sochi, 7.VIII.33"
    assert closing.find("tei:date", NSMAP).get("when") == "1933-08-07"
    # The place the dateline names, known to the register, is where the letter was sent from.
    sent_from = second.xpath("//tei:correspAction[@type='sent']/tei:placeName/@ref",
                             namespaces=NSMAP)
    assert sent_from == ["persons.xml#sochi"]


def test_an_unseen_correspondence_with_other_header_dates_and_numbers_near_markers(
    tmp_path: Path,
) -> None:
    """Headers dated by a month, a span, a bracketed range or a day without its year; a
    number of the text before the marker of the same number; a quoted list."""
    from conftest import FIXTURES

    from tei.encode import encode_sources

    result = encode_sources([FIXTURES / "letters" / "unseen" / "headers-and-markers.txt"], tmp_path)
    assert result.warnings == []
    letters = {p.stem: parse_file(p) for p in sorted((tmp_path / "letters").glob("*.xml"))}

    def sent_date(letter: etree._Element) -> dict[str, str]:
        path = "//tei:correspAction[@type='sent']/tei:date"
        return dict(letter.xpath(path, namespaces=NSMAP)[0].attrib)

    assert {stem: sent_date(letter) for stem, letter in letters.items()} == {
        "L1933-08-02-molotov-voroshilov": {"when": "1933-08-02"},
        # "August 29" after a letter of 1933: the year is supplied, so marked as such
        "L1933-08-29-voroshilov-molotov": {"when": "1933-08-29", "cert": "medium"},
        "L1933-09-voroshilov-molotov": {"when": "1933-09", "cert": "medium"},
        "L1933-09-25-molotov-voroshilov": {"notBefore": "1933-09-20", "notAfter": "1933-09-25"},
        "L1933-09-30-voroshilov-politburo": {"notBefore": "1933-09-21", "notAfter": "1933-09-30"},
        "L1933-10-02-gamarnik-voroshilov": {"when": "1933-10-02"},
    }
    received = letters["L1933-09-30-voroshilov-politburo"].xpath(
        "//tei:correspAction[@type='received']/tei:orgName/@ref", namespaces=NSMAP)
    assert received == ["persons.xml#politburo"]

    first = letters["L1933-08-02-molotov-voroshilov"]
    paragraph = first.xpath("//tei:body//tei:p", namespaces=NSMAP)[0]
    text = "".join(paragraph.xpath("text()|*[not(self::tei:note)]//text()", namespaces=NSMAP))
    # "3 divisions" keeps its number; the marker is the "3" the full stop sets off.
    assert text.endswith("On August 12, 3 divisions will go east.")
    marker = paragraph.xpath("tei:note", namespaces=NSMAP)[-1]
    assert marker.getprevious().tail == ", 3 divisions will go east"

    quoted = letters["L1933-08-29-voroshilov-molotov"]
    items = quoted.xpath("//tei:list/tei:item", namespaces=NSMAP)
    assert [item.get("n") for item in items] == ["1", "2"]
    assert "".join(items[0].itertext()).startswith('"1) Allocate 12 million')
    (note,) = quoted.xpath("//tei:note", namespaces=NSMAP)
    assert note.getparent() is items[1]
    # The bracketed span of a running-text date: one date from the 20th to the 25th.
    span = letters["L1933-09-voroshilov-molotov"].xpath(
        "//tei:body//tei:date[@from]", namespaces=NSMAP)[0]
    assert (span.text, span.get("from"), span.get("to")) == (
        "September 20–25, 1933", "1933-09-20", "1933-09-25")

    # "in October 1 .": the number set off like a marker is the marker, the date the month;
    # a place and a full stop before the dateline; a signature of initials only.
    last = letters["L1933-10-02-gamarnik-voroshilov"]
    months = last.xpath("//tei:p/tei:date", namespaces=NSMAP)
    assert [(d.text, d.get("when"), d.getnext().get("n")) for d in months] == [
        ("October", "1933-10", "1"), ("November", "1933-11", "2")]
    # a name called out is a salutation, known to the register or not
    assert last.xpath("string(//tei:opener/tei:salute)", namespaces=NSMAP) == (
        "Kliment Efremovich!")
    dateline = last.xpath("//tei:opener/tei:dateline", namespaces=NSMAP)[0]
    assert "".join(dateline.itertext()) == "Kislovodsk. 2.X.33"
    assert last.xpath("string(//tei:closer/tei:signed)", namespaces=NSMAP) == "Y. G."
