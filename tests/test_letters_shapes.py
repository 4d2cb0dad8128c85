"""Letters recognised by their shape, not by the register; the variants scraped editions
show; letters that must never be written invalid; conventions as data (a second profile).

Every source here is crafted for the rule it tests (none is a copy of the sample), and is
encoded without a register unless the test says otherwise: every name is unknown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei.encode import encode_sources, recognise_kind
from tei.encode.conventions import FIELDS, available_profiles, load_profile
from tei.encode.letters import find_headers, parse_archive, parse_header
from tei.encode.letters.lines import Addressees, closer_kind, signer_by_shape
from tei.encode.persons import Register
from tei.encode.reading import read_source
from tei.encode.schemacheck import first_problem
from tei.xmlio import NSMAP, parse_file

ENGLISH = load_profile("english-letters-19c")


def encode(tmp_path: Path, text: str, name: str = "letters.txt", metadata: str = "") -> Path:
    """Encode ``text`` as the source ``name`` (with ``metadata.toml`` beside it) and check
    every document written against the built-in schema; the output folder."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    if metadata:
        (tmp_path / "metadata.toml").write_text(metadata, encoding="utf-8")
    out = tmp_path / "tei"
    encode_sources([source], out)
    for document in out.rglob("*.xml"):
        problem, _lines = first_problem(document, document.read_bytes())
        assert problem is None, f"{document.name}: {problem}"
    return out


def letters(out: Path) -> dict[str, etree._ElementTree]:
    return {path.stem: parse_file(path) for path in sorted((out / "letters").glob("*.xml"))}


def correspondents(tree: etree._ElementTree, action: str) -> list[tuple[str, str]]:
    """(name, @ref) of the persons and groups of the ``action`` ("sent", "received")."""
    found = tree.xpath(
        f"//tei:correspAction[@type='{action}']/*[self::tei:persName or self::tei:orgName]",
        namespaces=NSMAP,
    )
    return [("".join(el.itertext()), el.get("ref", "")) for el in found]


def xpath_text(tree: etree._ElementTree, path: str) -> list[str]:
    return ["".join(el.itertext()) for el in tree.xpath(path, namespaces=NSMAP)]


# --- recognition without the register -------------------------------------------------------

MERCHANTS = """\
Orlov and Belsky. Letters of two grain merchants. 1911

Orlov to Belsky May 2, 1911

Archive: GARF F. 102. Op. 4. D. 17. L. 3. Autograph.
Dear Pavel Sergeevich!

The shipment of rye reached Samara on Tuesday. The buyers are not yet satisfied with the price.

I shake your hand. A. Orlov.

2/V 11

Belsky to Orlov May 5, 1911

Archive: GARF F. 102. Op. 4. D. 17. L. 5. Autograph.
Dear Andrei Ivanovich!

Your letter arrived today. Wait for my telegram before selling.

P. Belsky.

5/V 11

Belsky, Gromov to the members of the Exchange Committee May 7, 1911

Archive: GARF F. 102. Op. 4. D. 17. L. 7. Typescript.
We ask the Committee to fix the price of rye for the week.

P. Belsky. S. Gromov.
"""


def test_a_header_is_read_by_its_shape_whatever_the_register_knows() -> None:
    header = parse_header("Orlov to Belsky May 2, 1911", Register.empty())
    assert header is not None
    assert [c.text for c in header.senders] == ["Orlov"] and header.senders[0].match is None
    assert [c.text for c in header.recipients] == ["Belsky"]
    group = parse_header(
        "Belsky to the members of the Exchange Committee May 7, 1911", Register.empty()
    )
    assert group is not None and group.recipients[0].tag == "orgName"


@pytest.mark.parametrize(
    ("line", "senders", "recipients", "when"),
    [
        ("Orlov to Belsky, May 2, 1911.", ["Orlov"], ["Belsky"], "1911-05-02"),
        ("A. I. Orlov to P. S. Belsky 2 May 1911", ["A. I. Orlov"], ["P. S. Belsky"], "1911-05-02"),
        ("Orlov and Gromov – Belsky May 2, 1911", ["Orlov", "Gromov"], ["Belsky"], "1911-05-02"),
        ("Orlov to Belsky [May 1911]", ["Orlov"], ["Belsky"], "1911-05"),
    ],
)
def test_header_shapes_nobody_knows(
    line: str, senders: list[str], recipients: list[str], when: str
) -> None:
    header = parse_header(line, Register.empty())
    assert header is not None
    assert [c.text for c in header.senders] == senders
    assert [c.text for c in header.recipients] == recipients
    assert header.date.when == when


