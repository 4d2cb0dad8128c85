<?xml version="1.0" encoding="UTF-8"?>
<!--
  timeline.xsl (included by site.xsl): an SVG figure of the correspondence, made here from the
  letters' header dates. One column per day; one block per letter, linked to the letter.
  Direction: letters written by the principal correspondent (the person in most letters; of
  equals, the one who wrote most) stand above the axis, letters to them or between others below.
  Letters without a full calendar date are listed under the figure, not placed on a guessed day.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  xmlns:w="urn:teitool:web"
  xmlns="http://www.w3.org/2000/svg"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <xsl:variable name="w:tl-unit" select="12" as="xs:integer"/>

  <xsl:function name="w:day" as="xs:date?">
    <xsl:param name="doc" as="element(t:doc)"/>
    <xsl:variable name="key" select="t:date-key(w:date($doc))"/>
    <xsl:sequence select="if (matches($key, '^\d{4}-\d{2}-\d{2}$') and $key castable as xs:date) then xs:date($key) else ()"/>
  </xsl:function>

  <xsl:template name="w:timeline-page">
    <xsl:variable name="dated" select="$w:letters[exists(w:day(.))]"/>
    <xsl:variable name="undated" select="$w:letters except $dated"/>
    <xsl:variable name="by-count" as="xs:string*">
      <xsl:perform-sort select="$w:correspondents">
        <xsl:sort select="count(key('t:letters-of', ., $register))" order="descending"/>
        <xsl:sort select="count(key('t:letters-of', ., $register)[w:corresp(., 'sent')/@key = current()])" order="descending"/>
      </xsl:perform-sort>
    </xsl:variable>
    <xsl:variable name="principal" select="$by-count[1]" as="xs:string?"/>
    <xsl:variable name="name" select="if ($principal) then string(t:entity-of($register, $principal)/@display) else 'the principal correspondent'"/>
    <xsl:call-template name="w:page">
      <xsl:with-param name="href" select="'timeline.html'"/>
      <xsl:with-param name="title" select="'Timeline'"/>
      <xsl:with-param name="current" select="'timeline'"/>
      <xsl:with-param name="content">
        <h1 xmlns="">Timeline of the correspondence</h1>
        <xsl:choose>
          <xsl:when test="empty($dated)">
            <p xmlns="">{if (empty($w:letters)) then 'The edition has no letters.'
              else 'No letter has a full calendar date.'}</p>
          </xsl:when>
          <xsl:otherwise>
            <p xmlns="" class="lead">Letters per day. Above the line: letters written by {$name}
              (<span class="key-up">■</span>); below: letters to {$name} or between others
              (<span class="key-down">■</span>). Every block links to its letter; blocks with a dashed
              outline have an uncertain date.</p>
            <div xmlns="" class="timeline-wrap">
              <xsl:call-template name="w:timeline-svg">
                <xsl:with-param name="dated" select="$dated"/>
                <xsl:with-param name="principal" select="$principal"/>
                <xsl:with-param name="name" select="$name"/>
              </xsl:call-template>
            </div>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$undated">
          <h2 xmlns="">Letters without a calendar day</h2>
          <ul xmlns="">
            <xsl:for-each select="$undated"><li><a href="{@href}">{w:numbered-title(.)}</a></li></xsl:for-each>
          </ul>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="w:timeline-svg">
    <xsl:param name="dated" as="element(t:doc)+"/>
    <xsl:param name="principal" as="xs:string?"/>
    <xsl:param name="name" as="xs:string"/>
    <xsl:variable name="days" select="$dated ! w:day(.)"/>
    <xsl:variable name="start" select="min($days)" as="xs:date"/>
    <xsl:variable name="span" select="days-from-duration(max($days) - $start) + 1" as="xs:integer"/>
    <!-- Wide columns for a month of letters, narrow ones (at least 3px) for years. -->
    <xsl:variable name="col" select="if ($span le 45) then 22 else max((3, 990 idiv $span))" as="xs:integer"/>
    <xsl:variable name="is-up" select="function($d as element(t:doc)) as xs:boolean {
        exists($principal) and w:corresp($d, 'sent')/@key = $principal }"/>
    <xsl:variable name="groups" as="map(*)*">
      <xsl:for-each-group select="$dated" group-by="w:day(.)">
        <xsl:sequence select="map{ 'day': current-grouping-key(),
                                   'up': current-group()[$is-up(.)], 'down': current-group()[not($is-up(.))] }"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:variable name="max-up" select="max((0, $groups ! count(?up)))"/>
    <xsl:variable name="max-down" select="max((0, $groups ! count(?down)))"/>
    <xsl:variable name="unit" select="$w:tl-unit"/>
    <xsl:variable name="left" select="40"/>
    <xsl:variable name="axis" select="20 + $max-up * $unit"/>
    <xsl:variable name="width" select="$left + $span * $col + 20"/>
    <xsl:variable name="height" select="$axis + $max-down * $unit + 40"/>
    <!-- A group, not an image: its blocks are links a keyboard and a screen reader reach. -->
    <svg class="timeline" role="group" aria-labelledby="tl-title" aria-describedby="tl-desc"
         viewBox="0 0 {$width} {$height}" width="{$width}" height="{$height}">
      <title id="tl-title">Letters per day, {t:format-iso(string($start))} to {t:format-iso(string(max($days)))}</title>
      <desc id="tl-desc">{count($dated)} dated letters; above the axis those written by {$name}, below those to {$name} or between others.</desc>
            <line class="axis" x1="{$left}" y1="{$axis}" x2="{$left + $span * $col}" y2="{$axis}"/>
      <!-- Day labels: every day that starts a month, and for short spans every fifth day. -->
      <xsl:for-each select="0 to $span - 1">
        <xsl:variable name="d" select="$start + xs:dayTimeDuration('P' || . || 'D')"/>
        <xsl:if test="day-from-date($d) = 1 or ($span le 62 and day-from-date($d) mod 5 = 0) or . = 0">
          <xsl:variable name="x" select="$left + . * $col + $col div 2"/>
          <line class="tick" x1="{$x}" y1="{$axis}" x2="{$x}" y2="{$axis + 4}"/>
          <!-- The year at the start and at each new year, so a span of years reads right. -->
          <text class="label" x="{$x}" y="{$height - 8}" text-anchor="middle">{if (. = 0 or
            (month-from-date($d) = 1 and day-from-date($d) = 1))
            then format-date($d, '[D] [MNn,*-3] [Y]')
            else if (day-from-date($d) = 1) then format-date($d, '[D] [MNn,*-3]')
            else day-from-date($d)}</text>
        </xsl:if>
      </xsl:for-each>
      <xsl:for-each select="$groups">
        <xsl:variable name="x" select="$left + days-from-duration(?day - $start) * $col + 1"/>
        <xsl:for-each select="?up">
          <xsl:call-template name="w:timeline-block">
            <xsl:with-param name="x" select="$x"/>
            <xsl:with-param name="y" select="$axis - position() * $unit"/>
            <xsl:with-param name="w" select="max(($col - 2, 1))"/>
            <xsl:with-param name="class" select="'up'"/>
          </xsl:call-template>
        </xsl:for-each>
        <xsl:for-each select="?down">
          <xsl:call-template name="w:timeline-block">
            <xsl:with-param name="x" select="$x"/>
            <xsl:with-param name="y" select="$axis + (position() - 1) * $unit + 1"/>
            <xsl:with-param name="w" select="max(($col - 2, 1))"/>
            <xsl:with-param name="class" select="'down'"/>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:for-each>
    </svg>
  </xsl:template>

  <xsl:template name="w:timeline-block">
    <xsl:param name="x" as="xs:numeric"/>
    <xsl:param name="y" as="xs:numeric"/>
    <xsl:param name="w" as="xs:numeric"/>
    <xsl:param name="class" as="xs:string"/>
    <xsl:variable name="uncertain" select="t:date-uncertain(w:date(.))"/>
    <a href="{@href}">
      <title>{w:numbered-title(.)}{if ($uncertain) then ' (date uncertain: ' || t:date-value(w:date(.)) || ')' else ''}</title>
      <rect class="{$class}{if ($uncertain) then ' uncertain' else ''}" x="{$x}" y="{$y}" width="{$w}" height="{$w:tl-unit - 1}"/>
    </a>
  </xsl:template>

</xsl:stylesheet>
