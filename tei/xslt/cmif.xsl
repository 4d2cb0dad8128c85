<?xml version="1.0" encoding="UTF-8"?>
<!--
  TEI letters → CMIF (Correspondence Metadata Interchange Format), the file correspSearch
  harvests. Run by tei/export.py through the shared runner (tei/render/xslt.py).

  Input
    context item   a teiCorpus holding the letters (TEI[@type="letter"]), read by the project's
                   secure parser and handed over whole: this stylesheet never reads a file
    $register      the register of persons (persons.xml), for names and authority ids
    other params   the edition's metadata (publisher, URL, licence, …) from the metadata file;
                   nothing about a particular edition is written here

  The shape follows the CMIF documentation of the TEI Correspondence SIG
  (github.com/TEI-Correspondence-SIG/CMIF, doc/documentation-en.md) and its Schematron
  (odd/cmif.sch); tei/export.py re-checks every rule on the result (see CMIF_RULES there).

  xsl:message reports what only this stylesheet sees (a reference the register lacks, a date
  attribute in a form CMIF does not accept), one line each, prefixed with the letter's id.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:cmif="urn:teitool:cmif"
    xmlns="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all"
    expand-text="yes">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="register" as="document-node()" required="yes"/>
  <xsl:param name="title" as="xs:string" required="yes"/>
  <xsl:param name="editor" as="xs:string" required="yes"/>
  <xsl:param name="editor-email" as="xs:string" select="''"/>
  <xsl:param name="publisher" as="xs:string" required="yes"/>
  <xsl:param name="publisher-url" as="xs:string" select="''"/>
  <xsl:param name="cmif-url" as="xs:string" required="yes"/>
  <xsl:param name="licence-url" as="xs:string" required="yes"/>
  <xsl:param name="licence-text" as="xs:string" required="yes"/>
  <!-- xsd:dateTime of this file's last update (CMIF: publicationStmt/date/@when) -->
  <xsl:param name="timestamp" as="xs:string" required="yes"/>
  <xsl:param name="bibl" as="xs:string" required="yes"/>
  <xsl:param name="bibl-type" as="xs:string" select="'online'"/>
  <xsl:param name="bibl-id" as="xs:string" required="yes"/>
  <!-- URL of one letter in the online edition, "{id}" standing for the letter's xml:id;
       empty for a print edition (then only @key identifies the letter) -->
  <xsl:param name="letter-url" as="xs:string" select="''"/>

  <!-- CMIF accepts only these three date forms (documentation, table "correspDesc"). -->
  <xsl:variable name="cmif-date" as="xs:string" select="'^\d{4}(-\d{2}(-\d{2})?)?$'"/>
  <xsl:variable name="date-attributes" as="xs:string+"
      select="('when', 'from', 'to', 'notBefore', 'notAfter')"/>

  <xsl:key name="entry" match="tei:person | tei:org | tei:place" use="@xml:id"/>

  <xsl:template match="/">
    <TEI>
      <teiHeader>
        <fileDesc>
          <titleStmt>
            <title>{$title}</title>
            <editor>{$editor}<xsl:if test="$editor-email">
                <xsl:text> </xsl:text><email>{$editor-email}</email></xsl:if></editor>
          </titleStmt>
          <publicationStmt>
            <publisher>
              <xsl:choose>
                <xsl:when test="$publisher-url"><ref target="{$publisher-url}">{$publisher}</ref></xsl:when>
                <xsl:otherwise>{$publisher}</xsl:otherwise>
              </xsl:choose>
            </publisher>
            <idno type="url">{$cmif-url}</idno>
            <date when="{$timestamp}"/>
            <availability>
              <licence target="{$licence-url}">{$licence-text}</licence>
            </availability>
          </publicationStmt>
          <sourceDesc>
            <bibl type="{$bibl-type}" xml:id="{$bibl-id}">{$bibl}</bibl>
          </sourceDesc>
        </fileDesc>
        <profileDesc>
          <xsl:for-each select="/tei:teiCorpus/tei:TEI">
            <!-- dated letters first (false sorts before true), then by date, then by id -->
            <xsl:sort select="empty(cmif:sort-date(.))"/>
            <xsl:sort select="cmif:sort-date(.)"/>
            <xsl:sort select="string(@xml:id)"/>
            <xsl:apply-templates select="." mode="corresp"/>
          </xsl:for-each>
        </profileDesc>
      </teiHeader>
      <!-- CMIF carries metadata only; TEI still wants a text. -->
      <text>
        <body>
          <p/>
        </body>
      </text>
    </TEI>
  </xsl:template>

  <!-- One correspDesc per letter document. -->
  <xsl:template match="tei:TEI" mode="corresp">
    <xsl:variable name="id" as="xs:string" select="string(@xml:id)"/>
    <xsl:variable name="desc" as="element(tei:correspDesc)?"
        select="(tei:teiHeader/tei:profileDesc/tei:correspDesc)[1]"/>
    <correspDesc key="{$id}" source="#{$bibl-id}">
      <xsl:if test="$letter-url">
        <xsl:attribute name="ref" select="replace($letter-url, '\{id\}', encode-for-uri($id))"/>
      </xsl:if>
      <xsl:for-each select="'sent', 'received'">
        <xsl:call-template name="action">
          <xsl:with-param name="type" select="."/>
          <xsl:with-param name="action" select="($desc/tei:correspAction[@type = current()])[1]"/>
          <xsl:with-param name="id" select="$id"/>
        </xsl:call-template>
      </xsl:for-each>
    </correspDesc>
  </xsl:template>

  <!-- correspAction: persName/orgName (CMIF: mandatory, "Unknown" when not known),
       placeName if available, date if available. Only these children, no text. -->
  <xsl:template name="action">
    <xsl:param name="type" as="xs:string"/>
    <xsl:param name="action" as="element(tei:correspAction)?"/>
    <xsl:param name="id" as="xs:string"/>
    <correspAction type="{$type}">
      <xsl:variable name="names" select="$action/(tei:persName | tei:orgName)"/>
      <xsl:choose>
        <xsl:when test="exists($names)">
          <xsl:apply-templates select="$names" mode="corresp">
            <xsl:with-param name="id" select="$id" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:when>
        <xsl:otherwise>
          <persName>Unknown</persName>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="($action/tei:placeName)[1]" mode="corresp">
        <xsl:with-param name="id" select="$id" tunnel="yes"/>
      </xsl:apply-templates>
      <xsl:apply-templates select="($action/tei:date)[1]" mode="corresp">
        <xsl:with-param name="id" select="$id" tunnel="yes"/>
      </xsl:apply-templates>
    </correspAction>
  </xsl:template>

  <!-- A person, group or place: the register's regularised name and, where the register
       has an authority id, its URI in @ref. A reference the register lacks keeps the name
       as printed and is reported. -->
  <xsl:template match="tei:persName | tei:orgName | tei:placeName" mode="corresp">
    <xsl:param name="id" as="xs:string" tunnel="yes"/>
    <xsl:variable name="key" as="xs:string" select="substring-after(@ref, '#')"/>
    <xsl:variable name="entry" as="element()?"
        select="if ($key) then key('entry', $key, $register)[1] else ()"/>
    <xsl:if test="@ref and empty($entry)">
      <xsl:message>{$id}: {local-name()} "{normalize-space(.)}" points to {@ref}, which the register lacks; written without an authority id</xsl:message>
    </xsl:if>
    <xsl:variable name="names" select="$entry/(tei:persName | tei:orgName | tei:placeName)"/>
    <xsl:variable name="name" as="xs:string"
        select="normalize-space(($names[@type = 'reg'], $names, .)[1])"/>
    <xsl:variable name="uri" as="xs:string?" select="cmif:authority-uri($entry)"/>
    <xsl:element name="{local-name()}" namespace="http://www.tei-c.org/ns/1.0">
      <xsl:if test="exists($uri)">
        <xsl:attribute name="ref" select="$uri"/>
      </xsl:if>
      <xsl:value-of select="if ($name) then $name else 'Unknown'"/>
    </xsl:element>
  </xsl:template>

  <!-- A date keeps only the attributes in a form CMIF accepts; without one it is left out
       (CMIF: "date … if available"), and tei/export.py reports the letter as undated. -->
  <xsl:template match="tei:date" mode="corresp">
    <xsl:param name="id" as="xs:string" tunnel="yes"/>
    <xsl:variable name="usable" as="attribute()*"
        select="@*[local-name() = $date-attributes][matches(., $cmif-date)]"/>
    <xsl:for-each select="@*[local-name() = $date-attributes][not(matches(., $cmif-date))]">
      <xsl:message>{$id}: date/@{local-name()}="{.}" is not in a form CMIF accepts (YYYY, YYYY-MM, YYYY-MM-DD); left out</xsl:message>
    </xsl:for-each>
    <xsl:if test="exists($usable)">
      <date>
        <xsl:copy-of select="$usable, @cert"/>
      </date>
    </xsl:if>
  </xsl:template>

  <!-- Authority URIs in the forms the authorities publish as their stable identifiers.
       GND and VIAF first: they are the files the CMIF documentation names and that
       correspSearch matches persons by; Wikidata otherwise, as its concept URI
       (http://www.wikidata.org/entity/Q…, the form Wikidata gives as an item's identifier). -->
  <xsl:function name="cmif:authority-uri" as="xs:string?">
    <xsl:param name="entry" as="element()?"/>
    <xsl:variable name="gnd" select="normalize-space(($entry/tei:idno[@type = 'gnd'])[1])"/>
    <xsl:variable name="viaf" select="normalize-space(($entry/tei:idno[@type = 'viaf'])[1])"/>
    <xsl:variable name="wikidata" select="normalize-space(($entry/tei:idno[@type = 'wikidata'])[1])"/>
    <!-- places: GeoNames, the gazetteer the CMIF documentation recommends -->
    <xsl:variable name="geonames" select="normalize-space(($entry/tei:idno[@type = 'geonames'])[1])"/>
    <xsl:sequence select="
        if ($geonames) then 'http://www.geonames.org/' || cmif:last-segment($geonames)
        else if ($gnd) then 'http://d-nb.info/gnd/' || cmif:last-segment($gnd)
        else if ($viaf) then 'http://viaf.org/viaf/' || cmif:last-segment($viaf)
        else if ($wikidata) then 'http://www.wikidata.org/entity/' || cmif:last-segment($wikidata)
        else ()"/>
  </xsl:function>

  <!-- The register may hold a bare id ("Q855") or a full URI; either gives the same URI. -->
  <xsl:function name="cmif:last-segment" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="tokenize(replace($value, '/+$', ''), '/')[last()]"/>
  </xsl:function>

  <!-- Letters in date order: the earliest usable date of the sent action. -->
  <xsl:function name="cmif:sort-date" as="xs:string?">
    <xsl:param name="letter" as="element(tei:TEI)"/>
    <xsl:variable name="date" select="($letter/tei:teiHeader/tei:profileDesc/tei:correspDesc
        /tei:correspAction[@type = 'sent']/tei:date)[1]"/>
    <xsl:sequence select="($date/(@when, @from, @notBefore, @notAfter, @to)
        [matches(., $cmif-date)] ! string())[1]"/>
  </xsl:function>

</xsl:stylesheet>
