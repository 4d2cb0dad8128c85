<?xml version="1.0" encoding="UTF-8"?>
<!--
  pages.xsl (included by site.xsl): the page frame and every kind of page: the index, the
  per-correspondent indexes, letters, chapters, the introduction, the register and a page
  per person. Every page has one h1, the landmarks header/nav/main/footer, a lang, and links
  relative to itself so the site works from the file system and from any server.
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
    <xsl:variable name="up" select="w:up($href)"/>
    <xsl:result-document href="{$href}" method="html" html-version="5" encoding="UTF-8" indent="no">
      <html lang="{$lang}">
        <head>
          <meta charset="utf-8"/>
          <meta name="viewport" content="width=device-width, initial-scale=1"/>
          <title>{$title} · {$site-title}</title>
          <link rel="stylesheet" href="{$up}assets/style.css"/>
        </head>
        <body>
          <a class="skip" href="#main">Skip to the text</a>
          <header class="site">
            <a class="site-title" href="{$up}index.html">{$site-title}</a>
            <nav aria-label="Site">
              <ul>
                <xsl:for-each select="(['index.html', 'Letters', 'letters'],
                                       ['persons/index.html', 'Persons', 'persons'],
                                       ['timeline.html', 'Timeline', 'timeline'],
                                       ['search.html', 'Search', 'search'])">
                  <li><a href="{$up}{?1}"><xsl:if test="?3 = $current"><xsl:attribute name="aria-current" select="'page'"/></xsl:if>{?2}</a></li>
                </xsl:for-each>
              </ul>
            </nav>
            <form class="site-search" role="search" action="{$up}search.html" method="get">
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
              only the search uses a small script.</p>
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

  <!-- A name of a correspondent: the register's reading form, linked to the person. -->
  <xsl:template match="tei:persName | tei:orgName" mode="w:name">
    <xsl:param name="up" as="xs:string" tunnel="yes"/>
    <xsl:variable name="entry" select="t:entry(@ref)"/>
    <xsl:choose>
      <xsl:when test="$entry">
        <a href="{$up}{w:person-href($entry/@xml:id)}">{t:display-name($entry)}</a>
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
    <xsl:param name="date" as="element(tei:date)?"/>
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
              <td data-label="Date"><xsl:call-template name="w:date-cell"><xsl:with-param name="date" select="w:date(.)"/></xsl:call-template></td>
              <td data-label="From"><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'sent')/(tei:persName | tei:orgName)"/></xsl:call-template></td>
              <td data-label="To"><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'received')/(tei:persName | tei:orgName)"/></xsl:call-template></td>
              <td data-label="Place">{string-join(w:corresp(., 'sent')/tei:placeName ! normalize-space(), ', ')}</td>
              <td data-label="Letter"><a href="{$up}{@href}">{w:title(.)}</a></td>
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
            {t:display-name(t:entry(.))} <span class="count">({count(key('w:corresp', ., $register))})</span></a></li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <!-- ===================================================================== index -->

  <xsl:template name="w:index">
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'index.html'"/>
      <xsl:with-param name="title" select="'Contents'"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>{$site-title}</h1>
        <p class="lead">{w:count($w:letters, 'letter')}, {w:count($w:chapters, 'chapter')}, {w:count($w:entries, 'person')} in the register.<xsl:if test="$w:letters">
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
            <xsl:call-template name="w:letter-table">
              <xsl:with-param name="letters" select="$w:letters"/>
              <xsl:with-param name="caption" select="'All letters'"/>
              <xsl:with-param name="up" select="''" tunnel="yes"/>
            </xsl:call-template>
          </section>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:by-correspondent">
    <xsl:param name="id" as="xs:string"/>
    <xsl:variable name="entry" select="t:entry($id)"/>
    <xsl:variable name="letters" select="w:in-date-order(key('w:corresp', $id, $register))"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="w:by-href($id)"/>
      <xsl:with-param name="title" select="'Letters of ' || t:display-name($entry)"/>
      <xsl:with-param name="current" select="'letters'"/>
      <xsl:with-param name="content">
        <h1>Letters of {t:display-name($entry)}</h1>
        <p class="lead">Letters {t:display-name($entry)} wrote or received, in date order.
          See also <a href="../{w:person-href($id)}">the register entry</a>.</p>
        <xsl:call-template name="w:filter">
          <xsl:with-param name="current" select="$id"/>
          <xsl:with-param name="up" select="'../'" tunnel="yes"/>
        </xsl:call-template>
        <xsl:call-template name="w:letter-table">
          <xsl:with-param name="letters" select="$letters"/>
          <xsl:with-param name="caption" select="'Letters of ' || t:display-name($entry)"/>
          <xsl:with-param name="up" select="'../'" tunnel="yes"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ===================================================================== documents -->

  <xsl:template match="t:doc" mode="w:page">
    <xsl:param name="prev" as="element(t:doc)?" select="()"/>
    <xsl:param name="next" as="element(t:doc)?" select="()"/>
    <xsl:variable name="up" select="w:up(@href)"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="string(@href)"/>
      <xsl:with-param name="title" select="w:title(.)"/>
      <xsl:with-param name="lang" select="w:lang(.)"/>
      <xsl:with-param name="current" select="if (@kind = 'letter') then 'letters' else ''"/>
      <xsl:with-param name="content">
        <article class="{@kind}">
          <header class="doc-head">
            <h1>{w:title(.)}</h1>
            <xsl:apply-templates select="." mode="w:meta">
              <xsl:with-param name="up" select="$up" tunnel="yes"/>
            </xsl:apply-templates>
          </header>
          <xsl:if test="@kind = 'letter'">
            <xsl:call-template name="w:prev-next">
              <xsl:with-param name="prev" select="$prev"/>
              <xsl:with-param name="next" select="$next"/>
              <xsl:with-param name="up" select="$up"/>
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
        </article>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:prev-next">
    <xsl:param name="prev" as="element(t:doc)?"/>
    <xsl:param name="next" as="element(t:doc)?"/>
    <xsl:param name="up" as="xs:string"/>
    <nav class="prevnext" aria-label="Letters in date order">
      <ul>
        <li class="prev"><xsl:if test="$prev"><a rel="prev" href="{$up}{$prev/@href}">← {w:title($prev)}</a></xsl:if></li>
        <li class="next"><xsl:if test="$next"><a rel="next" href="{$up}{$next/@href}">{w:title($next)} →</a></xsl:if></li>
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
      <dt>From</dt>
      <dd><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'sent')/(tei:persName | tei:orgName)"/></xsl:call-template></dd>
      <dt>To</dt>
      <dd><xsl:call-template name="w:names"><xsl:with-param name="names" select="w:corresp(., 'received')/(tei:persName | tei:orgName)"/></xsl:call-template></dd>
      <dt>Date</dt>
      <dd>
        <xsl:choose>
          <xsl:when test="$date">
            <xsl:apply-templates select="$date"/> <span class="normalised"> ({t:date-value($date)})</span>
          </xsl:when>
          <xsl:otherwise>undated</xsl:otherwise>
        </xsl:choose>
      </dd>
      <xsl:for-each select="w:corresp(., 'sent')/tei:placeName[normalize-space()]">
        <dt>Place</dt><dd>{normalize-space(.)}</dd>
      </xsl:for-each>
      <xsl:if test="$ms/tei:msIdentifier">
        <dt>Archive</dt>
        <dd>{string-join(($ms/tei:msIdentifier/tei:repository, $ms/tei:msIdentifier/tei:idno) ! normalize-space(), ' ')}<xsl:for-each select="$ms/tei:msIdentifier/tei:altIdentifier/tei:idno">; {normalize-space(.)}</xsl:for-each></dd>
      </xsl:if>
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

  <!-- ===================================================================== register -->

  <xsl:template name="w:register">
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'persons/index.html'"/>
      <xsl:with-param name="title" select="'Register of persons'"/>
      <xsl:with-param name="current" select="'persons'"/>
      <xsl:with-param name="content">
        <h1>Register of persons</h1>
        <p class="lead">Everybody the edition names, with the spellings met in the sources.
          Each entry lists the letters sent and received and every mention.</p>
        <ul class="register">
          <xsl:for-each select="$w:entries">
            <xsl:variable name="id" select="string(@xml:id)"/>
            <li>
              <a href="{encode-for-uri($id)}.html">{t:reg-name(.)}</a>
              <span class="count"> ({count(key('w:mentions', $id, $register))} mentions,
                {count(key('w:corresp', $id, $register))} letters)</span>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:variable name="w:authorities" as="map(xs:string, xs:string)"
    select="map{'wikidata': 'https://www.wikidata.org/wiki/', 'viaf': 'https://viaf.org/viaf/',
                'gnd': 'https://d-nb.info/gnd/'}"/>

  <xsl:template name="w:person-page">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="id" select="string($entry/@xml:id)"/>
    <xsl:variable name="letters" select="w:in-date-order(key('w:corresp', $id, $register))"/>
    <xsl:variable name="sent" select="$letters[w:corresp(., 'sent')/(tei:persName | tei:orgName)/@ref ! t:ref-id(.) = $id]"/>
    <xsl:variable name="received" select="$letters[w:corresp(., 'received')/(tei:persName | tei:orgName)/@ref ! t:ref-id(.) = $id]"/>
    <xsl:variable name="mentions" select="key('w:mentions', $id, $register)"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="w:person-href($id)"/>
      <xsl:with-param name="title" select="t:reg-name($entry)"/>
      <xsl:with-param name="current" select="'persons'"/>
      <xsl:with-param name="content">
        <article class="person">
          <h1>{t:display-name($entry)}</h1>
          <dl class="meta">
            <dt>Regularised name</dt><dd>{t:reg-name($entry)}</dd>
            <xsl:variable name="variants" select="$entry/(tei:persName | tei:orgName)[@type = 'variant']"/>
            <xsl:if test="$variants">
              <dt>Also written</dt><dd>{string-join($variants ! normalize-space(), '; ')}</dd>
            </xsl:if>
            <xsl:for-each select="$entry/tei:idno[normalize-space()]">
              <dt>{if (@type = 'wikidata') then 'Wikidata' else upper-case(@type)}</dt>
              <dd>
                <xsl:variable name="base" select="$w:authorities(string(@type))"/>
                <xsl:choose>
                  <xsl:when test="$base"><a href="{$base}{encode-for-uri(normalize-space(.))}" rel="external">{normalize-space(.)}</a></xsl:when>
                  <xsl:when test="matches(., '^https?://')"><a href="{normalize-space(.)}" rel="external">{normalize-space(.)}</a></xsl:when>
                  <xsl:otherwise>{normalize-space(.)}</xsl:otherwise>
                </xsl:choose>
              </dd>
            </xsl:for-each>
            <xsl:for-each select="$entry/tei:note[normalize-space()]">
              <dt>Note</dt><dd>{t:plain(.)}</dd>
            </xsl:for-each>
          </dl>
          <xsl:if test="$sent or $received">
            <p><a href="../{w:by-href($id)}">All letters of {t:display-name($entry)} in date order</a></p>
          </xsl:if>
          <xsl:for-each select="[$sent, 'Letters sent', 'sent'], [$received, 'Letters received', 'received']">
            <xsl:if test="exists(?1)">
              <section aria-labelledby="{?3}-heading">
                <h2 id="{?3}-heading">{?2} ({count(?1)})</h2>
                <ul class="letters">
                  <xsl:for-each select="?1">
                    <li><a href="../{@href}">{w:title(.)}</a></li>
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
                      <a href="../{@href}">{w:title(.)}</a>:
                      <xsl:for-each select="$mentions[ancestor::t:doc is $doc]">
                        <a class="mention" href="../{$doc/@href}#{t:mention-id(.)}" title="{normalize-space(.)}">{position()}</a>
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
