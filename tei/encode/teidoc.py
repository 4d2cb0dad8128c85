"""Building TEI documents: the element factory and the parts every document shares."""

from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker

from tei.xmlio import TEI_NS, XML_NS

#: Element factory in the TEI namespace: ``E.p("text", E.persName(...))``.
E = ElementMaker(namespace=TEI_NS, nsmap={None: TEI_NS})

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"


def tei(tag: str) -> str:
    """The Clark name of a TEI element: ``tei("p")`` → ``{http://www.tei-c.org/ns/1.0}p``."""
    return f"{{{TEI_NS}}}{tag}"


def new_document(
    doc_id: str,
    doc_type: str,
    title: str,
    publication_note: str,
    source_desc: etree._Element,
    profile_desc: etree._Element | None = None,
) -> tuple[etree._Element, etree._Element]:
    """Start a TEI document; return its root and its (empty) ``body``."""
    file_desc = E.fileDesc(
        E.titleStmt(E.title(title)),
        E.publicationStmt(E.p(publication_note)),
        E.sourceDesc(source_desc),
    )
    header = E.teiHeader(file_desc)
    if profile_desc is not None:
        header.append(profile_desc)
    body = E.body()
    root = E.TEI(header, E.text(body))
    root.set("type", doc_type)
    root.set(XML_ID, doc_id)
    root.set(XML_LANG, "en")
    return root, body


def last_child(element: etree._Element) -> etree._Element | None:
    """The last child of ``element``, or None.

    element[-1], not len(element): lxml counts the children one by one, so asking at every
    child added (every piece of a paragraph's text) is quadratic in a long paragraph.
    """
    try:
        return element[-1]
    except IndexError:
        return None


def append_text(element: etree._Element, text: str) -> None:
    """Append ``text`` after the last child of ``element`` (or as its text)."""
    if not text:
        return
    last = last_child(element)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text
