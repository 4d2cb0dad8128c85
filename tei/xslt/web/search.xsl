<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl (included by site.xsl): the search page and the search index.

  The passages are taken here, at render time, from the same blocks the pages anchor (b1, b2,
  … and the footnotes' ids), so a hit links to the passage; tei/render/search_index.py makes
  the inverted index of them (its docstring says why our own and how it is laid out), and
  assets/search.js reads it.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- The smallest blocks of the text and of editorial notes: a block that contains another
       block is indexed through it. Footnotes are indexed on their own, so a paragraph of a
       footnote neither counts as a block nor hides the paragraph that holds the footnote. -->
  <xsl:function name="w:search-blocks" as="element()*">
    <xsl:param name="text" as="element(tei:text)?"/>
    <xsl:sequence select="$text//(tei:p | tei:opener | tei:closer | tei:div/tei:head | tei:item | tei:row)
      [not(ancestor::tei:note[t:is-footnote(.)])]
      [not(descendant::*[self::tei:p or self::tei:item or self::tei:opener or self::tei:closer]
                        [not(ancestor::tei:note[t:is-footnote(.)])])]"/>
  </xsl:function>

  <xsl:variable name="w:entities" as="element(t:entity)*" select="($w:entries, $w:places)"/>

  <!-- Keys of the places letters were written at, in register order: the place filter. -->
  <xsl:variable name="w:places-of-writing" as="xs:string*"
    select="$w:places[@key = $w:letters/t:meta/t:place[@role = 'sent']/@key]/string(@key)"/>

  <!-- A document as the search shows and filters it. -->
  <xsl:function name="w:search-doc" as="map(*)">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="map{
      'href': string($doc/@href), 'title': w:title($doc), 'n': string($doc/@n), 'kind': string($doc/@kind),
      'date': string((w:date($doc)/@sort, '')[1]),
      'corr': array{ distinct-values(w:party-keys($doc, ('sender', 'addressee'))) },
      'place': array{ distinct-values($doc/t:meta/t:place[@role = 'sent']/@key) } }"/>
  </xsl:function>

  <xsl:function name="w:party-keys" as="xs:string*">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:param name="roles" as="xs:string*"/>
    <xsl:sequence select="($roles ! t:parties($doc, .))/@key ! string()"/>
  </xsl:function>

  <!-- A register entry is found by its names: a document of its own. -->
  <xsl:function name="w:search-entity" as="map(*)">
    <xsl:param name="entity" as="element(t:entity)"/>
    <xsl:sequence select="map{'href': w:entity-href($entity), 'title': string($entity/@name),
      'kind': string($entity/@kind)}"/>
  </xsl:function>

  <!-- What tei/render/search_index.py makes the index of: documents, their passages
       ([document, anchor, text]) and the register's names. Written as JSON by serialize(), so
       no text of the TEI becomes code; Python reads it, writes search/ and deletes it. -->
  <xsl:template name="w:search-index">
    <xsl:variable name="docs" select="$w:documents"/>
    <xsl:variable name="n-docs" select="count($docs)"/>
    <xsl:variable name="index" as="map(*)">
      <xsl:map>
        <xsl:map-entry key="'docs'" select="array{ ($docs ! w:search-doc(.)), ($w:entities ! w:search-entity(.)) }"/>
        <xsl:map-entry key="'blocks'" select="array{
          (for $i in 1 to $n-docs return
            let $text := $docs[$i]/tei:TEI/tei:text
            return (
              (w:search-blocks($text) ! [$i - 1, w:block-id(.), t:plain(.)][string(?3)]),
              ($text//tei:note[t:is-footnote(.)] ! [$i - 1, t:note-id(.), 'Note ' || t:note-label(.) || ': ' || t:plain(node())])
            )),
          (for $j in 1 to count($w:entities) return
            let $e := $w:entities[$j]
            return [$n-docs + $j - 1, '', string-join((string($e/@name), $e/t:variant ! normalize-space()), '; ')])
        }"/>
        <xsl:map-entry key="'entities'" select="array{ $w:entities ! map{
          'kind': string(@kind), 'name': string(@name), 'display': string(@display),
          'variants': array{ t:variant ! normalize-space() } } }"/>
      </xsl:map>
    </xsl:variable>
    <xsl:result-document href="search/source.json" method="json" encoding="UTF-8">
      <xsl:sequence select="$index"/>
    </xsl:result-document>
  </xsl:template>

  <xsl:template name="w:search-page">
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'search.html'"/>
      <xsl:with-param name="title" select="'Search'"/>
      <xsl:with-param name="current" select="'search'"/>
      <xsl:with-param name="scripts" select="('search/index.js', 'assets/search.js')"/>
      <xsl:with-param name="content">
        <h1>Search the edition</h1>
        <form class="search" role="search" aria-label="Search with filters" action="search.html" method="get">
          <p>
            <label for="q">Words to find</label>
            <input type="search" id="q" name="q" autocomplete="off" aria-describedby="q-help"/>
            <button type="submit">Search</button>
          </p>
          <p id="q-help" class="help">All the words, in any order; "in quotes" for a phrase; plan* for
            words that begin so. Case and accents do not matter, and a name finds the register's
            other spellings of it.</p>
          <xsl:call-template name="w:search-filters"/>
        </form>
        <noscript>
          <p class="notice">The search needs JavaScript. Without it, every text is reachable from the
            <a href="index.html">list of letters and chapters</a> and the
            <a href="persons/index.html">register of persons</a>.</p>
        </noscript>
        <p id="status" class="status" aria-live="polite"></p>
        <ol id="results" class="results"></ol>
        <p><button type="button" id="more" hidden="hidden">More results</button></p>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Filters the query is combined with: dates as years or months, a correspondent, a place
       of writing. Their names go into the URL like the query's, so a search can be linked. -->
  <xsl:template name="w:search-filters">
    <fieldset class="filters">
      <legend>Only letters</legend>
      <label for="from">from</label>
      <input type="text" id="from" name="from" size="7" inputmode="numeric" pattern="\d{{4}}(-\d{{2}})?" placeholder="{($w:years[1], '1900')[1]}-01"/>
      <label for="to">to</label>
      <input type="text" id="to" name="to" size="7" inputmode="numeric" pattern="\d{{4}}(-\d{{2}})?" placeholder="{($w:years[last()], '1900')[1]}-12"/>
      <label for="corr">of</label>
      <select id="corr" name="corr">
        <option value="">any correspondent</option>
        <xsl:for-each select="$w:correspondents">
          <option value="{.}">{t:entity-of($register, .)/@display}</option>
        </xsl:for-each>
      </select>
      <xsl:if test="exists($w:places-of-writing)">
        <label for="place">written at</label>
        <select id="place" name="place">
          <option value="">any place</option>
          <xsl:for-each select="$w:places-of-writing">
            <option value="{.}">{t:entity-of($register, .)/@name}</option>
          </xsl:for-each>
        </select>
      </xsl:if>
    </fieldset>
  </xsl:template>

</xsl:stylesheet>
