<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl (included by site.xsl): the search page and the search index.

  The index is built here, at render time, from the same blocks the pages anchor (b1, b2, …
  and the footnotes' ids), so a hit links to the passage. It is written as a script that
  assigns a JSON value (search-index.js) rather than as a .json file: browsers refuse fetch()
  on file:// URLs, and the site must work straight from the file system too.
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

  <xsl:template name="w:search-index">
    <xsl:variable name="docs" select="$w:documents"/>
    <xsl:variable name="n-docs" select="count($docs)"/>
    <xsl:variable name="index" as="map(*)">
      <xsl:map>
        <xsl:map-entry key="'docs'" select="array{
          ($docs ! [string(@href), w:title(.)]),
          ($w:entities ! [w:entity-href(.), string(@name)]) }"/>
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
      </xsl:map>
    </xsl:variable>
    <xsl:result-document href="search-index.js" method="text" encoding="UTF-8">
      <xsl:text>/* Search index of the edition, written by teitool render web. */&#10;</xsl:text>
      <xsl:text>window.TEI_SEARCH = </xsl:text>
      <xsl:value-of select="serialize($index, map{'method': 'json'})"/>
      <xsl:text>;&#10;</xsl:text>
    </xsl:result-document>
    <xsl:value-of select="'search-index.js&#10;'"/>
  </xsl:template>

  <xsl:template name="w:search-page">
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'search.html'"/>
      <xsl:with-param name="title" select="'Search'"/>
      <xsl:with-param name="current" select="'search'"/>
      <xsl:with-param name="scripts" select="('search-index.js', 'assets/search.js')"/>
      <xsl:with-param name="content">
        <h1>Search the edition</h1>
        <form class="search" role="search" action="search.html" method="get">
          <label for="q">Words to find (all of them, in any order)</label>
          <input type="search" id="q" name="q" autocomplete="off"/>
          <button type="submit">Search</button>
        </form>
        <noscript>
          <p class="notice">The search needs JavaScript. Without it, every text is reachable from the
            <a href="index.html">list of letters and chapters</a> and the
            <a href="persons/index.html">register of persons</a>.</p>
        </noscript>
        <p id="status" class="status" aria-live="polite"></p>
        <ol id="results" class="results"></ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
