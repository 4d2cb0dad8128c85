<?xml version="1.0" encoding="UTF-8"?>
<!--
  site.xsl: the whole web edition in one transformation.

  Input: the edition document that tei/render/web.py builds from the TEI folder,
    <t:edition><t:doc kind="letter|chapter|introduction|text|persons" id="…" href="…" order="N">
      <tei:TEI>…</tei:TEI></t:doc>…</t:edition>
  Output: every page through xsl:result-document (hrefs relative to the site folder); the
  principal output is the list of pages written, one per line, for the caller to count.

  Rendering of the TEI body comes from ../common.xsl (one template per element); this
  module adds only what a web page needs: links to the register, anchors for every mention
  and text block (so the register and the search can point at the passage), page frames,
  indexes, the timeline and the search index.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:array="http://www.w3.org/2005/xpath-functions/array"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <xsl:import href="../common.xsl"/>
  <xsl:include href="pages.xsl"/>
  <xsl:include href="timeline.xsl"/>
  <xsl:include href="search.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- The register lives inside the edition document: look persons up there. -->
  <xsl:param name="register" as="document-node()?" select="/"/>
  <xsl:param name="site-title" as="xs:string" select="'The edition'"/>
  <xsl:param name="site-lang" as="xs:string" select="'en'"/>

  <xsl:key name="w:doc" match="t:doc" use="@id"/>
  <xsl:key name="w:mentions" match="tei:text//tei:persName[@ref] | tei:text//tei:orgName[@ref]"
    use="t:ref-id(@ref)"/>
  <xsl:key name="w:corresp" match="t:doc[@kind = 'letter']"
    use="tei:TEI/tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction/(tei:persName | tei:orgName)/@ref ! t:ref-id(.)"/>

  <!-- Text blocks get anchors (b1, b2, …) so that search results land on the passage. -->
  <xsl:accumulator name="w:block" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:TEI" select="0"/>
    <xsl:accumulator-rule match="tei:p | tei:opener | tei:closer | tei:div/tei:head | tei:item | tei:row" select="$value + 1"/>
  </xsl:accumulator>

  <!-- ===================================================================== the edition -->

  <xsl:variable name="w:letters" as="element(t:doc)*" select="w:in-date-order(/t:edition/t:doc[@kind = 'letter'])"/>
  <xsl:variable name="w:front" select="/t:edition/t:doc[@kind = 'introduction']" as="element(t:doc)*"/>
  <xsl:variable name="w:chapters" select="/t:edition/t:doc[@kind = 'chapter']" as="element(t:doc)*"/>
  <xsl:variable name="w:texts" select="/t:edition/t:doc[@kind = 'text']" as="element(t:doc)*"/>
  <!-- Every page-worthy document in reading order: introduction, letters, chapters, others. -->
  <xsl:variable name="w:documents" select="($w:front, $w:letters, $w:chapters, $w:texts)" as="element(t:doc)*"/>

  <xsl:variable name="w:entries" as="element()*">
    <xsl:perform-sort select="/t:edition/t:doc[@kind = 'persons']//(tei:person | tei:org)[@xml:id]">
      <xsl:sort select="lower-case(t:reg-name(.))"/>
      <xsl:sort select="@xml:id"/>
    </xsl:perform-sort>
  </xsl:variable>

  <!-- Correspondents: everybody named in a letter's sent or received action, by name. -->
  <xsl:variable name="w:correspondents" as="xs:string*">
    <xsl:perform-sort select="distinct-values($w:letters/tei:TEI/tei:teiHeader/tei:profileDesc/tei:correspDesc
                              /tei:correspAction/(tei:persName | tei:orgName)/@ref ! t:ref-id(.))[exists(t:entry(.))]">
      <xsl:sort select="lower-case(t:reg-name(t:entry(.)))"/>
    </xsl:perform-sort>
  </xsl:variable>

  <!-- ===================================================================== functions -->

  <xsl:function name="w:corresp" as="element(tei:correspAction)*">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="$doc/tei:TEI/tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction[@type = $type]"/>
  </xsl:function>

  <!-- The date of a letter: the sent action's, else any in its header, else its dateline's. -->
  <xsl:function name="w:date" as="element(tei:date)?">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="(w:corresp($doc, 'sent')/tei:date,
                           $doc/tei:TEI/tei:teiHeader/tei:profileDesc/tei:correspDesc//tei:date,
                           $doc/tei:TEI/tei:text//tei:dateline//tei:date)[1]"/>
  </xsl:function>

  <!-- Letters in date order; ties (and letters with the same bound) in the encoder's order. -->
  <xsl:function name="w:in-date-order" as="element(t:doc)*">
    <xsl:param name="docs" as="element(t:doc)*"/>
    <xsl:perform-sort select="$docs">
      <xsl:sort select="t:date-key(w:date(.))"/>
      <xsl:sort select="xs:integer(@order)"/>
    </xsl:perform-sort>
  </xsl:function>

  <xsl:function name="w:title" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:variable name="title" select="t:plain($doc/tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[1])"/>
    <xsl:sequence select="if ($title) then $title else string($doc/@id)"/>
  </xsl:function>

  <xsl:function name="w:lang" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="string(($doc/tei:TEI/@xml:lang, $doc/tei:TEI/tei:text/@xml:lang, $site-lang)[1])"/>
  </xsl:function>

  <!-- "../" for pages one folder down; every page of the site is at most one folder deep. -->
  <xsl:function name="w:up" as="xs:string">
    <xsl:param name="href" as="xs:string"/>
    <xsl:sequence select="string-join(tokenize($href, '/')[position() gt 1] ! '../')"/>
  </xsl:function>

  <!-- "1 letter", "3 letters". -->
  <xsl:function name="w:count" as="xs:string">
    <xsl:param name="items" as="item()*"/>
    <xsl:param name="noun" as="xs:string"/>
    <xsl:sequence select="count($items) || ' ' || $noun || (if (count($items) = 1) then '' else 's')"/>
  </xsl:function>

  <xsl:function name="w:person-href" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="'persons/' || encode-for-uri($id) || '.html'"/>
  </xsl:function>

  <xsl:function name="w:by-href" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="'by/' || encode-for-uri($id) || '.html'"/>
  </xsl:function>

  <xsl:function name="w:block-id" as="xs:string">
    <xsl:param name="block" as="element()"/>
    <xsl:sequence select="'b' || $block/accumulator-before('w:block')"/>
  </xsl:function>

  <!-- ===================================================================== entry point -->

  <xsl:template match="/">
    <xsl:call-template name="w:index"/>
    <xsl:for-each select="$w:correspondents">
      <xsl:call-template name="w:by-correspondent">
        <xsl:with-param name="id" select="."/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$w:letters">
      <xsl:variable name="i" select="position()"/>
      <xsl:apply-templates select="." mode="w:page">
        <xsl:with-param name="prev" select="$w:letters[$i - 1]"/>
        <xsl:with-param name="next" select="$w:letters[$i + 1]"/>
      </xsl:apply-templates>
    </xsl:for-each>
    <xsl:apply-templates select="$w:front, $w:chapters, $w:texts" mode="w:page"/>
    <xsl:call-template name="w:register"/>
    <xsl:for-each select="$w:entries">
      <xsl:call-template name="w:person-page">
        <xsl:with-param name="entry" select="."/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="w:timeline-page"/>
    <xsl:call-template name="w:search-page"/>
    <xsl:call-template name="w:search-index"/>
  </xsl:template>

  <!-- ===================================================================== TEI for the web -->

  <!-- Names link to the register and carry an anchor, so the register links back to them. -->
  <xsl:template match="tei:persName[@ref] | tei:orgName[@ref]">
    <xsl:param name="up" as="xs:string" tunnel="yes" select="''"/>
    <xsl:variable name="entry" select="t:entry(@ref)"/>
    <xsl:choose>
      <xsl:when test="$entry and ancestor::tei:text">
        <a class="{local-name()}" id="{t:mention-id(.)}" href="{$up}{w:person-href($entry/@xml:id)}" title="{t:reg-name($entry)}">
          <xsl:apply-templates/>
        </a>
      </xsl:when>
      <xsl:when test="$entry">
        <a class="{local-name()}" href="{$up}{w:person-href($entry/@xml:id)}" title="{t:reg-name($entry)}">
          <xsl:apply-templates/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="{local-name()} unresolved" title="Not in the register: {@ref}"><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Blocks carry anchors for the search; otherwise as in common.xsl. -->
  <xsl:template match="tei:p | tei:opener | tei:closer | tei:div/tei:head | tei:item | tei:row" priority="5">
    <xsl:variable name="id" select="w:block-id(.)"/>
    <xsl:variable name="rendered"><xsl:next-match/></xsl:variable>
    <xsl:for-each select="$rendered/node()">
      <xsl:choose>
        <xsl:when test="self::element() and position() = 1">
          <xsl:copy>
            <xsl:attribute name="id" select="$id"/>
            <xsl:copy-of select="@*, node()"/>
          </xsl:copy>
        </xsl:when>
        <xsl:otherwise><xsl:copy-of select="."/></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
