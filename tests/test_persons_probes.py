"""The rules the unseen-material probes asked for (issue 13), each as a general rule on text
written for these tests (none is a probe's sentence; the word lists are the profiles' data):
a forename alone, a forename and patronymic, one sense per run, cues before a name (a verb
of asking, a topic word, a list of persons), what is no person ("St.", a work's title, a
city named after someone, a renamed city), a namesake by an unknown forename, and an
English letter's dateline, salutation words, kinship words and titles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tei.encode import encode_sources
from tei.encode.conventions import load_profile
from tei.encode.letters.lines import called_name, closer_kind
from tei.encode.letters.patterns import patterns_of
from tei.encode.persons import Entry, Register
from tei.xmlio import NSMAP, parse_file

ENGLISH = load_profile("english-letters-19c")


def register() -> Register:
    return Register(
        [
            Entry("rykov", "Rykov, Aleksei"),
            Entry("voroshilov", "Voroshilov, Kliment", ["Klim"]),
            Entry("ordzhonikidze", "Ordzhonikidze, Grigory", ["Sergo"]),
            Entry("andreev", "Andreev, Andrei Andreevich"),
            Entry("zhdanov", "Zhdanov, Andrei"),
            Entry("mikoyan", "Mikoyan, Anastas"),
            Entry("petrov", "Petrov, I.P."),
            Entry("kuibyshev", "Kuibyshev, Valerian"),
            Entry("frunze", "Frunze, Mikhail"),
            Entry("gorky", "Gorky, Maxim"),
        ]
    )


def names(text: str, known: Register | None = None) -> list[tuple[str, str]]:
    """(name as written, register id or "?id" for a provisional entry), in order."""
    found = (known or register()).find_names(text)
    return [(text[m.start : m.end], ("?" if m.provisional else "") + m.entry_id) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. a forename alone is no register person, even the one who has it: a person of
        # the run, one per forename; a variant of the register is its person
        ("The boat brought Aleksei and his sister.", [("Aleksei", "?aleksei")]),
        ("Aleksei wrote twice; Aleksei is tired.", [("Aleksei", "?aleksei")] * 2),
        ("Klim and Sergo stayed at the dacha.", [("Klim", "voroshilov"),
                                                 ("Sergo", "ordzhonikidze")]),
        # 2. a forename and patronymic are one name: the register person whose forenames
        # agree (both given, or the forename where the register gives no patronymic), else
        # a person of the run keyed by both; a surname ending like a patronymic is a surname
        ("Andrei Andreevich came back.", [("Andrei Andreevich", "andreev")]),
        ("Anastas Ivanovich telephoned.", [("Anastas Ivanovich", "mikoyan")]),
        ("Our greetings to Nina Fedorovna. Nina Fedorovna is well.",
         [("Nina Fedorovna", "?nina-fedorovna")] * 2),
        ("Kliment Efremovich Voroshilov spoke.", [("Kliment Efremovich Voroshilov",
                                                   "voroshilov")]),
        ("Moisei Rabinovich spoke.", [("Moisei Rabinovich", "?rabinovich")]),
        # 3. one sense per run; a verb of asking, a topic word, a list of persons
        ("Boris Efimovich Gurko came. Later Gurko left.", [("Boris Efimovich Gurko", "?gurko"),
                                                          ("Gurko", "?gurko")]),
        ("Please tell Budko to wait for us.", [("Budko", "?budko")]),
        ("We will ask Lebed whether the road is open.", [("Lebed", "?lebed")]),
        ("the envoy advised Tokyo that it was free", []),  # a narrative's government
        ("Regarding Lebed. He is in the south.", [("Lebed", "?lebed")]),
        ("About Kharkov. It is cold there.", []),  # a place of the profile
        ("Glazunov, Lyadov and Rameau were played.", [("Glazunov", "?glazunov"),
                                                       ("Lyadov", "?lyadov"),
                                                       ("Rameau", "?rameau")]),
        ("Kharkov, Rostov and Odessa were cold.", []),  # a list of places
        # 4. no persons: Saint, a work's title, places called after persons, a renamed city
        ("St. Tropez was warm.", []),
        ("we heard Dargomyzhsky's Count Nulin of the Old Estate",
         [("Dargomyzhsky", "?dargomyzhsky")]),
        ("the Frunze city committee, the Kuibyshev regional committee and Gorky oblast", []),
        ("Samara became Kuibyshev in 1935.", []),
        ("he became Kuibyshev's deputy", [("Kuibyshev", "kuibyshev")]),
        ("a report on German affairs", []),
        # 5. an unknown forename before a register surname makes a namesake (the register
        # person its candidate), a known one that agrees is the person
        ("At noon Gavriil Petrov spoke.", [("Gavriil Petrov", "?petrov-gavriil")]),
        ("Ivan Petrov spoke first.", [("Ivan Petrov", "petrov")]),
        ("Yesterday Petrov spoke first.", [("Petrov", "petrov")]),
        ("Tell Petrov to come.", [("Petrov", "petrov")]),
    ],
)
def test_probe_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert names(text) == expected


def test_an_unknown_forename_opening_a_sentence_needs_the_runs_words() -> None:
    """ "Gavriil Petrov spoke." opens a sentence: a namesake once the run's sources are read
    (their lower-case words tell verbs, "Summon Petrov", from forenames); before, not."""
    assert names("Gavriil Petrov spoke.") == [("Petrov", "petrov")]
    known = register()
    known.learn(["We summon the clerks.", "Gavriil Petrov spoke. Summon Petrov at once."])
    assert names("Gavriil Petrov spoke. Summon Petrov at once.", known) == [
        ("Gavriil Petrov", "?petrov-gavriil"), ("Petrov", "petrov")]


def test_a_namesake_has_the_register_person_as_candidate() -> None:
    known = register()
    names("At noon Gavriil Petrov spoke.", known)
    assert known.run.entries["petrov-gavriil"].candidate == "petrov"
    names("Aleksei came.", known)
    assert known.run.entries["aleksei"].candidate == "rykov"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dear Sir,", []),
        ("Dear Madame, thank you.", []),
        ("P.S. Father sends his love.", []),
        ("P. S. Aunt Hester is better.", [("Hester", "?hester")]),
        ("Mrs. Hale called, and Margaret Hale stayed to tea.", [("Hale", "?hale"),
                                                               ("Margaret Hale", "?hale")]),
        ("Then Margaret Hale came; Mr. Hale followed.", [("Margaret Hale", "?hale"),
                                                          ("Hale", "?hale")]),
        ("the Scarborough fossils", []),
    ],
)
def test_english_letters(text: str, expected: list[tuple[str, str]]) -> None:
    """Read as a run reads its sources: once before, so that a title met later holds."""
    known = Register.empty(ENGLISH)
    known.learn([text])
    assert names(text, known) == expected


def test_a_datelines_place_and_a_place_after_at_are_places() -> None:
    """ "Scarborough, June 4, 1852." names where a letter was written, "at Filey" a place:
    no person there or anywhere in the run, whatever follows them."""
    known = Register.empty(ENGLISH)
    known.learn(["Scarborough, June 4, 1852.\n\nI walked at Filey, her favourite beach."])
    assert names("Scarborough, June 4, 1852.", known) == []
    assert names("We stayed at Filey, her aunt's village.", known) == []
    assert names("Scarborough was grey.", known) == []


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Regards to Nina Fedorovna.", None),
        ("Greetings to Andrei Andreevich.", None),
        ("Yours, Nina Fedorovna.", "signed"),
    ],
)
def test_a_greeting_to_someone_is_no_signature(line: str, kind: str | None) -> None:
    assert closer_kind(line, register(), 1935) == kind


def test_salutation_words_are_no_name() -> None:
    assert called_name("Dear Madam,", Register.empty(ENGLISH), conventions=ENGLISH) is None
    assert called_name("Dear Hester,", Register.empty(ENGLISH), conventions=ENGLISH) == (5, 11)


def test_patterns_are_built_once_per_profile_object() -> None:
    assert patterns_of(ENGLISH) is patterns_of(ENGLISH)
    assert patterns_of(None) is patterns_of(None)


SOURCE = """\
Rykov to Zhdanov June 3, 1935