@pytest.mark.parametrize(
    ("following", "is_header"),
    [
        ("Archive: GARF F. 1. Op. 1. D. 1. L. 1.", True),  # its archive line
        ("Dear Pavel Sergeevich!", True),  # a salutation opens the letter under it
        ("We arrived late and went to bed.", False),  # a sentence of a narrative
    ],
)
def test_a_header_nobody_knows_needs_the_source_to_vouch_for_it(
    following: str, is_header: bool
) -> None:
    lines = ["Back to Moscow June 5, 1851", "", following]
    assert bool(find_headers(lines, Register.empty())) is is_header


def test_brackets_and_a_lead_word_vouch_for_a_header_by_themselves() -> None:
    lines = ["Orlov to Belsky [May 2, 1911]", "The rye is sold."]
    assert 0 in find_headers(lines, Register.empty())
    lines = ["From Charles Darwin to J. S. Henslow, 3 March 1838", "The box is sent."]
    assert 0 in find_headers(lines, Register.empty(), conventions=ENGLISH)


def test_a_correspondence_whose_people_the_register_lacks(tmp_path: Path) -> None:
    """Senders and recipients in the header's direction, each with a @ref (a provisional
    entry): never "Unknown to unknown"."""
    found = letters(encode(tmp_path, MERCHANTS))
    assert sorted(found) == [
        "L1911-05-02-orlov-belsky",
        "L1911-05-05-belsky-orlov",
        "L1911-05-07-belsky-exchange-committee",
    ]
    first, second, third = (found[key] for key in sorted(found))
    assert [name for name, _ in correspondents(first, "sent")] == ["Orlov"]
    assert [name for name, _ in correspondents(first, "received")] == ["Belsky"]
    assert [name for name, _ in correspondents(second, "sent")] == ["Belsky"]
    assert [name for name, _ in correspondents(third, "sent")] == ["Belsky", "Gromov"]
    (committee,) = third.xpath(
        "//tei:correspAction[@type='received']/tei:orgName", namespaces=NSMAP
    )
    assert committee.text == "Exchange Committee"
    every = [
        ref
        for tree in found.values()
        for action in ("sent", "received")
        for _, ref in correspondents(tree, action)
    ]
    assert every and all(ref.startswith("persons.xml#") for ref in every)
    assert first.findtext(".//tei:titleStmt/tei:title", namespaces=NSMAP) == (
        "Orlov to Belsky, 2 May 1911"
    )


def test_a_one_letter_page_is_a_correspondence(tmp_path: Path) -> None:
    source = tmp_path / "one.txt"
    source.write_text(
        "Ordynsky to Kern September 14, 1933\n\nDear Ivan!\n\n"
        "I write from Kislovodsk, where the doctors keep me for a month.\n\n"
        "Your Sergei.\n\n14/IX 33\n",
        encoding="utf-8",
    )
    assert recognise_kind(read_source(source), Register.empty()) == "letters"
    (tree,) = letters(encode(tmp_path, source.read_text(), "one.txt")).values()
    assert xpath_text(tree, "//tei:closer/tei:signed") == ["Your Sergei."]
    assert [name for name, _ in correspondents(tree, "sent")] == ["Ordynsky"]


def test_a_signer_read_by_shape_does_not_overrule_the_header() -> None:
    """ "Your Sergo." may be the sender's first name: only the register can say it is not."""
    assert signer_by_shape("I embrace you. Your Sergo.") == "Sergo"
    assert signer_by_shape("Greetings! J. S. Henslow") == "J. S. Henslow"
    assert signer_by_shape("We discussed it with J. Smith.") is None
    assert signer_by_shape("P.S. Regards to N. Orlova.") is None


# --- variants of scraped editions -------------------------------------------------------------

