<?xml version="1.0" encoding="UTF-8"?>
<!--
  site.xsl: the whole web edition in one transformation.

  Input: the manifest of the edition model (tei/edition.py; read through ../model.xsl):
    <t:edition><t:doc kind="letter|chapter|introduction|text|persons" id n href src order>
      <t:meta>…</t:meta><tei:TEI>…</tei:TEI></t:doc>… <t:registers>…</t:registers></t:edition>
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
  <xsl:include href="../model.xsl"/>
  <!-- Transcription markup: what each element is (../transcription.xsl), in HTML (hooks.xsl). -->
  <xsl:include href="../transcription.xsl"/>
  <xsl:include href="hooks.xsl"/>
  <xsl:include href="pages.xsl"/>
  <xsl:include href="timeline.xsl"/>
  <xsl:include href="search.xsl"/>
  <xsl:include href="cite.xsl"/>
  <xsl:include href="facets.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- The register lives inside the edition document: look persons up there. -->
  <xsl:param name="register" as="document-node()?" select="/"/>
  <xsl:param name="site-title" as="xs:string" select="'The edition'"/>
  <xsl:param name="site-lang" as="xs:string" select="'en'"/>
  <!-- From the [edition] metadata (render/web.py), '' when not given: where the site is
       published (ending in "/"), the editors, publisher and licence of the edition, and
       whether citation.cff and edition.bib were written. -->
  <xsl:param name="site-url" as="xs:string" select="''"/>
  <xsl:param name="editors" as="xs:string" select="''"/>
  <xsl:param name="publisher" as="xs:string" select="''"/>
  <xsl:param name="licence" as="xs:string" select="''"/>
  <xsl:param name="edition-citation-files" as="xs:boolean" select="false()"/>

  <xsl:key name="w:doc" match="t:doc" use="@id"/>

  <!-- Text blocks get anchors (b1, b2, …) so that search results land on the passage. -->
  <xsl:accumulator name="w:block" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:TEI" select="0"/>
    <xsl:accumulator-rule match="tei:p | tei:opener | tei:closer | tei:div/tei:head | tei:item | tei:row" select="$value + 1"/>
  </xsl:accumulator>

  <!-- ===================================================================== the edition -->

  <xsl:variable name="w:letters" as="element(t:doc)*" select="t:in-letter-order(/t:edition/t:doc[@kind = 'letter'])"/>
  <xsl:variable name="w:front" select="/t:edition/t:doc[@kind = 'introduction']" as="element(t:doc)*"/>
  <xsl:variable name="w:chapters" select="/t:edition/t:doc[@kind = 'chapter']" as="element(t:doc)*"/>
  <xsl:variable name="w:texts" select="/t:edition/t:doc[@kind = 'text']" as="element(t:doc)*"/>
  <!-- Every page-worthy document in reading order: introduction, letters, chapters, others. -->
  <xsl:variable name="w:documents" select="($w:front, $w:letters, $w:chapters, $w:texts)" as="element(t:doc)*"/>

  <!-- The registers, one per kind of entity (the model's t:entity/@kind): each has its folder,
       with an index page and a page per entity, and its entry in the site's menu. Persons
       (and groups) and places always have theirs; organisations only when the edition has
       some. -->
  <xsl:variable name="w:registers" as="map(xs:string, map(xs:string, xs:string))" select="map{
    'person': map{'folder': 'persons', 'menu': 'Persons', 'title': 'Register of persons',
      'lead': 'Everybody the edition names, with the spellings met in the sources. Each entry lists the letters sent and received and every mention.'},
    'place': map{'folder': 'places', 'menu': 'Places', 'title': 'Register of places',
      'lead': 'Every place the edition names; each entry lists every mention.'},
    'org': map{'folder': 'organisations', 'menu': 'Organisations', 'title': 'Register of organisations',
      'lead': 'Every organisation the edition names (institutions, publishers, journals, groups), with the spellings met in the sources. Each entry lists the letters sent and received and every mention.'}
  }"/>
  <xsl:variable name="w:register-kinds" as="xs:string+" select="'person', 'place', 'org'"/>

  <!-- The entities of a kind, in register order (the model's sort keys). -->
  <xsl:function name="w:entities-of" as="element(t:entity)*" cache="yes">
    <xsl:param name="kind" as="xs:string+"/>
    <xsl:perform-sort select="$register/t:edition/t:registers/t:entity[@kind = $kind]">
      <xsl:sort select="@sort"/>
      <xsl:sort select="@key"/>
    </xsl:perform-sort>
  </xsl:function>

  <xsl:variable name="w:persons" as="element(t:entity)*" select="w:entities-of('person')"/>
  <xsl:variable name="w:places" as="element(t:entity)*" select="w:entities-of('place')"/>
  <xsl:variable name="w:orgs" as="element(t:entity)*" select="w:entities-of('org')"/>
  <!-- Persons and organisations together, who write, receive and are mentioned: the
       correspondents and the "mentioned" facet. -->
  <xsl:variable name="w:entries" as="element(t:entity)*" select="w:entities-of(('person', 'org'))"/>

  <!-- The kinds whose register has pages and a menu entry. -->
  <xsl:variable name="w:shown-registers" as="xs:string*"
    select="$w:register-kinds[. = ('person', 'place') or exists(w:entities-of(.))]"/>

  <!-- Correspondents: the keyed senders and addressees of the letters, in register order. -->
  <xsl:variable name="w:correspondents" as="xs:string*"
    select="$w:entries[key('t:letters-of', @key)]/string(@key)"/>

  <!-- ===================================================================== functions -->

  <!-- Senders (sent) or addressees (received) of a letter, as the model gives them. -->
  <xsl:function name="w:corresp" as="element()*">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="t:parties($doc, if ($type = 'sent') then 'sender' else 'addressee')"/>
  </xsl:function>

  <xsl:function name="w:date" as="element(t:date)?">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="t:doc-date($doc)"/>
  </xsl:function>

  <xsl:function name="w:in-date-order" as="element(t:doc)*">
    <xsl:param name="docs" as="element(t:doc)*"/>
    <xsl:sequence select="t:in-letter-order($docs)"/>
  </xsl:function>

  <xsl:function name="w:title" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="t:doc-title($doc)"/>
  </xsl:function>

  <!-- A letter's number and title, as lists show it. -->
  <xsl:function name="w:numbered-title" as="xs:string">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="($doc/@n ! (. || '. '), '')[1] || t:doc-title($doc)"/>
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
    <xsl:sequence select="w:number-of(count($items), $noun)"/>
  </xsl:function>

  <xsl:function name="w:number-of" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:param name="noun" as="xs:string"/>
    <xsl:sequence select="$n || ' ' || $noun || (if ($n = 1) then '' else 's')"/>
  </xsl:function>

  <!-- The page of an entity, in its register's folder: persons/, places/, organisations/. -->
  <xsl:function name="w:entity-href" as="xs:string">
    <xsl:param name="entity" as="element(t:entity)"/>
    <xsl:sequence select="w:register-folder($entity/@kind) || '/' || encode-for-uri($entity/@key) || '.html'"/>
  </xsl:function>

  <xsl:function name="w:register-folder" as="xs:string">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:sequence select="($w:registers($kind)?folder, $w:registers('person')?folder)[1]"/>
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
    <!-- Every document page links to its neighbours in its sequence. -->
    <xsl:call-template name="w:pages-in-sequence">
      <xsl:with-param name="docs" select="$w:letters"/>
      <xsl:with-param name="sequence" select="'Letters in date order'"/>
    </xsl:call-template>
    <xsl:call-template name="w:pages-in-sequence">
      <xsl:with-param name="docs" select="$w:front, $w:chapters"/>
      <xsl:with-param name="sequence" select="'Introduction and chapters in reading order'"/>
    </xsl:call-template>
    <xsl:call-template name="w:pages-in-sequence">
      <xsl:with-param name="docs" select="$w:texts"/>
      <xsl:with-param name="sequence" select="'Other texts'"/>
    </xsl:call-template>
    <!-- Each register: its index page and a page per entity. -->
    <xsl:for-each select="$w:shown-registers">
      <xsl:variable name="kind" select="."/>
      <xsl:call-template name="w:register">
        <xsl:with-param name="kind" select="$kind"/>
      </xsl:call-template>
      <xsl:for-each select="w:entities-of($kind)">
        <xsl:call-template name="w:entity-page">
          <xsl:with-param name="entry" select="."/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:for-each>
    <xsl:call-template name="w:timeline-page"/>
    <xsl:call-template name="w:facet-pages"/>
    <xsl:call-template name="w:search-page"/>
    <xsl:call-template name="w:search-index"/>
  </xsl:template>

  <!-- ===================================================================== TEI for the web -->

  <!-- Names link to the register and carry an anchor, so the register links back to them. -->
  <xsl:template match="tei:*[@t:key]" priority="4">
    <xsl:param name="up" as="xs:string" tunnel="yes" select="''"/>
    <xsl:variable name="entity" select="t:entity-of(., @t:key)"/>
    <a class="{local-name()} name" href="{$up}{w:entity-href($entity)}" title="{$entity/@name}">
      <xsl:if test="ancestor::tei:text"><xsl:attribute name="id" select="t:name-anchor(.)"/></xsl:if>
      <xsl:apply-templates/>
    </a>
  </xsl:template>

  <xsl:template match="tei:persName[@ref] | tei:orgName[@ref]">
    <span class="{local-name()} unresolved" title="Not in the register: {@ref}"><xsl:apply-templates/></span>
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