Archive: RGASPI F. 1. Op. 2. D. 3. L. 4.
Dear Andrei!

The trains run again. Pavel Ivanovich from the depot asks after you.

Regards to Nina Fedorovna.

Yours, Aleksei.


Zhdanov to Rykov June 9, 1935

Archive: RGASPI F. 1. Op. 2. D. 3. L. 5.
Dear Aleksei!

Thank you. Andrei is well too.

Your Andrei.
"""

REGISTER = """\
<TEI xmlns="http://www.tei-c.org/ns/1.0" type="persons"><teiHeader><fileDesc>
<titleStmt><title>Persons</title></titleStmt><publicationStmt><p>test</p></publicationStmt>
<sourceDesc><p>test</p></sourceDesc></fileDesc></teiHeader><text><body><listPerson>
<person xml:id="rykov"><persName type="reg">Rykov, Aleksei</persName></person>
<person xml:id="zhdanov"><persName type="reg">Zhdanov, Andrei</persName></person>
</listPerson></body></text></TEI>
"""


def test_a_forename_alone_is_the_letters_addressee_or_signer_only(tmp_path: Path) -> None:
    """In a letter to or from the person, the salutation's and signature's forename is
    theirs; elsewhere a forename alone is a person of the run (another Aleksei)."""
    (tmp_path / "letters.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "persons.xml").write_text(REGISTER, encoding="utf-8")
    out = tmp_path / "tei"
    encode_sources([tmp_path / "letters.txt"], out)
    first, second = (parse_file(path) for path in sorted((out / "letters").glob("*.xml")))

    def tagged(tree: object, where: str) -> list[tuple[str, str]]:
        return [("".join(el.itertext()), el.get("ref", ""))
                for el in tree.xpath(f"//tei:{where}//tei:persName", namespaces=NSMAP)]

    assert tagged(first, "salute") == [("Andrei", "persons.xml#zhdanov")]
    assert tagged(first, "signed") == [("Aleksei", "persons.xml#rykov")]
    assert tagged(first, "p") == [("Pavel Ivanovich", "persons.xml#pavel-ivanovich"),
                                  ("Nina Fedorovna", "persons.xml#nina-fedorovna")]
    assert tagged(second, "salute") == [("Aleksei", "persons.xml#rykov")]
    assert tagged(second, "signed") == [("Andrei", "persons.xml#zhdanov")]
    assert tagged(second, "p") == [("Andrei", "persons.xml#andrei")]