GLUED = """\
Home Page | Library | Merchants | Letters

Kern to Orlov August, 1912

Kern to Orlov August 3, 1912Archive: GARF F. 102. Op. 5. D. 2. L. 1. Autograph.
Dear Andrei Ivanovich!

The barges left Rybinsk on Monday 1 .

I. Kern.

3/VIII 12
_____________________________
1 The barges of the Volga company: see L. 4.Orlov to Kern August 6, 1912

Archive: GARF F. 102. Op. 5. D. 2. L. 6. Autograph.
Archive: TsGIA SPb F. 7. Op. 1. D. 9. L. 2. Copy.
Hello, Ivan Karlovich!

A. Orlov.

Kern to Orlov August 9, 1912

Archive: GARF F. 102. Op. 5. D. 2. L. 9. Cipher.
Do not sell before the fair.

Rybinsk. Orlov.
"""


@pytest.fixture
def glued(tmp_path: Path) -> Path:
    return encode(tmp_path, GLUED)


def test_a_header_glued_to_its_archive_line_and_to_the_note_before(glued: Path) -> None:
    found = letters(glued)
    assert len(found) == 3
    heads = sorted(text for tree in found.values() for text in xpath_text(tree, "//tei:head"))
    assert heads == [
        "Kern to Orlov August 3, 1912",
        "Kern to Orlov August 9, 1912",
        "Orlov to Kern August 6, 1912",
    ]
    (first,) = [tree for key, tree in found.items() if "08-03" in key]
    assert xpath_text(first, "//tei:idno") == ["F. 102. Op. 5. D. 2. L. 1"]
    # The note the next header was glued to keeps its words, and only them.
    assert xpath_text(first, "//tei:note[@place='foot']") == [
        "The barges of the Volga company: see L. 4."
    ]


def test_a_page_heading_and_a_navigation_line_are_no_document(glued: Path) -> None:
    (intro,) = [parse_file(path) for path in (glued / "front").glob("*.xml")]
    assert xpath_text(intro, "//tei:fw[@type='navigation']") == [
        "Home Page | Library | Merchants | Letters"
    ]
    assert intro.xpath("count(//tei:fw//tei:persName)", namespaces=NSMAP) == 0
    assert xpath_text(intro, "//tei:div/tei:head") == ["Kern to Orlov August, 1912"]
    assert intro.findtext(".//tei:titleStmt/tei:title", namespaces=NSMAP) == (
        "Introduction: Kern to Orlov August, 1912"
    )


def test_a_second_archive_line_is_a_second_reference(glued: Path) -> None:
    (tree,) = [tree for key, tree in letters(glued).items() if "08-06" in key]
    assert xpath_text(tree, "//tei:msIdentifier/tei:idno") == ["F. 102. Op. 5. D. 2. L. 6"]
    assert xpath_text(tree, "//tei:altIdentifier/tei:repository") == ["TsGIA"]
    assert len(tree.xpath("//tei:objectDesc/tei:p", namespaces=NSMAP)) == 2


def test_a_letter_of_a_greeting_and_a_signature_is_valid(glued: Path) -> None:
    """TEI wants text before the closer: the greeting is the letter's text."""
    (tree,) = [tree for key, tree in letters(glued).items() if "08-06" in key]
    assert xpath_text(tree, "//tei:div/tei:p") == ["Hello, Ivan Karlovich!"]
    assert xpath_text(tree, "//tei:closer/tei:signed") == ["A. Orlov."]


def test_a_telegram_without_signature_keeps_the_header_direction(glued: Path) -> None:
    (tree,) = [tree for key, tree in letters(glued).items() if "08-09" in key]
    assert xpath_text(tree, "//tei:closer/tei:seg[@type='address']") == ["Rybinsk. Orlov."]
    assert not tree.xpath("//tei:signed", namespaces=NSMAP)
    assert [name for name, _ in correspondents(tree, "sent")] == ["Kern"]
    assert [name for name, _ in correspondents(tree, "received")] == ["Orlov"]
    assert tree.xpath("string(//tei:objectDesc/@form)", namespaces=NSMAP) == "cipher"


