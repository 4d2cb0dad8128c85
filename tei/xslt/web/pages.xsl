<?xml version="1.0" encoding="UTF-8"?>
<!--
  pages.xsl (included by site.xsl): the page frame and every kind of page: the index, the
  per-correspondent indexes, letters, chapters, the introduction, and each register
  (persons, places, organisations): its index and a page per entity. Every page has one h1,
  the landmarks header/nav/main/footer, a lang, and links relative to itself so the site
  works from the file system and from any server.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- ===================================================================== frame -->

  <xsl:template name="w:page">
    <xsl:param name="href" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="lang" as="xs:string" select="$site-lang"/>
    <xsl:param name="content" as="node()*"/>
    <xsl:param name="scripts" as="xs:string*" select="()"/>
    <xsl:param name="current" as="xs:string" select="''"/>
    <!-- More for the head: a document's citation meta tags. -->
    <xsl:param name="head" as="node()*" select="()"/>
    <xsl:variable name="up" select="w:up($href)"/>
    <xsl:result-document href="{$href}" method="html" html-version="5" encoding="UTF-8" indent="no">
      <html lang="{$lang}">
        <head>
          <meta charset="utf-8"/>
          <meta name="viewport" content="width=device-width, initial-scale=1"/>
          <title>{$title} · {$site-title}</title>
          <link rel="stylesheet" href="{$up}assets/style.css"/>
          <xsl:if test="$site-url">
            <link rel="canonical" href="{w:canonical($href)}"/>
          </xsl:if>
          <xsl:if test="$licence">
            <link rel="license" href="{$licence}"/>
          </xsl:if>
          <xsl:sequence select="$head"/>
        </head>
        <body>
          <a class="skip" href="#main">Skip to the text</a>
          <header class="site">
            <a class="site-title" href="{$up}index.html">{$site-title}</a>
            <nav aria-label="Site">
              <ul>
                <!-- [href, label, the page's $current]; a register only when it has pages. -->
                <xsl:for-each select="(['index.html', 'Letters', 'letters'],
                                       $w:shown-registers ! (let $r := $w:registers(.)
                                         return [$r?folder || '/index.html', $r?menu, $r?folder]),
                                       ['timeline.html', 'Timeline', 'timeline'],
                                       ['search.html', 'Search', 'search'])">
                  <li><a href="{$up}{?1}"><xsl:if test="?3 = $current"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>{?2}</a></li>
                </xsl:for-each>
              </ul>
            </nav>
            <form class="site-search" role="search" aria-label="Site" action="{$up}search.html" method="get">
              <label for="site-q" class="visually-hidden">Search the edition</label>
              <input type="search" id="site-q" name="q" placeholder="Search"/>
              <button type="submit">Search</button>
            </form>
          </header>
          <main id="main">
            <xsl:sequence select="$content"/>
          </main>
          <footer class="site">
            <p>A digital edition in TEI P5, rendered by teitool. Readable without JavaScript;
              only the search needs its small script.<xsl:if test="$licence"> Licence:
              <a href="{$licence}">{w:licence-name($licence)}</a>.</xsl:if></p>
          </footer>
          <xsl:for-each select="$scripts">
            <script src="{$up}{.}"></script>
          </xsl:for-each>
        </body>
      </html>
    </xsl:result-document>
    <xsl:value-of select="$href || '&#10;'"/>
  </xsl:template>

  <!-- ===================================================================== lists of letters -->

  <!-- A correspondent (the model's t:sender / t:addressee): its display name, linked to its
       register page when it has one. -->
  <xsl:template match="t:sender | t:addressee" mode="w:name">
    <xsl:param name="up" as="xs:string" tunnel="yes"/>
    <xsl:variable name="entity" select="t:entity-of(., @key)"/>
    <xsl:choose>
      <xsl:when test="$entity">
        <a href="{$up}{w:entity-href($entity)}">{normalize-space(.)}</a>
      </xsl:when>
      <xsl:otherwise>{normalize-space(.)}</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="w:names">
    <xsl:param name="names" as="element()*"/>
    <xsl:for-each select="$names">
      <xsl:if test="position() gt 1">, </xsl:if>
      <xsl:apply-templates select="." mode="w:name"/>
    </xsl:for-each>
    <xsl:if test="empty($names)">unknown</xsl:if>
  </xsl:template>

  <!-- The date of a letter for lists: the normalised value; uncertain ones in brackets with a
       mark and an explanation on hover. -->
  <xsl:template name="w:date-cell">
    <xsl:param name="date" as="element(t:date)?"/>
    <xsl:choose>
      <xsl:when test="empty($date)"><span class="uncertain" title="The letter is not dated">undated</span></xsl:when>
      <xsl:when test="t:date-uncertain($date)">
        <span class="date uncertain" title="{t:date-value($date)}; as printed: {normalize-space($date)}">[{t:date-value($date) => replace(' \(supplied by the editors\)', '')}]<span class="visually-hidden"> (date uncertain)</span></span>
      </xsl:when>
      <xsl:otherwise>
        <time class="date" datetime="{$date/@when}" title="As printed: {normalize-space($date)}">{t:format-iso($date/@when)}</time>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="w:letter-table">
    <xsl:param name="letters" as="element(t:doc)*"/>
    <xsl:param name="caption" as="xs:string"/>
    <xsl:param name="up" as="xs:string" tunnel="yes"/>
    <div class="table-wrap">
      <table class="letters">
        <caption>{$caption} ({count($letters)})</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Place</th><th scope="col">Letter</th></tr></thead>
        <tbody>
          <xsl:for-each select="$letters">
            <tr>
              <xsl:call-template name="w:row-facets"><xsl:with-param name="doc" select="."/></xsl:call-template>
              <td data-label="Date"><xsl:call-template name="w:date-cell"><xsl:with-param name="date" select="w:date(.)"/></xsl:call-template></td>
              <td data-label="From"><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'sent')"/></xsl:call-template></td>
              <td data-label="To"><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'received')"/></xsl:call-template></td>
              <td data-label="Place">{string-join(t:meta/t:place[@role = 'sent'] ! normalize-space(), ', ')}</td>
              <td data-label="Letter"><a href="{$up}{@href}">{w:numbered-title(.)}</a></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
    <p class="legend">Dates in [brackets] were supplied or bounded by the editors; hover for details.</p>
  </xsl:template>

  <xsl:template name="w:filter">
    <xsl:param name="current" as="xs:string" select="''"/>
    <xsl:param name="up" as="xs:string" tunnel="yes"/>
    <nav class="filter" aria-label="Letters by correspondent">
      <h2 id="filter-heading">Correspondents</h2>
      <ul>
        <li><a href="{$up}index.html#letters">
          <xsl:if test="$current = ''"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>All letters</a></li>
        <xsl:for-each select="$w:correspondents">
          <li><a href="{$up}{w:by-href(.)}">
            <xsl:if test=". = $current"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>
            {t:entity-of($register, .)/@display} <span class="count">({count(key('t:letters-of', ., $register))})</span></a></li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <!-- ===================================================================== index -->

  <xsl:template name="w:index">
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'index.html'"/>
      <xsl:with-param name="title" select="'Contents'"/>
      <xsl:with-param name="scripts" select="'assets/facets.js', 'assets/cite.js'"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>{$site-title}</h1>
        <p class="lead">{w:count($w:letters, 'letter')}, {w:count($w:chapters, 'chapter')}, {w:count($w:persons, 'person')} in the register, {w:count($w:places, 'place')}<xsl:if test="$w:orgs">, {w:count($w:orgs, 'organisation')}</xsl:if>.<xsl:if test="$w:letters">
          See also the <a href="timeline.html">timeline of the correspondence</a>.</xsl:if></p>
        <xsl:if test="$w:front">
          <section aria-labelledby="intro-heading">
            <h2 id="intro-heading">Introduction</h2>
            <ul><xsl:for-each select="$w:front"><li><a href="{@href}">{w:title(.)}</a></li></xsl:for-each></ul>
          </section>
        </xsl:if>
        <xsl:if test="$w:chapters">
          <section aria-labelledby="chapters-heading">
            <h2 id="chapters-heading">Chapters</h2>
            <ul><xsl:for-each select="$w:chapters"><li><a href="{@href}">{w:title(.)}</a></li></xsl:for-each></ul>
          </section>
        </xsl:if>
        <xsl:if test="$w:texts">
          <section aria-labelledby="texts-heading">
            <h2 id="texts-heading">Other texts</h2>
            <ul><xsl:for-each select="$w:texts"><li><a href="{@href}">{w:title(.)}</a></li></xsl:for-each></ul>
          </section>
        </xsl:if>
        <xsl:if test="$w:letters">
          <section id="letters" aria-labelledby="letters-heading">
            <h2 id="letters-heading">Letters in date order</h2>
            <xsl:call-template name="w:filter">
              <xsl:with-param name="up" select="''" tunnel="yes"/>
            </xsl:call-template>
            <xsl:call-template name="w:facets"/>
            <xsl:call-template name="w:letter-table">
              <xsl:with-param name="letters" select="$w:letters"/>
              <xsl:with-param name="caption" select="'All letters'"/>
              <xsl:with-param name="up" select="''" tunnel="yes"/>
            </xsl:call-template>
          </section>
        </xsl:if>
        <xsl:if test="$edition-citation-files">
          <xsl:call-template name="w:edition-cite"/>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:by-correspondent">
    <xsl:param name="id" as="xs:string"/>
    <xsl:variable name="entry" select="t:entity-of($register, $id)"/>
    <xsl:variable name="name" select="string($entry/@display)"/>
    <xsl:variable name="letters" select="w:in-date-order(key('t:letters-of', $id, $register))"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="w:by-href($id)"/>
      <xsl:with-param name="title" select="'Letters of ' || $name"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>Letters of {$name}</h1>
        <p class="lead">Letters {$name} wrote or received, in date order.
          See also <a href="../{w:entity-href($entry)}">the register entry</a>.</p>
        <xsl:call-template name="w:filter">
          <xsl:with-param name="current" select="$id"/>
          <xsl:with-param name="up" select="'../'" tunnel="yes"/>
        </xsl:call-template>
        <xsl:call-template name="w:letter-table">
          <xsl:with-param name="letters" select="$letters"/>
          <xsl:with-param name="caption" select="'Letters of ' || $name"/>
          <xsl:with-param name="up" select="'../'" tunnel="yes"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ===================================================================== documents -->

  <xsl:template name="w:pages-in-sequence">
    <xsl:param name="docs" as="element(t:doc)*"/>
    <xsl:param name="sequence" as="xs:string"/>
    <xsl:for-each select="$docs">
      <xsl:variable name="i" select="position()"/>
      <xsl:apply-templates select="." mode="w:page">
        <xsl:with-param name="prev" select="$docs[$i - 1]"/>
        <xsl:with-param name="next" select="$docs[$i + 1]"/>
        <xsl:with-param name="sequence" select="$sequence"/>
      </xsl:apply-templates>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="t:doc" mode="w:page">
    <xsl:param name="prev" as="element(t:doc)?" select="()"/>
    <xsl:param name="next" as="element(t:doc)?" select="()"/>
    <xsl:param name="sequence" as="xs:string"/>
    <xsl:variable name="up" select="w:up(@href)"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="string(@href)"/>
      <xsl:with-param name="title" select="w:numbered-title(.)"/>
      <xsl:with-param name="lang" select="w:lang(.)"/>
      <xsl:with-param name="head">
        <xsl:call-template name="w:citation-meta">
          <xsl:with-param name="doc" select="."/>
          <xsl:with-param name="up" select="$up"/>
        </xsl:call-template>
      </xsl:with-param>
      <!-- highlight.js marks the words of the search that led here (?hl=…); cite.js copies the
           citation. The page needs neither. -->
      <xsl:with-param name="scripts" select="'assets/highlight.js', 'assets/cite.js'"/>
      <xsl:with-param name="current" select="if (@kind = 'letter') then 'letters' else ''"/>
      <xsl:with-param name="content">
        <article class="{@kind}">
          <header class="doc-head">
            <h1><xsl:if test="@n"><span class="number">{@n}.</span><xsl:text> </xsl:text></xsl:if>{w:title(.)}</h1>
            <xsl:apply-templates select="." mode="w:meta">
              <xsl:with-param name="up" select="$up" tunnel="yes"/>
            </xsl:apply-templates>
          </header>
          <xsl:if test="$prev or $next">
            <xsl:call-template name="w:prev-next">
              <xsl:with-param name="prev" select="$prev"/>
              <xsl:with-param name="next" select="$next"/>
              <xsl:with-param name="up" select="$up"/>
              <xsl:with-param name="sequence" select="$sequence"/>
            </xsl:call-template>
          </xsl:if>
          <div class="text">
            <xsl:apply-templates select="tei:TEI/tei:text">
              <xsl:with-param name="up" select="$up" tunnel="yes"/>
            </xsl:apply-templates>
          </div>
          <xsl:apply-templates select="tei:TEI/tei:text" mode="t:notes">
            <xsl:with-param name="up" select="$up" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:call-template name="w:cite-block">
            <xsl:with-param name="doc" select="."/>
            <xsl:with-param name="up" select="$up"/>
          </xsl:call-template>
        </article>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:prev-next">
    <xsl:param name="prev" as="element(t:doc)?"/>
    <xsl:param name="next" as="element(t:doc)?"/>
    <xsl:param name="up" as="xs:string"/>
    <xsl:param name="sequence" as="xs:string"/>
    <nav class="prevnext" aria-label="{$sequence}">
      <ul>
        <li class="prev"><xsl:if test="$prev"><a rel="prev" href="{$up}{$prev/@href}">← {w:numbered-title($prev)}</a></xsl:if></li>
        <li class="next"><xsl:if test="$next"><a rel="next" href="{$up}{$next/@href}">{w:numbered-title($next)} →</a></xsl:if></li>
      </ul>
    </nav>
  </xsl:template>

  <!-- Letter head: correspondents, date as printed with its normalised value, place, archive,
       form. -->
  <xsl:template match="t:doc[@kind = 'letter']" mode="w:meta">
    <xsl:variable name="header" select="tei:TEI/tei:teiHeader"/>
    <xsl:variable name="date" select="w:date(.)"/>
    <xsl:variable name="ms" select="$header/tei:fileDesc/tei:sourceDesc/tei:msDesc"/>
    <dl class="meta">
      <xsl:if test="@n">
        <dt>Letter</dt><dd>No. {@n}</dd>
      </xsl:if>
      <dt>From</dt>
      <dd><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'sent')"/></xsl:call-template></dd>
      <dt>To</dt>
      <dd><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'received')"/></xsl:call-template></dd>
      <dt>Date</dt>
      <dd>
        <xsl:choose>
          <xsl:when test="$date">
            <span class="date{if (t:date-uncertain($date)) then ' uncertain' else ''}" title="{t:date-value($date)}">{normalize-space($date)}</span> <span class="normalised"> ({t:date-value($date)})</span>
          </xsl:when>
          <xsl:otherwise>undated</xsl:otherwise>
        </xsl:choose>
      </dd>
      <xsl:call-template name="w:editorial-decisions">
        <xsl:with-param name="doc" select="."/>
      </xsl:call-template>
      <xsl:for-each select="t:meta/t:place[@role = 'sent'][normalize-space()]">
        <dt>Place</dt><dd>{normalize-space(.)}</dd>
      </xsl:for-each>
      <xsl:for-each select="t:meta/t:archive">
        <dt>Archive</dt>
        <dd>{normalize-space(.)}</dd>
      </xsl:for-each>
      <xsl:variable name="form" select="($ms/tei:physDesc/tei:p[normalize-space()] ! normalize-space(), $ms/tei:physDesc/tei:objectDesc/@form ! string())[1]"/>
      <xsl:if test="$form">
        <dt>Form</dt><dd>{$form}</dd>
      </xsl:if>
      <xsl:for-each select="$header/tei:fileDesc/tei:sourceDesc/tei:p[normalize-space()]">
        <dt>Source</dt><dd><xsl:apply-templates/></dd>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <!-- Chapters, the introduction and other texts: author and bibliographic source. -->
  <xsl:template match="t:doc" mode="w:meta">
    <xsl:variable name="file" select="tei:TEI/tei:teiHeader/tei:fileDesc"/>
    <dl class="meta">
      <xsl:for-each select="$file/tei:titleStmt/tei:author[normalize-space()]">
        <dt>Author</dt><dd>{normalize-space(.)}</dd>
      </xsl:for-each>
      <xsl:for-each select="$file/tei:sourceDesc/(tei:bibl | tei:biblStruct | tei:p)[normalize-space()]">
        <dt>Source</dt><dd>{t:plain(.)}</dd>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <!-- ===================================================================== registers -->

  <!-- The index page of a register ($kind: person, place, org; see $w:registers). -->
  <xsl:template name="w:register">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:variable name="r" select="$w:registers($kind)"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="$r?folder || '/index.html'"/>
      <xsl:with-param name="title" select="$r?title"/>
      <xsl:with-param name="current" select="$r?folder"/>
      <xsl:with-param name="content">
        <h1>{$r?title}</h1>
        <p class="lead">{$r?lead}</p>
        <xsl:call-template name="w:entity-list">
          <xsl:with-param name="entities" select="w:entities-of($kind)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:entity-list">
    <xsl:param name="entities" as="element(t:entity)*"/>
    <xsl:choose>
      <xsl:when test="empty($entities)"><p>The edition has none.</p></xsl:when>
      <xsl:otherwise>
        <ul class="register">
          <xsl:for-each select="$entities">
            <li>
              <a href="{encode-for-uri(@key)}.html">{@name}</a>
              <span class="count"> ({w:number-of(xs:integer(@mentions), 'mention')}<xsl:if test="@kind != 'place'">,
                {w:number-of(xs:integer(@letters), 'letter')}</xsl:if>)</span>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An authority URI by the authority's name and the entry's id there ("Wikidata Q855"),
       else as it is. -->
  <xsl:function name="w:authority-label" as="xs:string">
    <xsl:param name="uri" as="xs:string"/>
    <xsl:variable name="known" select="[ 'wikidata\.org/(wiki|entity)/', 'Wikidata' ],
      [ 'd-nb\.info/gnd/', 'GND' ], [ 'viaf\.org/viaf/', 'VIAF' ], [ 'geonames\.org/', 'GeoNames' ]"/>
    <xsl:variable name="match" select="$known[matches($uri, ?1)][1]"/>
    <xsl:sequence select="if (exists($match)) then $match?2 || ' ' || replace(replace($uri, '^.*' || $match?1, ''), '/.*$', '') else $uri"/>
  </xsl:function>

  <!-- The page of a register entity, whatever its kind: its names, life, authority links and
       notes; the letters it sent and received; every mention, by document. -->
  <xsl:template name="w:entity-page">
    <xsl:param name="entry" as="element(t:entity)"/>
    <xsl:variable name="id" select="string($entry/@key)"/>
    <xsl:variable name="letters" select="w:in-date-order(key('t:letters-of', $id, $register))"/>
    <xsl:variable name="sent" select="$letters[w:corresp(., 'sent')/@key = $id]"/>
    <xsl:variable name="received" select="$letters[w:corresp(., 'received')/@key = $id]"/>
    <xsl:variable name="mentions" select="key('t:mentions-of', $id, $register)"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="w:entity-href($entry)"/>
      <xsl:with-param name="title" select="string($entry/@name)"/>
      <xsl:with-param name="current" select="w:register-folder($entry/@kind)"/>
      <xsl:with-param name="content">
        <article class="{$entry/@kind}">
          <h1>{$entry/@display}</h1>
          <dl class="meta">
            <dt>Regularised name</dt><dd>{$entry/@name}</dd>
            <xsl:if test="$entry/@born or $entry/@died">
              <dt>Life</dt><dd>{($entry/@born ! t:format-iso(.), '?')[1]} – {($entry/@died ! t:format-iso(.), '?')[1]}</dd>
            </xsl:if>
            <xsl:if test="$entry/t:variant">
              <dt>Also written</dt><dd>{string-join($entry/t:variant ! normalize-space(), '; ')}</dd>
            </xsl:if>
            <xsl:for-each select="$entry/t:authority[matches(., '^https?://')]">
              <dt>Authority</dt>
              <dd><a href="{.}" rel="external">{w:authority-label(.)}</a></dd>
            </xsl:for-each>
            <xsl:for-each select="$entry/t:note[normalize-space()]">
              <dt>Note</dt><dd>{.}</dd>
            </xsl:for-each>
          </dl>
          <xsl:if test="$sent or $received">
            <p><a href="../{w:by-href($id)}">All letters of {$entry/@display} in date order</a></p>
          </xsl:if>
          <xsl:for-each select="[$sent, 'Letters sent', 'sent'], [$received, 'Letters received', 'received']">
            <xsl:if test="exists(?1)">
              <section aria-labelledby="{?3}-heading">
                <h2 id="{?3}-heading">{?2} ({count(?1)})</h2>
                <ul class="letters">
                  <xsl:for-each select="?1">
                    <li><a href="../{@href}">{w:numbered-title(.)}</a></li>
                  </xsl:for-each>
                </ul>
              </section>
            </xsl:if>
          </xsl:for-each>
          <section aria-labelledby="mentions-heading">
            <h2 id="mentions-heading">Mentions ({count($mentions)})</h2>
            <xsl:choose>
              <xsl:when test="empty($mentions)"><p>Not named in the texts of the edition.</p></xsl:when>
              <xsl:otherwise>
                <ul class="mentions">
                  <!-- Grouped by document, in the edition's reading order. -->
                  <xsl:variable name="in-docs" select="distinct-values($mentions/ancestor::t:doc/@id)"/>
                  <xsl:for-each select="$w:documents[@id = $in-docs]">
                    <xsl:variable name="doc" select="."/>
                    <li>
                      <a href="../{@href}">{w:numbered-title(.)}</a>:
                      <xsl:for-each select="$mentions[ancestor::t:doc is $doc]">
                        <a class="mention" href="../{$doc/@href}#{t:name-anchor(.)}" title="{normalize-space(.)}">{position()}</a>
                        <xsl:text> </xsl:text>
                      </xsl:for-each>
                    </li>
                  </xsl:for-each>
                </ul>
              </xsl:otherwise>
            </xsl:choose>
          </section>
        </article>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
