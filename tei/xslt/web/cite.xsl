<?xml version="1.0" encoding="UTF-8"?>
<!--
  cite.xsl (included by site.xsl): what a scholar needs to cite a page and to see what the
  editors decided.
  - w:citation-meta: Highwire Press citation_* and Dublin Core meta tags for the head of a
    document's page (read by Zotero, Google Scholar and the like);
  - w:cite-block: the visible "Cite this" block: the citation as selectable text (cite.js
    adds a copy button), the licence and the page's TEI to download (tei/ID.xml, copied by
    render/web.py);
  - w:edition-cite: the whole edition's citation on the home page, with citation.cff/BibTeX;
  - w:editorial-decisions: where the edition's correspondents or date differ from the
    source's heading or dateline, the source's words beside the edition's reading.
  Values come from the [edition] metadata (the parameters in site.xsl) and the model; an
  empty parameter leaves its part out, so a site rendered without metadata cites no URL.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- The page's address where the site is published, or '' without a site URL. -->
  <xsl:function name="w:canonical" as="xs:string">
    <xsl:param name="href" as="xs:string"/>
    <xsl:sequence select="if ($site-url) then $site-url || $href else ''"/>
  </xsl:function>

  <xsl:function name="w:tei-href" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="'tei/' || encode-for-uri($doc/@id) || '.xml'"/>
  </xsl:function>

  <!-- Who wrote a document: a letter's senders, else the authors its header names. -->
  <xsl:function name="w:authors" as="xs:string*">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="if ($doc/@kind = 'letter') then w:corresp($doc, 'sent') ! normalize-space()
      else $doc/tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author[normalize-space()] ! normalize-space()"/>
  </xsl:function>

  <!-- A letter's date as an ISO value (the day, else the earliest day it allows), or ''. -->
  <xsl:function name="w:iso-date" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="string((w:date($doc)/(@when, @earliest))[1])"/>
  </xsl:function>

  <!-- The editors one by one ("A and B", "A; B"), as in render/citation.py. -->
  <xsl:variable name="w:editors" as="xs:string*"
    select="tokenize($editors, ';|\s+and\s+')[normalize-space()] ! normalize-space()"/>

  <!-- "CC BY 4.0" for a Creative Commons URL; any other licence by its URL. -->
  <xsl:function name="w:licence-name" as="xs:string">
    <xsl:param name="url" as="xs:string"/>
    <xsl:variable name="cc" select="analyze-string($url, 'creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)')//*:group"/>
    <xsl:sequence select="if ($cc[@nr = 2] = 'zero') then 'CC0 ' || $cc[@nr = 3]
      else if ($cc) then 'CC ' || upper-case($cc[@nr = 2]) || ' ' || $cc[@nr = 3] else $url"/>
  </xsl:function>

  <!-- ===================================================================== head -->

  <xsl:template name="w:citation-meta">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="up" as="xs:string"/>
    <xsl:variable name="url" select="w:canonical($doc/@href)"/>
    <xsl:variable name="date" select="w:iso-date($doc)"/>
    <xsl:variable name="tags" as="array(xs:string)*" select="
      ['citation_title', w:title($doc)],
      w:authors($doc) ! ['citation_author', .],
      $w:editors ! ['citation_editor', .],
      (if ($date) then ['citation_date', translate($date, '-', '/')] else ()),
      ['citation_inbook_title', $site-title],
      (if ($publisher) then ['citation_publisher', $publisher] else ()),
      (if ($url) then ['citation_public_url', $url] else ()),
      ['citation_language', w:lang($doc)],
      ['DC.title', w:title($doc)],
      w:authors($doc) ! ['DC.creator', .],
      $w:editors ! ['DC.contributor', .],
      (if ($date) then ['DC.date', $date] else ()),
      ['DC.type', 'Text'],
      ['DC.format', 'text/html'],
      (if ($url) then ['DC.identifier', $url] else ()),
      ['DC.relation.isPartOf', $site-title],
      (if ($publisher) then ['DC.publisher', $publisher] else ()),
      (if ($licence) then ['DC.rights', $licence] else ()),
      ['DC.language', w:lang($doc)],
      $doc/t:meta/t:archive[normalize-space()] ! ['DC.source', normalize-space(.)]"/>
    <link rel="schema.DC" href="http://purl.org/dc/elements/1.1/"/>
    <xsl:for-each select="$tags">
      <meta name="{?1}" content="{?2}"/>
    </xsl:for-each>
    <link rel="alternate" type="application/tei+xml" href="{$up}{w:tei-href($doc)}"/>
  </xsl:template>

  <!-- ===================================================================== cite this -->

  <xsl:template name="w:cite-block">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="up" as="xs:string"/>
    <xsl:variable name="url" select="w:canonical($doc/@href)"/>
    <xsl:variable name="date" select="w:date($doc)"/>
    <section class="cite" aria-labelledby="cite-heading">
      <h2 id="cite-heading">Cite this {if ($doc/@kind = 'letter') then 'letter' else 'text'}</h2>
      <p class="citation" id="citation">
        <xsl:if test="$doc/@n">Letter no. {$doc/@n}: </xsl:if>
        <xsl:text>“{w:title($doc)}”</xsl:text>
        <xsl:if test="$date">, {t:date-value($date)}</xsl:if>
        <xsl:text>. In: </xsl:text>
        <xsl:if test="exists($w:editors)">{string-join($w:editors, ', ')} (ed{if (count($w:editors) gt 1) then 's' else ''}.), </xsl:if>
        <cite>{$site-title}</cite>
        <xsl:if test="$publisher">. {$publisher}</xsl:if>
        <xsl:text>.</xsl:text>
        <xsl:if test="$url"><xsl:text> </xsl:text><span class="url">{$url}</span></xsl:if>
        <xsl:text> (accessed </xsl:text><span class="accessed">[date of access]</span><xsl:text>).</xsl:text>
      </p>
      <!-- Shown and working only with cite.js; without it the citation is selectable text. -->
      <button type="button" class="copy-citation" data-copy="citation" hidden="">Copy the citation</button>
      <span class="copy-status" role="status"></span>
      <ul class="cite-links">
        <li><a href="{$up}{w:tei-href($doc)}" type="application/tei+xml" download="{$doc/@id}.xml">Download the TEI (XML)</a></li>
        <xsl:if test="$licence">
          <li>Licence: <a rel="license" href="{$licence}">{w:licence-name($licence)}</a></li>
        </xsl:if>
        <xsl:if test="$edition-citation-files">
          <li>The whole edition: <a href="{$up}citation.cff">citation.cff</a>, <a href="{$up}edition.bib">BibTeX</a></li>
        </xsl:if>
      </ul>
    </section>
  </xsl:template>

  <xsl:template name="w:edition-cite">
    <section class="cite" aria-labelledby="cite-heading">
      <h2 id="cite-heading">Cite the edition</h2>
      <p class="citation" id="citation">
        <xsl:if test="exists($w:editors)">{string-join($w:editors, ', ')} (ed{if (count($w:editors) gt 1) then 's' else ''}.), </xsl:if>
        <cite>{$site-title}</cite>
        <xsl:if test="$publisher">. {$publisher}</xsl:if>
        <xsl:text>.</xsl:text>
        <xsl:if test="$site-url"><xsl:text> </xsl:text><span class="url">{$site-url}</span></xsl:if>
        <xsl:text> (accessed </xsl:text><span class="accessed">[date of access]</span><xsl:text>).</xsl:text>
      </p>
      <button type="button" class="copy-citation" data-copy="citation" hidden="">Copy the citation</button>
      <span class="copy-status" role="status"></span>
      <ul class="cite-links">
        <li><a href="citation.cff">citation.cff</a> (Citation File Format)</li>
        <li><a href="edition.bib">BibTeX</a></li>
        <xsl:if test="$licence">
          <li>Licence: <a rel="license" href="{$licence}">{w:licence-name($licence)}</a></li>
        </xsl:if>
      </ul>
    </section>
  </xsl:template>

  <!-- ===================================================================== decisions -->

  <!-- The letter's heading in the source: the first head of its letter division. -->
  <xsl:function name="w:source-head" as="element(tei:head)?">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="($doc/tei:TEI/tei:text/tei:body//tei:div[tei:head])[1]/tei:head[1]"/>
  </xsl:function>

  <!-- Where the edition reads the letter otherwise than its heading or dateline: one dt/dd
       each, with the source's words. A heading "X to Y" names its writer first: it differs when
       that first name is none of the edition's senders but an addressee, or a sender comes
       later ("Kaganovich to Stalin" or "Molotov, Kaganovich to Stalin" for a letter from
       Stalin to Kaganovich). A date
       differs when it falls outside the days the edition's date allows. -->
  <xsl:template name="w:editorial-decisions">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:variable name="head" select="w:source-head($doc)"/>
    <xsl:variable name="head-names" select="distinct-values($head//*[@t:key]/@t:key)"/>
    <xsl:variable name="date" select="w:date($doc)"/>
    <xsl:variable name="senders" select="w:corresp($doc, 'sent')/@key"/>
    <xsl:if test="count($head-names) gt 1 and not($head-names[1] = $senders)
                  and ($head-names[1] = w:corresp($doc, 'received')/@key or $head-names[position() gt 1] = $senders)">
      <dt>Heading</dt>
      <xsl:variable name="from" select="string-join(w:corresp($doc, 'sent') ! normalize-space(), ', ')"/>
      <xsl:variable name="to" select="string-join(w:corresp($doc, 'received') ! normalize-space(), ', ')"/>
      <dd class="decision">The source’s heading reads “{t:plain($head)}”; the edition gives the letter as from {$from} to {$to}.</dd>
    </xsl:if>
    <xsl:for-each select="($head, $doc/tei:TEI/tei:text//tei:dateline)//tei:date[@when castable as xs:date]
                          [$date/@earliest and $date/@latest]
                          [@when lt $date/@earliest or @when gt $date/@latest]">
      <xsl:variable name="where" select="if (ancestor::tei:head) then 'heading' else 'dateline'"/>
      <dt>{if ($where = 'heading') then 'Heading' else 'Dateline'}</dt>
      <dd class="decision">The source’s {$where} reads “{t:plain(.)}” ({t:date-value(.)}); the edition dates the letter {t:date-value($date)}.</dd>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
