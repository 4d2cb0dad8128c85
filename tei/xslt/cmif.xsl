<?xml version="1.0" encoding="UTF-8"?>
<!--
  The frame of a CMIF file (Correspondence Metadata Interchange Format), the file
  correspSearch harvests. Run by tei/export.py through the shared runner (tei/render/xslt.py).

  Input
    context item   a tei:profileDesc holding one CMIF correspDesc per letter, in date order:
                   tei/export.py reads the letters of any edition through the edition model
                   (tei/edition.py: roles, registers, authority ids) and writes them in
                   CMIF's terms; this stylesheet never reads a file
    params         the edition's metadata (publisher, URL, licence, …) from the metadata file;
                   nothing about a particular edition is written here

  The shape follows the CMIF documentation of the TEI Correspondence SIG
  (github.com/TEI-Correspondence-SIG/CMIF, doc/documentation-en.md), its schema and its
  Schematron (odd/cmif.sch); tei/export.py re-checks every rule on the result (CMIF_RULES).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all"
    expand-text="yes">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

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
          <xsl:copy-of select="/tei:profileDesc/tei:correspDesc" copy-namespaces="no"/>
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

</xsl:stylesheet>
