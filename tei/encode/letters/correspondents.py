"""Who wrote a letter and to whom: the header's correspondents, checked against the
signature and the address; where it was sent from and to.

Every correspondent gets a ``@ref``: the register's entry when it knows the name (variants,
initials, forms of address), else a provisional entry of this run
(:meth:`Register.provisional`), for the editor to review. "Unknown" is left only for a
correspondent nobody could read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from tei.encode.conventions import Conventions
from tei.encode.dates import DateValue
from tei.encode.letters.headers import Correspondent, Header
from tei.encode.letters.lines import signer_by_shape
from tei.encode.persons import NameMatch, Register
from tei.encode.teidoc import E

#: A correspondent nobody could read, as CMIF names one ("Unknown").
UNKNOWN_CORRESPONDENT = "Unknown"


@dataclass(frozen=True)
class Party:
    """One correspondent: the entry ``ref`` points at, the name correspDesc gives, and the
    short name a title gives ("Stalin")."""

    ref: str
    name: str
    short_name: str
    tag: str = "persName"
    #: The register lacks this correspondent: a provisional entry of the run.
    provisional: bool = False
    #: The first forename, which a signature may give alone ("Yours, Eleanor."), if known.
    forename: str = ""


@dataclass
class Parties:
    """A letter's senders and recipients, and what reading them noticed."""

    senders: list[Party]
    recipients: list[Party]
    warnings: list[str] = field(default_factory=list)

    @property
    def addressee(self) -> str | None:
        """The @ref of the one person the letter is addressed to, if it has one."""
        if len(self.recipients) == 1 and self.recipients[0].tag == "persName":
            return self.recipients[0].ref
        return None

    @property
    def sender(self) -> Party | None:
        """The one person the letter is from, if it has one."""
        if len(self.senders) == 1 and self.senders[0].tag == "persName":
            return self.senders[0]
        return None


def party(match: NameMatch, printed: str, register: Register) -> Party:
    """The correspondent ``match`` resolved ``printed`` to."""
    entry = register.entries.get(match.entry_id)
    if entry is None:  # a provisional entry: its name is the one printed
        words = printed.split()
        forename = words[0] if len(words) > 1 and match.tag == "persName" else ""
        return Party(match.ref, printed, printed, match.tag, provisional=True, forename=forename)
    name = entry.display_name if entry.tag == "persName" else entry.regularised
    first = entry.forenames.split()[0] if entry.tag == "persName" and entry.forenames else ""
    return Party(match.ref, name, entry.surname, entry.tag, forename=first)


def _named_party(printed: str, tag: str, register: Register) -> Party:
    match = register.resolve(printed) or register.provisional(printed, tag)
    return party(match, printed, register)


def header_parties(header: Header | None, register: Register) -> Parties:
    """The senders and recipients the header names; the ones the register lacks get their
    provisional entries now, so that the letter's text finds them too."""
    if header is None:
        return Parties([], [])

    def read(correspondents: tuple[Correspondent, ...]) -> list[Party]:
        return [
            party(c.match, c.text, register)
            if c.match
            else _named_party(c.entry_name or c.text, c.tag, register)
            for c in correspondents
        ]

    return Parties(read(header.senders), read(header.recipients))


def _names_in(element: etree._Element, register: Register) -> list[Party]:
    """The persons and groups named in ``element`` itself: the editors' notes inside it name
    other people."""
    text = "".join(element.xpath(".//text()[not(ancestor::*[local-name()='note'])]"))
    return [
        party(match, text[match.start : match.end], register)
        for match in register.find_names(text)
        if match.tag != "placeName"
    ]


def _signers(
    div: etree._Element, register: Register, conventions: Conventions | None, *, by_shape: bool
) -> list[Party]:
    """Who signed: the persons the first signature names, or (``by_shape``) the name it
    signs with by its shape ("C. Darwin.") when the register lacks it."""
    signed = div.find(".//{*}closer/{*}signed")
    if signed is None:
        return []
    signers = [p for p in _names_in(signed, register) if p.tag == "persName"]
    if not signers and by_shape:
        text = "".join(signed.xpath(".//text()[not(ancestor::*[local-name()='note'])]"))
        name = signer_by_shape(text, conventions=conventions)
        signers = [_named_party(name, "persName", register)] if name else []
    return _unique(signers)


def _unique(parties: list[Party]) -> list[Party]:
    first: dict[str, Party] = {}
    for each in parties:
        first.setdefault(each.ref, each)
    return list(first.values())


