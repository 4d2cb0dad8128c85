<?xml version="1.0" encoding="UTF-8"?>
<!--
  hooks.xsl (included by site.xsl): the web's HTML for the hooks of ../transcription.xsl.

  Both readings are in the page: what belongs to one reading only carries the class "dipl"
  or "norm", and style.css shows the normalised reading unless the reader picks the
  diplomatic one in the switch (t:readings: two radio buttons, no script; a browser without
  CSS :has() keeps the normalised reading). Text is only ever text: every value reaches the
  page as a text node or an attribute value, which the HTML serialiser escapes.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <xsl:template match="text()">
    <xsl:value-of select="t:text(.)"/>
  </xsl:template>

  <!-- The HTML element of a phrase: the one that says what it is, else a span. -->
  <xsl:function name="w:phrase-element" as="xs:string">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="styles" as="xs:string*"/>
    <xsl:sequence select="
      if ($kind = 'del') then 'del' else if ($kind = 'add') then 'ins'
      else if ($styles = 'superscript') then 'sup' else if ($styles = 'subscript') then 'sub'
      else if ($styles = 'italic') then 'em' else if ($styles = 'bold') then 'strong'
      else 'span'"/>
  </xsl:function>

  <xsl:template name="t:phrase">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="styles" as="xs:string*" select="()"/>
    <xsl:param name="only" as="xs:string" select="''"/>
    <xsl:param name="title" as="xs:string?" select="()"/>
    <xsl:param name="text" as="xs:string?" select="()"/>
    <xsl:element name="{w:phrase-element($kind, $styles)}">
      <xsl:attribute name="class" select="string-join(($kind, $styles ! ('s-' || .), w:reading-class($only)), ' ')"/>
      <xsl:if test="$title"><xsl:attribute name="title" select="$title"/></xsl:if>
      <xsl:choose>
        <xsl:when test="exists($text)">{$text}</xsl:when>
        <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <xsl:function name="w:reading-class" as="xs:string?">
    <xsl:param name="only" as="xs:string"/>
    <xsl:sequence select="if ($only = 'diplomatic') then 'dipl' else if ($only = 'normalised') then 'norm' else ()"/>
  </xsl:function>

  <!-- In prose: a space (normalised; none inside a word) and a line break (diplomatic). -->
  <xsl:template name="t:line-break">
    <xsl:param name="in-word" as="xs:boolean"/>
    <xsl:param name="in-prose" as="xs:boolean"/>
    <xsl:choose>
      <xsl:when test="$in-prose">
        <xsl:if test="not($in-word)"><xsl:text> </xsl:text></xsl:if>
        <br class="lb dipl{if ($in-word) then ' in-word' else ''}"/>
      </xsl:when>
      <xsl:otherwise><br/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="t:page-break">
    <xsl:param name="n" as="xs:string"/>
    <xsl:param name="href" as="xs:string"/>
    <xsl:variable name="label" select="if ($n) then '[p. ' || $n || ']' else '[facsimile]'"/>
    <xsl:choose>
      <xsl:when test="$href"><span class="pb"><a href="{$href}" rel="external">{$label}</a></span></xsl:when>
      <xsl:when test="$n"><span class="pb">{$label}</span></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- http(s) as it is; "#id" when the page has that anchor (a footnote, a division); a
       relative target when it names a document of the edition; otherwise only the words. -->
  <xsl:template name="t:link">
    <xsl:param name="href" as="xs:string"/>
    <xsl:param name="up" as="xs:string" tunnel="yes" select="''"/>
    <xsl:variable name="doc" select="key('w:doc', replace(replace($href, '#.*$', ''), '\.xml$', ''), root(.))[@href]"/>
    <xsl:variable name="anchor" select="if (starts-with($href, '#')) then id(substring($href, 2), root(.))
      [self::tei:note[t:is-footnote(.)] or self::tei:div][ancestor::tei:TEI is current()/ancestor::tei:TEI] else ()"/>
    <xsl:variable name="resolved" select="
      if (matches($href, '^https?://', 'i')) then $href
      else if ($anchor) then $href
      else if ($doc and not(starts-with($href, '#'))) then $up || $doc[1]/@href
      else ''"/>
    <xsl:choose>
      <xsl:when test="$resolved">
        <a class="ref" href="{$resolved}">
          <xsl:if test="matches($resolved, '^https?://', 'i')"><xsl:attribute name="rel" select="'external'"/></xsl:if>
          <xsl:apply-templates/>
        </a>
      </xsl:when>
      <xsl:otherwise><span class="ref"><xsl:apply-templates/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="t:labelled-div">
    <xsl:param name="label" as="xs:string"/>
    <section class="div labelled {@type}">
      <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:element name="h{min((count(ancestor::tei:div) + 2, 6))}">
        <xsl:attribute name="class" select="'div-label'"/>{$label}</xsl:element>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <xsl:template name="t:register">
    <xsl:param name="heading" as="xs:string"/>
    <xsl:param name="entries" as="xs:string*"/>
    <section class="register-list {local-name()}">
      <h2>{$heading}</h2>
      <ul>
        <xsl:for-each select="$entries"><li>{.}</li></xsl:for-each>
      </ul>
    </section>
  </xsl:template>

  <xsl:template name="t:gap-block">
    <xsl:param name="text" as="xs:string"/>
    <p class="gap">{$text}</p>
  </xsl:template>

  <!-- The switch between the readings: radio buttons style.css reads with :has(). -->
  <xsl:template name="t:readings">
    <fieldset class="readings">
      <legend>Reading</legend>
      <xsl:for-each select="('normalised', 'diplomatic')">
        <label>
          <input type="radio" name="reading" id="reading-{.}" value="{.}">
            <xsl:if test=". = $reading"><xsl:attribute name="checked" select="'checked'"/></xsl:if>
          </input>
          <xsl:text> {if (. = 'normalised') then 'normalised (expansions, corrections, no deletions)'
            else 'diplomatic (as written: abbreviations, deletions, line ends)'}</xsl:text>
        </label>
      </xsl:for-each>
    </fieldset>
  </xsl:template>

</xsl:stylesheet>
