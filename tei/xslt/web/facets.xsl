<?xml version="1.0" encoding="UTF-8"?>
<!--
  facets.xsl (included by site.xsl): the letters list's facets besides the correspondents
  (pages.xsl's w:filter): date (years and their months), place of writing, persons
  mentioned.

  Without JavaScript every facet value is a plain link to a page of its letters, written
  here (years/YYYY.html with a section per month, written/PLACE.html, mentioning/KEY.html).
  With it, assets/facets.js shows a form on the list that combines the facets (a date range,
  a correspondent, a place, a person) over the rows' data-* attributes (w:row-facets).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- A letter's year and month ("1932-06"), from the model's sort date; undated: none. -->
  <xsl:function name="w:month-of" as="xs:string?" cache="yes">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="w:date($doc)/@sort[matches(., '^\d{4}-\d{2}')] ! substring(., 1, 7)"/>
  </xsl:function>

  <!-- Keys of the persons (and groups) a letter's text names. Cached: every table row of
       every list asks. -->
  <xsl:function name="w:mentioned" as="xs:string*" cache="yes">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:sequence select="distinct-values($doc/tei:TEI/tei:text//@t:key[t:entity-of($doc, .)/@kind = ('person', 'org')])"/>
  </xsl:function>

  <xsl:variable name="w:years" as="xs:string*"
    select="sort(distinct-values($w:letters ! w:month-of(.) ! substring(., 1, 4)))"/>
  <!-- Persons and groups some letter names, in register order. -->
  <xsl:variable name="w:mentioned-entries" as="element(t:entity)*"
    select="let $keys := distinct-values($w:letters ! w:mentioned(.)) return $w:entries[@key = $keys]"/>

  <xsl:function name="w:year-href" as="xs:string">
    <xsl:param name="year" as="xs:string"/>
    <xsl:sequence select="'years/' || $year || '.html'"/>
  </xsl:function>
  <xsl:function name="w:written-href" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:sequence select="'written/' || encode-for-uri($key) || '.html'"/>
  </xsl:function>
  <xsl:function name="w:mentioning-href" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:sequence select="'mentioning/' || encode-for-uri($key) || '.html'"/>
  </xsl:function>

  <xsl:function name="w:month-name" as="xs:string">
    <xsl:param name="month" as="xs:string"/>
    <xsl:sequence select="format-date(xs:date($month || '-01'), '[MNn] [Y]', $site-lang, (), ())"/>
  </xsl:function>

  <!-- The attributes facets.js filters a row of the letters table by. -->
  <xsl:template name="w:row-facets">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:attribute name="data-date" select="(w:date($doc)/@sort, '')[1]"/>
    <xsl:attribute name="data-corr" select="w:party-keys($doc, ('sender', 'addressee'))"/>
    <xsl:attribute name="data-place" select="$doc/t:meta/t:place[@role = 'sent']/@key"/>
    <xsl:attribute name="data-mentions" select="w:mentioned($doc)"/>
  </xsl:template>

  <!-- ===================================================================== on the list -->

  <!-- The facets as links (no script needed) and the form that combines them (shown by
       facets.js; hidden without it, as it could do nothing). -->
  <xsl:template name="w:facets">
    <xsl:call-template name="w:facet-form"/>
    <nav class="facets" aria-label="Letters by date, place and person mentioned">
      <xsl:if test="exists($w:years)">
        <details open="open">
          <summary>By date</summary>
          <ul class="years">
            <xsl:for-each select="$w:years">
              <xsl:variable name="year" select="."/>
              <li><a href="{w:year-href($year)}">{$year}</a>
                <span class="months">
                  <xsl:for-each select="distinct-values($w:letters ! w:month-of(.))[starts-with(., $year)]">
                    <xsl:text> </xsl:text><a href="{w:year-href($year)}#m{.}">{substring(w:month-name(.), 1, 3)}</a>
                  </xsl:for-each>
                </span>
              </li>
            </xsl:for-each>
          </ul>
        </details>
      </xsl:if>
      <xsl:if test="exists($w:places-of-writing)">
        <details>
          <summary>By place of writing</summary>
          <ul>
            <xsl:for-each select="$w:places-of-writing">
              <li><a href="{w:written-href(.)}">{t:entity-of($register, .)/@name}</a></li>
            </xsl:for-each>
          </ul>
        </details>
      </xsl:if>
      <xsl:if test="exists($w:mentioned-entries)">
        <details>
          <summary>By person mentioned</summary>
          <ul>
            <xsl:for-each select="$w:mentioned-entries">
              <li><a href="{w:mentioning-href(@key)}">{@name}</a></li>
            </xsl:for-each>
          </ul>
        </details>
      </xsl:if>
    </nav>
  </xsl:template>

  <xsl:template name="w:facet-form">
    <form class="facets" hidden="hidden" aria-label="Filter the letters">
      <fieldset>
        <legend>Filter the letters</legend>
        <label for="f-from">from</label>
        <input type="text" id="f-from" name="from" size="7" inputmode="numeric" placeholder="{($w:years[1], '1900')[1]}-01"/>
        <label for="f-to">to</label>
        <input type="text" id="f-to" name="to" size="7" inputmode="numeric" placeholder="{($w:years[last()], '1900')[1]}-12"/>
        <xsl:call-template name="w:facet-select">
          <xsl:with-param name="name" select="'corr'"/>
          <xsl:with-param name="label" select="'of'"/>
          <xsl:with-param name="any" select="'any correspondent'"/>
          <xsl:with-param name="options" select="$w:correspondents ! [., string(t:entity-of($register, .)/@display)]"/>
        </xsl:call-template>
        <xsl:call-template name="w:facet-select">
          <xsl:with-param name="name" select="'place'"/>
          <xsl:with-param name="label" select="'written at'"/>
          <xsl:with-param name="any" select="'any place'"/>
          <xsl:with-param name="options" select="$w:places-of-writing ! [., string(t:entity-of($register, .)/@name)]"/>
        </xsl:call-template>
        <xsl:call-template name="w:facet-select">
          <xsl:with-param name="name" select="'mentions'"/>
          <xsl:with-param name="label" select="'naming'"/>
          <xsl:with-param name="any" select="'anybody'"/>
          <xsl:with-param name="options" select="$w:mentioned-entries ! [string(@key), string(@name)]"/>
        </xsl:call-template>
        <button type="reset">Show all</button>
      </fieldset>
      <p class="status" aria-live="polite"></p>
    </form>
  </xsl:template>

  <xsl:template name="w:facet-select">
    <xsl:param name="name" as="xs:string"/>
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="any" as="xs:string"/>
    <xsl:param name="options" as="array(xs:string)*"/>
    <!-- A facet with no values (no letter names its place) is left out, not shown empty. -->
    <xsl:if test="exists($options)">
      <label for="f-{$name}">{$label}</label>
      <select id="f-{$name}" name="{$name}">
        <option value="">{$any}</option>
        <xsl:for-each select="$options">
          <option value="{?1}">{?2}</option>
        </xsl:for-each>
      </select>
    </xsl:if>
  </xsl:template>

  <!-- ===================================================================== facet pages -->

  <xsl:template name="w:facet-pages">
    <xsl:for-each select="$w:years">
      <xsl:call-template name="w:year-page">
        <xsl:with-param name="year" select="."/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$w:places-of-writing">
      <xsl:variable name="key" select="."/>
      <xsl:call-template name="w:facet-page">
        <xsl:with-param name="href" select="w:written-href($key)"/>
        <xsl:with-param name="title" select="'Letters written at ' || t:entity-of($register, $key)/@name"/>
        <xsl:with-param name="letters" select="$w:letters[t:meta/t:place[@role = 'sent']/@key = $key]"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$w:mentioned-entries">
      <xsl:variable name="key" select="string(@key)"/>
      <xsl:call-template name="w:facet-page">
        <xsl:with-param name="href" select="w:mentioning-href($key)"/>
        <xsl:with-param name="title" select="'Letters naming ' || @display"/>
        <xsl:with-param name="letters" select="w:in-date-order(key('t:mentions-of', $key, $register)/ancestor::t:doc[@kind = 'letter'])"/>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="w:facet-page">
    <xsl:param name="href" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="letters" as="element(t:doc)*"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="$href"/>
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>{$title}</h1>
        <p class="lead"><a href="../index.html#letters">All letters</a> and their facets.</p>
        <xsl:call-template name="w:letter-table">
          <xsl:with-param name="letters" select="$letters"/>
          <xsl:with-param name="caption" select="$title"/>
          <xsl:with-param name="up" select="'../'" tunnel="yes"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A year's letters, a table per month, each month an anchor (#m1932-06) the list links to. -->
  <xsl:template name="w:year-page">
    <xsl:param name="year" as="xs:string"/>
    <xsl:variable name="letters" select="$w:letters[starts-with(w:month-of(.), $year)]"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="w:year-href($year)"/>
      <xsl:with-param name="title" select="'Letters of ' || $year"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>Letters of {$year}</h1>
        <p class="lead"><a href="../index.html#letters">All letters</a>;
          <xsl:for-each select="$w:years">
            <xsl:if test="position() gt 1">, </xsl:if>
            <a href="{.}.html"><xsl:if test=". = $year"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>{.}</a>
          </xsl:for-each>.</p>
        <xsl:for-each-group select="$letters" group-by="w:month-of(.)">
          <section id="m{current-grouping-key()}" aria-label="{w:month-name(current-grouping-key())}">
            <xsl:call-template name="w:letter-table">
              <xsl:with-param name="letters" select="current-group()"/>
              <xsl:with-param name="caption" select="w:month-name(current-grouping-key())"/>
              <xsl:with-param name="up" select="'../'" tunnel="yes"/>
            </xsl:call-template>
          </section>
        </xsl:for-each-group>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
