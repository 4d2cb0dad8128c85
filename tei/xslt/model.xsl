<?xml version="1.0" encoding="UTF-8"?>
<!--
  model.xsl: reading the edition model (tei/edition.py), for the web and the print edition.
  Included (xsl:include) by web/site.xsl and print/edition.xsl.

  The input of both is the manifest tei.edition writes (its module docstring is the
  reference):
    <t:edition>
      <t:doc kind="letter|introduction|chapter|text|persons" id n href src order>
        <t:meta> t:title, t:sender*, t:addressee* (@key @kind), t:place* (@role @key),
                 t:date? (TEI's date attributes, @earliest @latest @sort), t:archive? </t:meta>
        <tei:TEI>… every resolved name carries @t:key …</tei:TEI>
      </t:doc>…
      <t:registers><t:entity kind key name display sort born died mentions letters>
        t:variant*, t:authority*, t:note* </t:entity>…</t:registers>
    </t:edition>
  Kinds, titles, parties, dates and letter numbers are read here, never derived again from
  the TEI, so that every output says the same.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  exclude-result-prefixes="#all">

  <xsl:key name="t:entity" match="t:registers/t:entity" use="@key"/>
  <!-- Letters by any of their parties' keys. -->
  <xsl:key name="t:letters-of" match="t:doc[@kind = 'letter']" use="t:meta/(t:sender | t:addressee)/@key"/>
  <!-- Names in the texts, by key (the registers' mentions). -->
  <xsl:key name="t:mentions-of" match="tei:text//*[@t:key]" use="@t:key"/>

  <!-- Names with a key are numbered per document, in one pass, so each has an anchor the
       register can link to. -->
  <xsl:accumulator name="t:keyed-name" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:TEI" select="0"/>
    <xsl:accumulator-rule match="tei:text//*[@t:key]" select="$value + 1"/>
  </xsl:accumulator>

  <xsl:function name="t:name-anchor" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="'m' || $name/accumulator-before('t:keyed-name')"/>
  </xsl:function>

  <!-- The register entity of a key, or nothing. -->
  <xsl:function name="t:entity-of" as="element(t:entity)?">
    <xsl:param name="context" as="node()"/>
    <xsl:param name="key" as="xs:string?"/>
    <xsl:sequence select="if ($key) then key('t:entity', $key, root($context))[1] else ()"/>
  </xsl:function>

  <!-- A document's title as the model gives it (its analytic title), else its id. -->
  <xsl:function name="t:doc-title" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="string(($doc/t:meta/t:title[normalize-space()], $doc/@id)[1])"/>
  </xsl:function>

  <!-- A letter's date (t:meta/t:date: TEI's date attributes, text as in the source). -->
  <xsl:function name="t:doc-date" as="element(t:date)?">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="$doc/t:meta/t:date"/>
  </xsl:function>

  <!-- Senders or addressees ($role 'sender' | 'addressee'). -->
  <xsl:function name="t:parties" as="element()*">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="role" as="xs:string"/>
    <xsl:sequence select="$doc/t:meta/*[local-name() = $role]"/>
  </xsl:function>

  <!-- Letters in the model's order: their numbers are date order, ties in source order. -->
  <xsl:function name="t:in-letter-order" as="element(t:doc)*">
    <xsl:param name="docs" as="element(t:doc)*"/>
    <xsl:perform-sort select="$docs">
      <xsl:sort select="xs:integer((@n, 0)[1])"/>
      <xsl:sort select="xs:integer(@order)"/>
    </xsl:perform-sort>
  </xsl:function>

</xsl:stylesheet>