def read_parties(
    named: Parties,
    div: etree._Element,
    register: Register,
    where: str,
    *,
    conventions: Conventions | None = None,
) -> Parties:
    """The header's correspondents (``named``), checked against the signature and the
    address; a letter without a header takes them from its signature and address."""
    headerless = not named.senders and not named.recipients
    # A signer read by its shape alone is needed only where no header names the sender.
    signers = _signers(div, register, conventions, by_shape=headerless)
    addressed = _unique(
        [
            p
            for line in [
                *div.iterfind("{*}opener/{*}address/{*}addrLine"),
                *div.iterfind("{*}opener/{*}salute"),
            ]
            for p in _names_in(line, register)
        ]
    )
    signer_refs = {p.ref for p in signers}
    if headerless:
        parties = Parties(signers, [p for p in addressed if p.ref not in signer_refs])
        if not parties.senders or not parties.recipients:
            parties.warnings.append(
                f"{where}: a document without a header whose correspondents could not all be "
                "read from its signature and address"
            )
        return parties
    senders, recipients = named.senders, named.recipients
    # Only a signer the register knows may overrule the header: a name read by its shape
    # alone ("Your Sergo.") may be the sender's first name or nickname.
    known_signers = [p for p in signers if not p.provisional]
    if not known_signers or signer_refs & {p.ref for p in senders}:
        return Parties(senders, recipients)
    warning = (
        f"{where}: the header names {', '.join(p.short_name for p in senders)} as sender, "
        f"but the letter is signed by {', '.join(p.short_name for p in signers)}; "
        "correspDesc follows the signature and address"
    )
    addressed_others = [p for p in addressed if p.ref not in signer_refs]
    # Without an address of its own, the letter went to the header's senders.
    return Parties(signers, addressed_others or senders, [warning])


def corresp_desc(
    parties: Parties,
    date: DateValue | None,
    date_text: str | None,
    div: etree._Element,
    notes: list[etree._Element],
    register: Register,
) -> etree._Element:
    """``correspDesc``: who sent it, from where and when; who received it, and where."""
    sent = E.correspAction(type="sent")
    for sender in parties.senders:
        sent.append(E(sender.tag, sender.name, ref=sender.ref))
    sent_from = place_sent_from(notes, register) or place_of_dateline(div)
    if sent_from:
        sent.append(_place(sent_from, register))
    if date is not None:
        sent.append(E.date(date_text or "", **date.attrib()))
    received = E.correspAction(type="received")
    for recipient in parties.recipients:
        received.append(E(recipient.tag, recipient.name, ref=recipient.ref))
    received_at = place_addressed(div, register)
    if received_at:
        received.append(_place(received_at, register))
    for action in (sent, received):
        # Nobody read from header, signature or address: said as CMIF says it, since TEI
        # allows no correspAction without content (and the warning asks for a name).
        if action.find("{*}persName") is None and action.find("{*}orgName") is None:
            action.insert(0, E.persName(UNKNOWN_CORRESPONDENT))
    return E.correspDesc(sent, received)


def id_part(parties: list[Party]) -> str:
    """The first correspondent in a letter's id: its entry's id."""
    return parties[0].ref.partition("#")[2] if parties else "unknown"


def place_sent_from(notes: list[etree._Element], register: Register) -> str | None:
    """Where the editors' notes say the letter was sent from ("Sent in code from Sochi")."""
    for note in notes:
        text = "".join(note.itertext())
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if not re.search(r"\b[Ss]ent\b", sentence):
                continue
            for match in register.find_names(sentence):
                if match.tag == "placeName" and sentence[: match.start].endswith("from "):
                    return match.ref
    return None


def place_of_dateline(div: etree._Element) -> str | None:
    """The place a dateline names, when the register knows it ("Sochi, 7.VIII.33")."""
    for dateline in div.iter("{*}dateline"):
        for place in dateline.iterfind("{*}placeName[@ref]"):
            return place.get("ref")
    return None


def place_addressed(div: etree._Element, register: Register) -> str | None:
    """The place an address line opens with ("Sochi, Comrade Stalin.", "Moscow. CC ON.")."""
    for line in div.iterfind("{*}opener/{*}address/{*}addrLine"):
        matches = register.find_names("".join(line.itertext()))
        if matches and matches[0].tag == "placeName" and matches[0].start == 0:
            return matches[0].ref
    return None


def _place(ref: str, register: Register) -> etree._Element:
    entry = register.entries.get(ref.partition("#")[2])
    return E.placeName(entry.regularised if entry else ref, ref=ref)