def test_a_closing_greeting_is_no_address() -> None:
    """ "Hello. I. Orlov." greets and signs, though "Hello" stands where a place would."""
    addressees = Addressees(frozenset({"I. Orlov"}), frozenset())
    register = Register.empty()
    assert closer_kind("Rybinsk. I. Orlov.", register, 1912, addressees=addressees) == "address"
    assert closer_kind("Hello. I. Orlov.", register, 1912, addressees=addressees) == "signed"


def test_a_two_digit_dateline_year_is_read_in_the_header_century(tmp_path: Path) -> None:
    text = (
        "Zagorsky to Lvov March 3, 1838\n\nArchive: RGIA F. 1. Op. 2. D. 3. L. 4. Autograph.\n"
        "Dear friend!\n\nThe roads are bad after the thaw.\n\nN. Zagorsky.\n\n3/III 38\n"
    )
    (tree,) = letters(encode(tmp_path, text)).values()
    assert (
        tree.xpath("string(//tei:closer/tei:dateline/tei:date/@when)", namespaces=NSMAP)
        == "1838-03-03"
    )


# --- conventions as data ---------------------------------------------------------------------

DARWIN = """\
Letters of a naturalist, 1838

From Charles Darwin to J. S. Henslow, 3 March 1838

MS: CUL DAR 93: 12. Autograph.
My dear Henslow,

I have at last finished the account of the fossil bones, and I send it by the carrier.

Yours most truly,
C. Darwin

From J. S. Henslow to Charles Darwin, 9 March 1838

MS: CUL DAR 160: 33. Draft.
My dear Darwin,

The box arrived safely. I will look at the beetles next week.

Ever yours,
J. S. Henslow
"""


def test_every_profile_has_the_letters_keys() -> None:
    letters_keys = [key for key, table in FIELDS.items() if table in ("header", "letters")]
    assert {"lead_words", "salutations", "postscript_marks", "document_forms"} <= set(letters_keys)
    assert {"soviet-documents-en", "english-letters-19c"} <= set(available_profiles())
    for name in available_profiles():
        profile = load_profile(name)
        assert profile.connectors and profile.archive_labels and profile.salutations


def test_a_second_profile_reads_another_edition(tmp_path: Path) -> None:
    """ "From A to B, 3 March 1838", "MS:" source lines, a farewell before the signature."""
    metadata = '[sources."darwin.txt".conventions]\nprofile = "english-letters-19c"\n'
    found = letters(encode(tmp_path, DARWIN, "darwin.txt", metadata))
    assert len(found) == 2
    first, second = found.values()
    assert [name for name, _ in correspondents(first, "sent")] == ["Charles Darwin"]
    assert [name for name, _ in correspondents(first, "received")] == ["J. S. Henslow"]
    assert [name for name, _ in correspondents(second, "sent")] == ["J. S. Henslow"]
    assert xpath_text(first, "//tei:repository") == ["CUL"]
    assert xpath_text(first, "//tei:idno") == ["DAR 93: 12"]
    assert second.xpath("string(//tei:objectDesc/@form)", namespaces=NSMAP) == "draft"
    assert xpath_text(first, "//tei:closer/tei:salute") == ["Yours most truly,"]
    assert xpath_text(first, "//tei:opener/tei:salute") == ["My dear Henslow,"]


def test_without_its_profile_the_other_edition_is_not_read_as_letters(tmp_path: Path) -> None:
    source = tmp_path / "darwin.txt"
    source.write_text(DARWIN, encoding="utf-8")
    assert recognise_kind(read_source(source), Register.empty()) == "chapter"
    assert recognise_kind(read_source(source), Register.empty(), ENGLISH) == "letters"


def test_a_source_overrides_one_key_of_its_profile(tmp_path: Path) -> None:
    """A German connector for one source: "Kern an Orlov August 3, 1912"."""
    text = GLUED.replace(" to ", " an ")
    metadata = '[sources."briefe.txt".conventions]\nheader.connectors = ["an"]\n'
    found = letters(encode(tmp_path, text, "briefe.txt", metadata))
    assert len(found) == 3
    assert parse_archive("MS: CUL DAR 93: 12.", conventions=ENGLISH) is not None
    assert parse_archive("MS: CUL DAR 93: 12.") is None


