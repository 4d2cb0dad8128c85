"""Persons in running text: the register's, the provisional ones, and what is no person.

Table-driven on a small crafted register (tests/test_persons_register.py covers the output
register, review and merge). The texts are written for these tests, not taken from the
sources: the rules are the profile's data (tei/encode/profiles/*.toml, [persons]).
"""

from __future__ import annotations

import pytest

from tei.encode.conventions import load_profile
from tei.encode.personcues import transliteration_folder
from tei.encode.persons import Entry, Register
from tei.encode.provisional import ProvisionalRegister


def register() -> Register:
    return Register(
        [
            Entry("ezhov", "Ezhov, Nikolai"),
            Entry("iagoda", "Iagoda, Genrikh"),
            Entry("petrovsky", "Petrovsky, Grigory"),
            Entry("tomsky", "Tomsky, Mikhail"),
            Entry("alliluyev", "Alliluyev, Pavel", ["Pavel"]),
            Entry("kirov", "Kirov, Sergei"),
            Entry("gorky", "Gorky, Maxim"),
            Entry("ryutin", "Ryutin, Martemyan"),
            Entry("popov", "Popov, Nikolai"),
            Entry("kuibyshev", "Kuibyshev, Valerian"),
            Entry("lenin", "Lenin, Vladimir"),
            Entry("turbin", "Turbin, Alexei"),
            Entry("blyukher", "Blyukher, Vasily", ["Blucher"]),
            Entry("moscow", "Moscow", [], "placeName"),
        ]
    )


def names(text: str, known: Register | None = None) -> list[tuple[str, str]]:
    """(name as written, register id or "?id" for a provisional entry), in order."""
    found = (known or register()).find_names(text)
    return [(text[m.start : m.end], ("?" if m.provisional else "") + m.entry_id) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the register's, and other spellings of its names (transliteration, diacritics)
        ("Yezhov and Yagoda met.", [("Yezhov", "ezhov"), ("Yagoda", "iagoda")]),
        ("Nikolai Yezhov spoke.", [("Nikolai Yezhov", "ezhov")]),
        ("Blücher arrived.", [("Blücher", "blyukher")]),
        ("the Ryutin group", [("Ryutin", "ryutin")]),
        # a forename alone is no register person, though one has it (a salutation of a
        # letter to them is theirs: tests/test_letters.py)
        ("Dear Valerian!", [("Valerian", "?valerian")]),
        # cues: forms of address, titles, roles, initials, verbs, an author's works
        ("Comrade Bessonov!", [("Bessonov", "?bessonov")]),
        ("the driver Rudakov was ill", [("Rudakov", "?rudakov")]),
        ("the expedition leader, Otto Schmidt, said", [("Otto Schmidt", "?schmidt")]),
        ("signed by A. Bessonov and E. Tarasova", [("A. Bessonov", "?bessonov"),
                                                   ("E. Tarasova", "?tarasova")]),
        ("Count Kleinmichel promised", [("Kleinmichel", "?kleinmichel")]),
        ("they read Gogol's comedy", [("Gogol", "?gogol")]),
        ("Pell replied at once", [("Pell", "?pell")]),
        ("Medved, the head of the NKVD, was removed", [("Medved", "?medved")]),
        ("Lozovsky Bessonov 1935", [("Lozovsky", "?lozovsky"), ("Bessonov", "?bessonov")]),
        # a forename the register knows is no register person before an unknown surname
        ("Pavel Lozovsky wrote", [("Pavel Lozovsky", "?lozovsky")]),
        ("deputy People's Commissar Pavel Lozovsky", [("Pavel Lozovsky", "?lozovsky")]),
        # a near-spelling or a namesake is not the register's person
        ("Petrov came", [("Petrov", "?petrov")]),
        ("V. Popov came", [("V. Popov", "?popov-2")]),
        # no persons: places, things and works named after people, peoples, navigation
        ("the Tomsk line", []),
        ("the Kirov works and the Omsk, Kirov and Ussuri railways", []),
        ("the cruiser Kirov; the Order of Lenin; Cape Chelyuskin", []),
        ("a play called “The Days of the Turbins”", []),
        ("the Maxim Gorky took off", []),
        ("three Maxim Gorkys", []),
        ("Leninsk and Stalingrad", []),
        ("Home Page | Library | Lenin", []),
        ("the Germans asked", []),
        ("Trotsky's Bulletin", [("Trotsky", "?trotsky")]),
        ("coal at Prokopyevsk, in Kharkov and in Moscow", [("Moscow", "moscow")]),
        ("the Franz Josef Land; Malaya Nikitskaya", []),
        ("the General Staff; anti-Soviet elements", []),
    ],
)
def test_persons_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert names(text) == expected


