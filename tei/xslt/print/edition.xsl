<?xml version="1.0" encoding="UTF-8"?>
<!--
  print/edition.xsl: the whole print edition as ONE Typst source, compiled to PDF by the
  typst package (tei/render/pdf.py).

  Input: the manifest of the edition model (tei/edition.py, read through ../model.xsl), its
  documents already selected and in print order (introductions, letters by date, chapters,
  then other texts): each a t:doc with its kind, id, letter number (@n) and t:meta (title,
  senders, addressees, date), holding its tei:TEI; the registers in t:registers.

  The output begins with the templates of print/edition.typ (page, headings, notes, index),
  copied in, so that the source compiles alone in a folder that holds nothing else.

  Transcription markup (choice, del/add, lb, pb, hi, ref, gap, back lists, labelled divs) is
  ../transcription.xsl's, included: the section "transcription hooks" below fills its hooks
  with Typst and prints one reading, $reading (common.xsl; 'normalised' by default).

  TEI text is never Typst code. Every text node goes through p:esc (each character that has
  a meaning in Typst markup is escaped with a backslash), every value handed to a Typst
  function as a string through p:str (a string literal). Ids never become labels: mentions
  and notes are found through fixed labels and string values.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:p="urn:teitool:print"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <xsl:import href="../common.xsl"/>
  <xsl:include href="../model.xsl"/>
  <!-- Transcription markup: what each element is; its Typst is in the hooks below. -->
  <xsl:include href="../transcription.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- Typst paper name: "a4", "a5", "us-letter". -->
  <xsl:param name="paper" as="xs:string" select="'a4'"/>
  <!-- A title given by the caller wins over the one found in the documents. -->
  <xsl:param name="title" as="xs:string" select="''"/>
  <!-- The [edition] metadata (tei/export.py), each empty when not given. -->
  <xsl:param name="editor" as="xs:string" select="''"/>
  <xsl:param name="publisher" as="xs:string" select="''"/>
  <xsl:param name="licence" as="xs:string" select="''"/>
  <xsl:param name="url" as="xs:string" select="''"/>
  <xsl:param name="description" as="xs:string" select="''"/>
  <!-- The date the edition stands for (SOURCE_DATE_EPOCH or the sources' latest change). -->
  <xsl:param name="date" as="xs:string" select="''"/>
  <xsl:param name="line-numbers" as="xs:boolean" select="false()"/>

  <xsl:variable name="docs" select="/t:edition/t:doc[@kind != 'persons']"/>
  <xsl:variable name="registers" select="/t:edition/t:registers"/>
  <xsl:variable name="intros" select="$docs[@kind = 'introduction']"/>
  <xsl:variable name="letters" select="$docs[@kind = 'letter']"/>
  <xsl:variable name="chapters" select="$docs[@kind = 'chapter']"/>
  <xsl:variable name="others" select="$docs except ($intros, $letters, $chapters)"/>

  <!-- The edition's title: the caller's, else the title of the correspondence's introduction
       (the editors name the collection there), else a description of what is printed. -->
  <xsl:variable name="edition-title" as="xs:string" select="
    if (normalize-space($title)) then normalize-space($title)
    else if ($intros) then p:collection-title($intros[1]/tei:TEI)
    else if ($letters) then 'Letters'
    else if (count($chapters) = 1) then t:doc-title($chapters)
    else if ($chapters) then 'Chapters'
    else 'Documents'"/>

  <!-- ================================================================= escaping -->

  <!-- Text for Typst markup: whitespace (and what Typst takes for a line's end) as one space,
       and a backslash before every ASCII
       character that means something there (#, $, *, _, `, @, <, >, [, ], =, -, /, +, ~,
       quotes, ., :, parentheses, \ itself), so that it prints as itself.
       Every text node of the edition comes through here: ";j" (Saxon's flag for the JDK's
       regex engine) makes the stylesheet about three times as fast as Saxon's own engine,
       with the same result for these patterns (the JDK's \s adds only \v and \f, which
       XML text cannot hold; the one & in the class is no "&&"). -->
  <xsl:function name="p:esc" as="xs:string">
    <xsl:param name="text" as="xs:string?"/>
    <xsl:sequence select="replace(replace(string($text), '[\s&#x85;&#x2028;&#x2029;]+', ' ', ';j'),
      '([\\#$*_`@&lt;&gt;\[\]=\-/+~''&quot;.:(){}|^;,!?%&amp;])', '\\$1', ';j')"/>
  </xsl:function>

  <!-- A Typst string literal. -->
  <xsl:function name="p:str" as="xs:string">
    <xsl:param name="text" as="xs:string?"/>
    <xsl:sequence select="'&quot;' || replace(replace(normalize-space($text), '\\', '\\\\'), '&quot;', '\\&quot;') || '&quot;'"/>
  </xsl:function>

  <!-- A Typst content block holding escaped text. -->
  <xsl:function name="p:content" as="xs:string">
    <xsl:param name="text" as="xs:string?"/>
    <xsl:sequence select="'[' || p:esc(normalize-space($text)) || ']'"/>
  </xsl:function>

  <xsl:template match="text()">{p:esc(t:text(.))}</xsl:template>

  <!-- A block: a paragraph break before and after, so it stands as a paragraph of its own. -->
  <xsl:template name="p:block">
    <xsl:param name="call" as="xs:string" select="''"/>
    <xsl:text>&#10;&#10;</xsl:text>
    <xsl:if test="$call">#{$call}[</xsl:if>
    <xsl:apply-templates/>
    <xsl:if test="$call">]</xsl:if>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="p:inline">
    <xsl:param name="call" as="xs:string"/>
    <xsl:text>#{$call}[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- ================================================================= the book -->

  <xsl:template match="/">
    <xsl:value-of select="unparsed-text(resolve-uri('edition.typ', static-base-uri()))"/>
    <xsl:text>&#10;// ---- generated by teitool from TEI: everything below is data, escaped&#10;</xsl:text>
    <xsl:call-template name="p:document-metadata"/>
    <xsl:text>#show: edition.with(paper: {p:str($paper)}, line-numbers: {$line-numbers})&#10;</xsl:text>
    <xsl:call-template name="p:title-page"/>
    <xsl:text>#contents()&#10;</xsl:text>
    <xsl:call-template name="p:part">
      <xsl:with-param name="title" select="'Introduction'"/>
      <xsl:with-param name="docs" select="$intros"/>
    </xsl:call-template>
    <xsl:call-template name="p:part">
      <xsl:with-param name="title" select="'Letters'"/>
      <xsl:with-param name="docs" select="$letters"/>
    </xsl:call-template>
    <xsl:call-template name="p:part">
      <xsl:with-param name="title" select="'Chapters'"/>
      <xsl:with-param name="docs" select="$chapters"/>
    </xsl:call-template>
    <xsl:call-template name="p:part">
      <xsl:with-param name="title" select="'Other documents'"/>
      <xsl:with-param name="docs" select="$others"/>
    </xsl:call-template>
    <xsl:call-template name="p:index"/>
  </xsl:template>

  <!-- Title, Author, Subject, Keywords and date of the PDF (its Info and XMP). -->
  <xsl:template name="p:document-metadata">
    <xsl:variable name="keywords" select="distinct-values(('TEI', 'edition',
      if ($letters) then 'letters' else (), if ($chapters) then 'chapters' else ()))"/>
    <xsl:text>#set document(title: {p:str($edition-title)}</xsl:text>
    <xsl:if test="normalize-space($editor)">, author: ({string-join(tokenize($editor, '\s*;\s*')[.] ! p:str(.), ', ')},)</xsl:if>
    <xsl:if test="normalize-space($description)">, description: {p:str($description)}</xsl:if>
    <xsl:text>, keywords: ({string-join($keywords ! p:str(.), ', ')},)</xsl:text>
    <xsl:if test="matches($date, '^\d{4}-\d{2}-\d{2}$')">
      <xsl:text>, date: datetime(year: {xs:integer(substring($date, 1, 4))}, month: {xs:integer(substring($date, 6, 2))}, day: {xs:integer(substring($date, 9, 2))})</xsl:text>
    </xsl:if>
    <xsl:text>)&#10;</xsl:text>
  </xsl:template>

  <!-- The collection an introduction introduces: the title of the work its header cites
       (sourceDesc/bibl/title), else its own title without a leading "Introduction:". -->
  <xsl:function name="p:collection-title" as="xs:string">
    <xsl:param name="intro" as="element(tei:TEI)"/>
    <xsl:variable name="file" select="$intro/tei:teiHeader/tei:fileDesc"/>
    <xsl:variable name="cited" select="t:plain(($file/tei:sourceDesc//tei:bibl/tei:title)[1])"/>
    <xsl:sequence select="if ($cited) then $cited
      else replace(t:plain($file/tei:titleStmt/tei:title[1]), '^Introduction\s*[:.–-]\s*', '', 'i')"/>
  </xsl:function>

  <!-- ================================================================= title page -->

  <xsl:template name="p:title-page">
    <xsl:text>#title-page(title: {p:content($edition-title)}</xsl:text>
    <xsl:if test="$letters">
      <xsl:variable name="keys" select="sort($letters ! t:date-key(t:doc-date(.)))[. ne '9999']"/>
      <xsl:variable name="span" select="if (exists($keys)) then ', ' || t:format-iso($keys[1])
        || (if ($keys[last()] ne $keys[1]) then ' – ' || t:format-iso($keys[last()]) else '') else ''"/>
      <xsl:text>, subtitle: {p:content(count($letters) || (if (count($letters) = 1) then ' letter' else ' letters') || $span)}</xsl:text>
    </xsl:if>
    <xsl:if test="$chapters">
      <xsl:variable name="with" select="(if ($letters or $intros) then 'with ' else '') || count($chapters)
        || (if (count($chapters) = 1) then ' chapter excerpt' else ' chapter excerpts') || ' from'"/>
      <xsl:text>, chapters: ({string-join((p:content($with), distinct-values($chapters/tei:TEI ! p:bibl-line(.)) ! p:content(.)), ', ')},)</xsl:text>
    </xsl:if>
    <xsl:if test="normalize-space($editor)">, editors: {p:content('Edited by ' || $editor)}</xsl:if>
    <xsl:variable name="imprint" select="(
      $publisher[normalize-space()],
      if (matches($date, '^\d{4}')) then substring($date, 1, 4) else (),
      $url[normalize-space()],
      if (normalize-space($licence)) then 'Licence: ' || $licence else (),
      'A print edition from TEI P5 sources, typeset with teitool.')"/>
    <xsl:text>, imprint: ({string-join($imprint ! p:content(.), ', ')},))&#10;</xsl:text>
  </xsl:template>

  <!-- One line naming the book a chapter comes from, as its header's bibl records it. -->
  <xsl:function name="p:bibl-line" as="xs:string">
    <xsl:param name="doc" as="element(tei:TEI)"/>
    <xsl:variable name="bibl" select="$doc/tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:bibl[1]"/>
    <xsl:sequence select="if ($bibl) then t:plain($bibl)
      else string-join($doc/tei:teiHeader/tei:fileDesc/tei:titleStmt/(tei:author, tei:title) ! t:plain(.), ', ')"/>
  </xsl:function>

  <!-- ================================================================= parts, documents -->

  <xsl:template name="p:part">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="docs" as="element(t:doc)*"/>
    <xsl:if test="$docs">
      <xsl:text>&#10;#part({p:content($title)}, {p:str($title)})&#10;</xsl:text>
      <xsl:apply-templates select="$docs" mode="p:document"/>
    </xsl:if>
  </xsl:template>

  <xsl:function name="p:doc-id" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="string($doc/@id)"/>
  </xsl:function>

  <xsl:function name="p:doc-title" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="t:doc-title($doc)"/>
  </xsl:function>

  <!-- A correspondent (t:sender, t:addressee) as the heading names them: the register's
       surname for a person with a regularised "Surname, Forename", else the name given. -->
  <xsl:function name="p:party" as="xs:string">
    <xsl:param name="party" as="element()"/>
    <xsl:variable name="reg" select="string(t:entity-of($party, $party/@key)[contains(@name, ', ')]/@name)"/>
    <xsl:sequence select="if ($party/@kind = 'person' and $reg) then substring-before($reg, ',')
      else normalize-space($party)"/>
  </xsl:function>

  <xsl:function name="p:parties" as="xs:string">
    <xsl:param name="parties" as="element()*"/>
    <xsl:sequence select="if ($parties) then string-join($parties ! p:party(.), ', ') else '[unknown]'"/>
  </xsl:function>

  <!-- The date as the heading prints it: editors' dates in brackets, bounds in words. -->
  <xsl:function name="p:heading-date" as="xs:string">
    <xsl:param name="date" as="element()?"/>
    <xsl:sequence select="
      if (empty($date)) then 'undated'
      else if ($date/@when and $date/@cert) then '[' || t:format-iso($date/@when) || ']'
      else t:date-value($date)"/>
  </xsl:function>

  <!-- "12. Kaganovich to Stalin, 6 June 1932" ($between: ' to ' for the running head,
       ' → ' for the heading): the letter's number in the edition (date order, given by
       tei.render.pdf.letter_numbers as @n) tells same-day letters apart. The date is in the
       label, so that the contents and the bookmarks tell same-day letters of the same
       correspondents apart. -->
  <xsl:function name="p:letter-label" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="between" as="xs:string"/>
    <xsl:sequence select="($doc/@n ! (. || '. '), '')[1] || p:parties(t:parties($doc, 'sender')) || $between
      || p:parties(t:parties($doc, 'addressee')) || ', ' || p:heading-date(t:doc-date($doc))"/>
  </xsl:function>

  <xsl:template match="t:doc[@kind = 'introduction']" mode="p:document">
    <xsl:text>&#10;#metadata({p:str(p:doc-id(.))})&lt;doc&gt;&#10;</xsl:text>
    <xsl:apply-templates select="tei:TEI/tei:text"/>
  </xsl:template>

  <xsl:template match="t:doc[@kind = 'letter']" mode="p:document">
    <xsl:variable name="date" select="t:doc-date(.)"/>
    <xsl:variable name="ms" select="tei:TEI/tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:msDesc"/>
    <!-- The line under the heading says what more is known of the date. -->
    <xsl:variable name="date-line" select="string-join((
      if ($date/@cert) then '(date supplied by the editors)' else (),
      t:meta/t:place[@role = 'sent'] ! normalize-space(.)), ', ')"/>
    <xsl:text>&#10;#metadata({p:str(p:doc-id(.))})&lt;doc&gt;&#10;</xsl:text>
    <xsl:text>#letter(running: {p:str(p:letter-label(., ' to '))}, title: {p:content(p:letter-label(., ' → '))}, </xsl:text>
    <xsl:text>date: {if ($date-line) then p:content($date-line) else 'none'}</xsl:text>
    <xsl:variable name="archival" select="p:archival($ms)"/>
    <xsl:if test="$archival">, archival: {p:content($archival)}</xsl:if>
    <xsl:text>)[</xsl:text>
    <xsl:apply-templates select="tei:TEI/tei:text"/>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <!-- The archival reference: repository, shelfmarks, and the document's form. -->
  <xsl:function name="p:archival" as="xs:string">
    <xsl:param name="ms" as="element()?"/>
    <xsl:variable name="refs" select="$ms/tei:msIdentifier/(tei:idno | tei:altIdentifier/tei:idno) ! t:plain(.)"/>
    <xsl:variable name="form" select="($ms/tei:physDesc/tei:p ! t:plain(.), $ms/tei:physDesc/tei:objectDesc/@form ! string())[1]"/>
    <xsl:sequence select="if (empty($ms)) then '' else
      string-join(($ms/tei:msIdentifier/tei:repository ! t:plain(.), string-join($refs, '; ')[. ne '']), ' ')
      || ($form ! (' · ' || .))"/>
  </xsl:function>

  <xsl:template match="t:doc[@kind = 'chapter']" mode="p:document">
    <xsl:variable name="stmt" select="tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt"/>
    <xsl:text>&#10;#metadata({p:str(p:doc-id(.))})&lt;doc&gt;&#10;</xsl:text>
    <xsl:text>#chapter(running: {p:str(p:doc-title(.))}, title: {p:content(p:doc-title(.))}, new-page: {exists(preceding-sibling::t:doc[@kind = 'chapter'])}</xsl:text>
    <xsl:if test="$stmt/tei:author">, byline: {p:content(string-join($stmt/tei:author ! t:plain(.), ', '))}</xsl:if>
    <xsl:for-each select="tei:TEI/tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:bibl[1]">, source: {p:content(t:plain(.))}</xsl:for-each>
    <xsl:text>)[</xsl:text>
    <xsl:apply-templates select="tei:TEI/tei:text"/>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <!-- A document of another kind (a text): its title and all its text. -->
  <xsl:template match="t:doc" mode="p:document">
    <xsl:variable name="tei" select="tei:TEI"/>
    <xsl:text>&#10;#metadata({p:str(p:doc-id(.))})&lt;doc&gt;&#10;</xsl:text>
    <xsl:text>#other(running: {p:str(p:doc-title(.))}, title: {p:content(p:doc-title(.))})[</xsl:text>
    <xsl:apply-templates select="$tei/(tei:text, tei:standOff, tei:facsimile, tei:sourceDoc,
      * except (tei:teiHeader, tei:text, tei:standOff, tei:facsimile, tei:sourceDoc))"/>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <!-- ================================================================= structure -->

  <!-- Containers. common.xsl has the same for all but div, yet an importer's templates win
       over the imported ones whatever their priority, so this stylesheet's "*" fallback would
       take them: each element the print edition shows is matched here. -->
  <xsl:template match="tei:text | tei:body | tei:front | tei:back | tei:group | tei:div">
    <xsl:apply-templates/>
  </xsl:template>

  <!-- A letter's header line as the source prints it: a small line under the heading. -->
  <xsl:template match="tei:div[@type = 'letter']/tei:head" priority="2">
    <xsl:call-template name="p:block"><xsl:with-param name="call" select="'head-as-printed'"/></xsl:call-template>
  </xsl:template>

  <!-- Headings inside documents sit under the document's title: not in the contents. -->
  <xsl:template match="tei:div/tei:head">
    <xsl:call-template name="p:block">
      <xsl:with-param name="call" select="'subhead(' || min((count(ancestor::tei:div) + 2, 6)) || ')'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:p | tei:head | tei:salute | tei:addrLine | tei:ab | tei:l">
    <xsl:call-template name="p:block"/>
  </xsl:template>

  <!-- A paragraph the source sets to one side (a signature on the right, a closing centred). -->
  <xsl:template match="tei:p[t:styles(.) = ('align-right', 'align-center')]">
    <xsl:call-template name="p:block">
      <xsl:with-param name="call" select="t:styles(.)[. = ('align-right', 'align-center')][1]"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Parts of a letter: each a function of edition.typ of the element's own name. -->
  <xsl:template match="tei:opener | tei:address | tei:closer | tei:signed | tei:dateline | tei:postscript">
    <xsl:call-template name="p:block"><xsl:with-param name="call" select="local-name()"/></xsl:call-template>
  </xsl:template>
  <xsl:template match="tei:seg[@type = 'mark']"><xsl:call-template name="p:block"><xsl:with-param name="call" select="'mark'"/></xsl:call-template></xsl:template>
  <xsl:template match="tei:lg"><xsl:call-template name="p:block"><xsl:with-param name="call" select="'block'"/></xsl:call-template></xsl:template>

  <!-- Lists: each item a content argument. -->
  <xsl:template match="tei:list">
    <xsl:variable name="call" select="if (tei:item and (every $i in tei:item satisfies t:own-number($i))) then 'own-numbers'
      else if (@type = 'ordered') then 'enum' else 'list'"/>
    <xsl:text>&#10;&#10;#{$call}(</xsl:text>
    <xsl:for-each select="tei:item">
      <xsl:if test="position() gt 1">, </xsl:if>
      <xsl:if test="$call = 'enum' and @n castable as xs:integer">enum.item({xs:integer(@n)})</xsl:if>
      <xsl:text>[</xsl:text><xsl:apply-templates/><xsl:text>]</xsl:text>
    </xsl:for-each>
    <xsl:text>)&#10;&#10;</xsl:text>
    <xsl:apply-templates select="* except tei:item"/>
  </xsl:template>

  <!-- A table of figures ("Ukraine - 5000" lines): labels left, figures right. -->
  <xsl:template match="tei:table">
    <xsl:variable name="columns" select="max((tei:row ! count(tei:cell), 1))"/>
    <xsl:apply-templates select="tei:head"/>
    <xsl:text>&#10;&#10;#figures({$columns}</xsl:text>
    <xsl:for-each select="tei:row">
      <xsl:for-each select="tei:cell">, [<xsl:apply-templates/>]</xsl:for-each>
      <!-- A short row is filled, so the next row starts in the first column. -->
      <xsl:for-each select="1 to $columns - count(tei:cell)">, []</xsl:for-each>
    </xsl:for-each>
    <xsl:text>)&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="tei:table/tei:head" priority="3">
    <xsl:call-template name="p:block"><xsl:with-param name="call" select="'emph'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:cit">
    <xsl:call-template name="p:block"/>
  </xsl:template>

  <!-- A quotation standing between paragraphs is a block; one inside a sentence is inline. -->
  <xsl:template match="tei:quote[parent::tei:div or parent::tei:cit or parent::tei:body or tei:p]">
    <xsl:text>&#10;&#10;#quote(block: true)[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="tei:quote | tei:q">
    <xsl:call-template name="p:inline"><xsl:with-param name="call" select="'quote'"/></xsl:call-template>
  </xsl:template>

  <!-- The running head of the printed source is no part of the text. (Restated from
       common.xsl: this stylesheet's own "*" fallback would otherwise print it. Comments and
       processing instructions are common.xsl's.) -->
  <xsl:template match="tei:fw"/>

  <!-- ================================================================= inline -->

  <xsl:template match="tei:emph | tei:title[ancestor::tei:text] | tei:foreign">
    <xsl:call-template name="p:inline"><xsl:with-param name="call" select="'emph'"/></xsl:call-template>
  </xsl:template>

  <!-- Names, dates, places and other phrases print as their words. -->
  <xsl:template match="tei:seg | tei:date | tei:time | tei:placeName | tei:persName | tei:orgName | tei:rs">
    <xsl:apply-templates/>
  </xsl:template>

  <!-- A name the index lists: the page of each mention is found through the label. -->
  <xsl:template match="tei:text//*[@t:key]" priority="2">
    <xsl:text>#mention({p:str(@t:key)})[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- ================================================================= notes -->

  <!-- A footnote at the foot of its page. Typst numbers them through the volume, so no page
       shows a number twice; the note's own @n (the source's numbering) is not printed. -->
  <xsl:template match="tei:note[t:is-footnote(.)]">
    <xsl:text>#footnote[</xsl:text>
    <xsl:apply-templates/>
    <xsl:text>]&lt;{p:note-label(.)}&gt;</xsl:text>
  </xsl:template>

  <!-- Labels are made from generate-id() (letters and digits), never from the TEI's ids. -->
  <xsl:function name="p:note-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="'note-' || generate-id($note)"/>
  </xsl:function>

  <!-- A note whose marker the source lost: no marker in the text; printed where it stands. -->
  <xsl:template match="tei:note[t:is-footnote(.)][@type = 'unanchored']" priority="2">
    <xsl:call-template name="p:block"><xsl:with-param name="call" select="'unanchored'"/></xsl:call-template>
  </xsl:template>

  <!-- A second marker of a note: the same number, pointing to the same note. -->
  <xsl:template match="tei:ref[@type = 'noteAnchor']">
    <xsl:variable name="target" select="substring-after(@target, '#')"/>
    <xsl:variable name="note" select="(ancestor::tei:TEI//tei:note[@xml:id = $target][t:is-footnote(.)][not(@type = 'unanchored')])[1]"/>
    <xsl:choose>
      <xsl:when test="$note">#footnote(&lt;{p:note-label($note)}&gt;)</xsl:when>
      <xsl:otherwise><xsl:call-template name="p:inline"><xsl:with-param name="call" select="'super'"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Chapter endnote markers: superscript numbers (the texts are not in the sources). -->
  <xsl:template match="tei:note[@type = 'endnote']">#endnote({p:content((@n, normalize-space(.))[1])})</xsl:template>

  <xsl:template match="tei:note[@type = 'editorial']">
    <xsl:call-template name="p:block"><xsl:with-param name="call" select="'editorial'"/></xsl:call-template>
  </xsl:template>

  <!-- Any other note, and notes inside a note's text: inline, in brackets. -->
  <xsl:template match="tei:note">
    <xsl:text> \[</xsl:text><xsl:apply-templates/><xsl:text>\]</xsl:text>
  </xsl:template>
  <xsl:template match="tei:note//tei:note[t:is-footnote(.)]" priority="4">
    <xsl:text> \[</xsl:text><xsl:apply-templates/><xsl:text>\]</xsl:text>
  </xsl:template>

  <!-- ================================================================= transcription hooks -->

  <!-- The hooks of ../transcription.xsl in Typst. Print shows one reading ($reading): what
       belongs to the other is left out. Styles and kinds become functions of Typst or of
       edition.typ (tables below); the text inside them is escaped like any other. -->
  <xsl:variable name="p:style-calls" as="map(xs:string, xs:string)" select="map{
    'italic': 'emph', 'bold': 'strong', 'underline': 'underline', 'double-underline': 'double-underline',
    'superscript': 'super', 'subscript': 'sub', 'spaced': 'spaced', 'smallcaps': 'smallcaps',
    'caps': 'upper', 'strikethrough': 'strike', 'overwritten': 'strike', 'overline': 'overline',
    'latin': 'latin', 'printed': 'printed', 'mono': 'mono',
    'align-left': 'align-left', 'align-right': 'align-right', 'align-center': 'align-center'}"/>

  <!-- Kinds with a mark of their own: in every reading, or (second map) in the diplomatic. -->
  <xsl:variable name="p:kind-calls" as="map(xs:string, xs:string)"
    select="map{'supplied': 'supplied', 'unclear': 'unclear', 'surplus': 'surplus', 'secl': 'surplus'}"/>
  <xsl:variable name="p:diplomatic-calls" as="map(xs:string, xs:string)"
    select="map{'add': 'added', 'del': 'deleted'}"/>

  <xsl:template name="t:phrase">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="styles" as="xs:string*" select="()"/>
    <xsl:param name="only" as="xs:string" select="''"/>
    <xsl:param name="title" as="xs:string?" select="()"/>
    <xsl:param name="text" as="xs:string?" select="()"/>
    <xsl:if test="$only = ('', $reading)">
      <xsl:variable name="calls" select="distinct-values(($p:kind-calls($kind),
        if ($reading = 'diplomatic') then $p:diplomatic-calls($kind) else (), $styles ! $p:style-calls(.)))"/>
      <xsl:value-of select="$calls ! ('#' || . || '[')" separator=""/>
      <xsl:choose>
        <xsl:when test="exists($text)">{p:esc($text)}</xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
      <xsl:value-of select="$calls ! ']'" separator=""/>
    </xsl:if>
  </xsl:template>

  <!-- In prose a line end is a space (none inside a word) in the normalised reading. -->
  <xsl:template name="t:line-break">
    <xsl:param name="in-word" as="xs:boolean"/>
    <xsl:param name="in-prose" as="xs:boolean"/>
    <xsl:choose>
      <xsl:when test="$in-prose and $reading = 'normalised'">{if ($in-word) then '' else ' '}</xsl:when>
      <xsl:otherwise>#linebreak()</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The source's own page number, for citing it: set off in brackets; linked to its
       facsimile when there is one. -->
  <xsl:template name="t:page-break">
    <xsl:param name="n" as="xs:string"/>
    <xsl:param name="href" as="xs:string"/>
    <xsl:variable name="mark" select="if ($n) then '#source-page(' || p:content($n) || ')' else '#source-page([facs.])'"/>
    <xsl:choose>
      <xsl:when test="$href">#link({p:str($href)})[{$mark}]</xsl:when>
      <xsl:when test="$n">{$mark}</xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- Only addresses a reader of paper can follow (http, https) become links. -->
  <xsl:template name="t:link">
    <xsl:param name="href" as="xs:string"/>
    <xsl:choose>
      <xsl:when test="matches($href, '^https?://', 'i')">
        <xsl:text>#link({p:str($href)})[</xsl:text>
        <xsl:apply-templates/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="t:labelled-div">
    <xsl:param name="label" as="xs:string"/>
    <xsl:text>&#10;&#10;#div-label({p:content($label)})&#10;&#10;</xsl:text>
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template name="t:register">
    <xsl:param name="heading" as="xs:string"/>
    <xsl:param name="entries" as="xs:string*"/>
    <xsl:text>&#10;&#10;#register-list({p:content($heading)}, ({string-join($entries ! p:content(.), ', ')},))&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="t:gap-block">
    <xsl:param name="text" as="xs:string"/>
    <xsl:text>&#10;&#10;#gap{p:content($text)}&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- Paper shows one reading: no switch. -->
  <xsl:template name="t:readings"/>

  <!-- ================================================================= fallback -->

  <!-- An element this stylesheet does not know: its text, kept apart from its neighbours. -->
  <xsl:template match="*">
    <xsl:apply-templates/>
    <xsl:if test="following-sibling::node()[1][self::*]">
      <xsl:text> </xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================= index -->

  <xsl:key name="p:mentions" match="tei:text//*[@t:key]" use="@t:key"/>

  <!-- The indexes once each, of persons, places and organisations: the entities with a
       mention in the printed documents, sorted as a reader expects (Rákosi between Radek
       and Redens: the collation of the language, not code points); Typst adds the pages. -->
  <xsl:template name="p:index">
    <xsl:for-each select="['person', 'Index of persons'], ['place', 'Index of places'],
                          ['org', 'Index of organisations']">
      <xsl:variable name="kind" select="?1"/>
      <xsl:variable name="entries" as="element()*">
        <xsl:perform-sort select="$registers/t:entity[@kind = $kind][key('p:mentions', @key, root($registers))]">
          <xsl:sort select="string(@name)" lang="en"/>
        </xsl:perform-sort>
      </xsl:variable>
      <xsl:if test="$entries">
        <xsl:text>&#10;#person-index(title: {p:str(?2)}, (&#10;</xsl:text>
        <xsl:for-each select="$entries">
          <xsl:text>  ({p:str(@key)}, {p:content(@name)}),&#10;</xsl:text>
        </xsl:for-each>
        <xsl:text>))&#10;</xsl:text>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