def test_archive_citations_in_a_narrative_make_no_correspondence(tmp_path: Path) -> None:
    source = tmp_path / "chapter.txt"
    source.write_text(
        "The grain plan was cut twice that summer (Archive: RGASPI F. 17. Op. 3. D. 889).\n\n"
        "Kaganovich wrote to Stalin of the Ukraine again (Archive: RGASPI F. 558. Op. 11).\n",
        encoding="utf-8",
    )
    assert recognise_kind(read_source(source), Register.empty()) == "chapter"


def test_a_salutation_calls_the_addressee_by_given_names(tmp_path: Path) -> None:
    """ "Dear Pavel Sergeevich!" in a letter to Belsky is Belsky, not a new person."""
    found = letters(encode(tmp_path, MERCHANTS))
    first = found["L1911-05-02-orlov-belsky"]
    ((_, belsky),) = correspondents(first, "received")
    (called,) = first.xpath("//tei:opener/tei:salute/tei:persName", namespaces=NSMAP)
    assert (called.text, called.get("ref")) == ("Pavel Sergeevich", belsky)


def test_a_salutation_by_first_name_to_someone_the_register_knows(tmp_path: Path) -> None:
    from conftest import SOURCES

    source = tmp_path / "one.txt"
    source.write_text(
        "Ordzhonikidze to Kuibyshev September 14, 1933\n\n"
        "Archive: RGASPI F. 79. Op. 1. D. 1. L. 1. Autograph.\nDear Valerian!\n\n"
        "The coke ovens need the equipment first.\n\nYour Sergo.\n\n14/IX 33\n",
        encoding="utf-8",
    )
    out = tmp_path / "tei"
    encode_sources([source], out, register_path=SOURCES / "persons.xml")
    (tree,) = letters(out).values()
    (called,) = tree.xpath("//tei:salute/tei:persName", namespaces=NSMAP)
    assert (called.text, called.get("ref")) == ("Valerian", "persons.xml#kuibyshev")
    assert [ref for _, ref in correspondents(tree, "sent")] == ["persons.xml#ordzhonikidze"]


def test_a_page_heading_between_letters_is_page_furniture(tmp_path: Path) -> None:
    """The next month's heading between two letters: above the next letter as ``fw``, not
    the last line of the letter before (whose closer stays whole)."""
    text = (
        "Kern to Orlov August 28, 1912\n\nArchive: GARF F. 1. Op. 1. D. 1. L. 1. Autograph.\n"
        "Dear Andrei Ivanovich!\n\nThe barges are late.\n\nI. Kern.\n\n28/VIII 12\n\n"
        "Kern to Orlov September, 1912\n\n"
        "Kern to Orlov September 2, 1912\n\nArchive: GARF F. 1. Op. 1. D. 1. L. 2. Autograph.\n"
        "Dear Andrei Ivanovich!\n\nThe barges have come.\n\nI. Kern.\n\n2/IX 12\n"
    )
    found = letters(encode(tmp_path, text))
    august, september = (found[key] for key in sorted(found))
    assert xpath_text(august, "//tei:closer/*") == ["I. Kern.", "28/VIII 12"]
    assert xpath_text(september, "//tei:div/tei:fw[@type='pageHeading']") == [
        "Kern to Orlov September, 1912"
    ]
    assert xpath_text(september, "//tei:div/tei:head") == ["Kern to Orlov September 2, 1912"]


def test_a_navigation_line_after_the_last_letter_is_page_furniture(tmp_path: Path) -> None:
    text = (
        "Kern to Orlov August 28, 1912\n\nArchive: GARF F. 1. Op. 1. D. 1. L. 1. Autograph.\n"
        "Dear Andrei Ivanovich!\n\nThe barges are late 1 .\n\nI. Kern.\n\n28/VIII 12\n"
        "_____\n1 Of the Volga company.\n\nPrevious | Next | Home Page\n"
    )
    (tree,) = letters(encode(tmp_path, text)).values()
    assert xpath_text(tree, "//tei:fw[@type='navigation']") == ["Previous | Next | Home Page"]
    assert xpath_text(tree, "//tei:closer/*") == ["I. Kern.", "28/VIII 12"]
    assert xpath_text(tree, "//tei:note[@place='foot']") == ["Of the Volga company."]