def test_one_sense_per_run() -> None:
    """What one source says holds in all: a surname once cued is a person elsewhere, a word
    met after "in" is a place elsewhere."""
    known = register()
    assert names("Orlov was quiet.", known) == [("Orlov", "?orlov")]  # a surname's shape
    learnt = register()
    learnt.learn(["The camp lay in Orlov.", "Comrade Pell came.", "Orlov was quiet.", "Pell left."])
    assert names("Orlov was quiet.", learnt) == []
    assert names("Pell left.", learnt) == [("Pell", "?pell")]


def test_provisional_entries_group_spellings_and_avoid_register_ids() -> None:
    known = register()
    text = "Pavel Lozovsky came. Lozovsky left. P. Lozovsky wrote. Pavel Grigorievich signed."
    assert {ref for _name, ref in names(text, known)} == {"?lozovsky"}
    entry = known.run.entries["lozovsky"]
    assert entry.regularised == "Lozovsky, Pavel"
    assert entry.spellings == ["Pavel Lozovsky", "Lozovsky", "P. Lozovsky", "Pavel Grigorievich"]
    # the register's "popov" is taken: the namesake gets another id, the same on every run
    assert names("V. Popov. Vasily Popov.", known) == [("V. Popov", "?popov-2"),
                                                        ("Vasily Popov", "?popov-2")]
    assert known.run.entries["popov-2"].candidate == "popov"


def test_near_spellings_of_one_register_person_are_one_provisional_person() -> None:
    known = Register([Entry("sheboldaev", "Sheboldaev, Boris")])
    assert names("Sheboddaev and Shebodtsaev", known) == [("Sheboddaev", "?sheboddaev"),
                                                           ("Shebodtsaev", "?sheboddaev")]
    assert known.run.entries["sheboddaev"].candidate == "sheboldaev"


def test_correspondents_are_registered_provisionally() -> None:
    """The letters' contract: resolve first, then provisional for who the register lacks."""
    known = register()
    assert known.resolve("Bessonov") is None
    match = known.provisional("Tov. Bessonov")
    assert match.provisional and match.ref == "persons.xml#bessonov" and match.tag == "persName"
    group = known.provisional("the Board of the Commissariat", "orgName")
    assert group.tag == "orgName" and group.provisional
    assert known.run.entries[group.entry_id].regularised == "the Board of the Commissariat"
    # the text finds the correspondent too, and resolve still names only the register
    assert names("Bessonov reported", known) == [("Bessonov", "?bessonov")]
    assert known.resolve("Bessonov") is None


@pytest.mark.parametrize(
    ("written", "read"),
    [("Yezhov", "Ezhov"), ("Yagoda", "Iagoda"), ("Fyodor", "Fedor"), ("Dmitriy", "Dmitrii"),
     ("Blücher", "Blucher"), ("Semyonov", "Semenov"), ("Alexei", "Aleksei")],
)
def test_transliteration_folds_are_data(written: str, read: str) -> None:
    fold = transliteration_folder(load_profile("soviet-documents-en").transliteration)
    assert fold(written) == fold(read)


def test_ids_are_derived_from_names_and_never_clash() -> None:
    run = ProvisionalRegister({"smith", "smith-john"}, str.lower)
    assert [run.add(name).xml_id for name in ("John Smith", "Mary Smith", "J. Smith")] == [
        "smith-2", "smith-mary", "smith-2"]
