<?xml version="1.0" encoding="UTF-8"?>
<!--
  transcription.xsl: what each element of transcription markup IS, once, for every output.

  Included (xsl:include, not imported) by web/site.xsl and print/edition.xsl, so that its
  templates stand at the output's own precedence: neither the output's fallback for unknown
  elements nor common.xsl's older templates can shadow them. In the spirit of the TEI
  Stylesheets' common_core: one template per element says what the element is and calls a
  hook; each output defines every hook (web/hooks.xsl: HTML; print/edition.xsl: Typst).

  The reading ($reading in common.xsl, t:reading-of): 'normalised' (the default) shows the
  editors' forms (expan, corr, reg, ex), leaves deletions out and joins a word across a line
  end; 'diplomatic' shows the source's forms (abbr, sic, orig, am), deletions and the lines.
  An output that can offer both (the web) renders both and lets the reader switch; one that
  cannot (print, the plain text of titles and search) shows $reading only.

  Hooks (named templates; the context item is the TEI element):
    t:phrase       a run of text with a meaning. $kind: what it is (the element's name);
                   $styles: how the source renders it (t:styles: italic, bold, underline,
                   superscript, spaced, smallcaps, …); $only: '' when it belongs to both
                   readings, else the one reading it belongs to; $title: the words that
                   explain it to a reader ('deleted', 'abbreviation: und'); $text: generated
                   text in place of the children (gap). Otherwise the hook applies templates
                   to the children.
    t:line-break   a line end of the source: $in-word (lb[@break = 'no']: nothing in the
                   normalised reading), $in-prose (inside running prose: a space in the
                   normalised reading, a line break in the diplomatic; elsewhere, as in a
                   closer or an address, a line break in both).
    t:page-break   a page of the source: $n (its number, possibly ''), $href (its facsimile,
                   possibly ''). Nothing is shown when both are ''.
    t:link         a link: $href (a target t:safe-target let through); content: the children.
    t:labelled-div a division whose @type says what it is (translation, summary, …): $label.
    t:register     a list of persons, places, works, organisations or events (a back list):
                   $heading, $entries (one line of text each).
    t:gap-block    a gap standing where a block would ($text: what is missing).
    t:readings     the reader's switch between the two readings of a text that has them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- ===================================================================== tables -->

  <!-- What a division of each @type is, for its label. Types not listed get none (a letter's
       own division, sections, writing sessions). -->
  <xsl:variable name="t:div-labels" as="map(xs:string, xs:string)" select="map{
    'translation': 'Translation', 'summary': 'Summary', 'abstract': 'Summary', 'regest': 'Summary',
    'regeste': 'Summary', 'commentary': 'Commentary', 'comment': 'Commentary',
    'transcription': 'Transcription', 'diplomatic': 'Diplomatic transcription',
    'normalised': 'Normalised text', 'normalized': 'Normalised text', 'normalisation': 'Normalised text',
    'original': 'Original', 'address': 'Address', 'envelope': 'Envelope', 'attachment': 'Attachment',
    'enclosure': 'Enclosure', 'apparatus': 'Apparatus', 'bibliography': 'Bibliography'}"/>

  <!-- What a back list is, for its heading. -->
  <xsl:variable name="t:register-headings" as="map(xs:string, xs:string)" select="map{
    'listPerson': 'Persons', 'listPlace': 'Places', 'listOrg': 'Organisations',
    'listBibl': 'Works and literature', 'listEvent': 'Events'}"/>

  <!-- Words that explain an element to a reader (a hover title on the web). -->
  <xsl:variable name="t:phrase-words" as="map(xs:string, xs:string)" select="map{
    'del': 'deleted', 'add': 'added', 'unclear': 'unclear', 'supplied': 'supplied by the editors',
    'sic': 'so in the source', 'corr': 'corrected by the editors', 'orig': 'as in the source',
    'reg': 'regularised by the editors', 'expan': 'expanded by the editors', 'ex': 'expanded by the editors',
    'damage': 'damaged', 'surplus': 'superfluous', 'secl': 'secluded by the editors'}"/>

  <xsl:function name="t:div-label" as="xs:string?">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="$t:div-labels(lower-case(normalize-space($div/@type)))"/>
  </xsl:function>

  <xsl:function name="t:phrase-title" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="words" select="$t:phrase-words(local-name($el))"/>
    <xsl:variable name="detail" select="(
      $el/self::tei:abbr[../tei:expan] ! ('abbreviation: ' || t:plain(../tei:expan/node())),
      $el/self::tei:sic[../tei:corr] ! ('so in the source; corrected: ' || t:plain(../tei:corr/node())),
      $el/self::tei:orig[../tei:reg] ! ('as in the source; regularised: ' || t:plain(../tei:reg/node())),
      $words ! string-join((., $el/@place ! ('(' || . || ')'), $el/@reason ! ('(' || . || ')')), ' '))[normalize-space()][1]"/>
    <xsl:sequence select="$detail"/>
  </xsl:function>

  <!-- One line for an entry of a back list: its name or title and, for a person, the years. -->
  <xsl:function name="t:register-line" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="name" select="($entry/(tei:persName, tei:placeName, tei:orgName, tei:label, tei:eventName,
      tei:title[@type = 'main'], tei:title, tei:analytic/tei:title, tei:monogr/tei:title))[1]"/>
    <xsl:variable name="shown" select="if ($name/tei:surname and $name/tei:forename)
      then t:plain($name/tei:surname) || ', ' || t:plain($name/tei:forename)
      else if ($name) then t:plain($name) else t:plain($entry)"/>
    <xsl:variable name="born" select="t:year($entry/tei:birth)"/>
    <xsl:variable name="died" select="t:year($entry/tei:death)"/>
    <xsl:variable name="authors" select="$entry/self::tei:bibl/tei:author ! t:plain(.)"/>
    <xsl:sequence select="$shown
      || (if ($born and $died) then ' (' || $born || '–' || $died || ')'
          else if ($born) then ' (born ' || $born || ')' else if ($died) then ' (died ' || $died || ')' else '')
      || (if (exists($authors)) then ' — ' || string-join($authors, '; ') else '')"/>
  </xsl:function>

  <!-- The year of a birth or death: its own date attributes, else its date's. -->
  <xsl:function name="t:year" as="xs:string?">
    <xsl:param name="event" as="element()?"/>
    <xsl:sequence select="($event/(@when, @notBefore, @notAfter), $event/tei:date/(@when, @notBefore, @notAfter))[1]
      ! replace(., '^(-?\d{4}).*$', '$1')[matches(., '^-?\d{4}$')]"/>
  </xsl:function>

  <xsl:variable name="t:register-entries" as="xs:string+"
    select="('person', 'personGrp', 'place', 'org', 'bibl', 'biblStruct', 'event')"/>

  <!-- ===================================================================== transcription -->

  <!-- A choice offers the source's form and the editors'; each member says which reading it
       belongs to (t:reading-of). Only element members: the whitespace between them is no
       part of either reading. A subst (deletion and addition in one act) likewise. -->
  <xsl:template match="tei:choice | tei:subst">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- The elements of transcription proper: the source's forms and the editors' (abbr and
       expan, am and ex, sic and corr, orig and reg), the writer's changes (del, add), the
       editors' reading (unclear, damage, supplied, surplus, secl). What each is lies in two
       tables: the reading it belongs to (t:reading-of, common.xsl) and the words that explain
       it (t:phrase-words); how it looks is the output's (t:phrase). -->
  <xsl:template match="tei:abbr | tei:expan | tei:am | tei:ex | tei:sic | tei:corr | tei:orig | tei:reg
    | tei:del | tei:add | tei:unclear | tei:damage | tei:supplied | tei:surplus | tei:secl">
    <xsl:call-template name="t:phrase">
      <xsl:with-param name="kind" select="local-name()"/>
      <xsl:with-param name="styles" select="t:styles(.)"/>
      <xsl:with-param name="only" select="t:reading-of(.)"/>
      <xsl:with-param name="title" select="t:phrase-title(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ===================================================================== gaps, spaces, points -->

  <!-- What is missing: "[…]", with what and why for a reader. A gap standing between blocks
       (a document whose text the source does not give) is a block of its own. -->
  <xsl:template match="tei:gap">
    <xsl:call-template name="t:phrase">
      <xsl:with-param name="kind" select="'gap'"/>
      <xsl:with-param name="title" select="t:gap-words(.)"/>
      <xsl:with-param name="text" select="'[…]'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:gap[@reason = 'not-transcribed' or parent::tei:div or parent::tei:body]" priority="1">
    <xsl:call-template name="t:gap-block">
      <xsl:with-param name="text" select="'[' || (if (@reason = 'not-transcribed')
        then 'The text of this document is not given in the source.' else t:gap-words(.)) || ']'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="t:gap-words" as="xs:string">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:sequence select="string-join(('gap', $gap/@reason ! string(.),
      $gap/@quantity ! (. || ' ' || ($gap/@unit, 'units')[1]), $gap/tei:desc ! t:plain(.)), ': ')"/>
  </xsl:function>

  <!-- A space the writer left: a space in the text (never words run together). -->
  <xsl:template match="tei:space">
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- A point in the text: nothing to show but the words some editions put inside it. -->
  <xsl:template match="tei:anchor">
    <xsl:apply-templates/>
  </xsl:template>

  <!-- A change of hand: no words of its own. -->
  <xsl:template match="tei:handShift"/>

  <!-- ===================================================================== the source's layout -->

  <xsl:template match="tei:lb">
    <xsl:if test="not(t:starts-block(.))">
      <xsl:call-template name="t:line-break">
        <xsl:with-param name="in-word" select="@break = 'no'"/>
        <xsl:with-param name="in-prose" select="t:in-prose(.)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A line break before the first words of a block starts no new line. -->
  <xsl:function name="t:starts-block" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:sequence select="exists($lb/parent::*[t:is-block(.)])
      and empty($lb/preceding-sibling::node()[self::* or normalize-space()])"/>
  </xsl:function>

  <xsl:template match="tei:pb">
    <xsl:call-template name="t:page-break">
      <xsl:with-param name="n" select="normalize-space(@n)"/>
      <xsl:with-param name="href" select="t:facs-href(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The facsimile of a page: an http(s) address, or the graphic a "#id" points to. -->
  <xsl:function name="t:facs-href" as="xs:string">
    <xsl:param name="pb" as="element()"/>
    <xsl:variable name="facs" select="normalize-space($pb/@facs)"/>
    <xsl:variable name="url" select="if (starts-with($facs, '#'))
      then (id(substring($facs, 2), root($pb))/(@url, tei:graphic/@url))[1] ! normalize-space()
      else $facs"/>
    <xsl:sequence select="string($url[matches(., '^https?://')] ! t:safe-target(.))"/>
  </xsl:function>

  <!-- ===================================================================== rendition -->

  <xsl:template match="tei:hi">
    <xsl:call-template name="t:phrase">
      <xsl:with-param name="kind" select="'hi'"/>
      <xsl:with-param name="styles" select="t:styles(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A character with a rendition of its own: in the diplomatic reading as the source writes
       it (a long s, a doubling stroke: t:written-form), in the normalised as the letters. -->
  <xsl:template match="tei:c[@rendition or @rend]">
    <xsl:variable name="written" select="t:written-form(.)"/>
    <xsl:call-template name="t:phrase">
      <xsl:with-param name="kind" select="'c'"/>
      <xsl:with-param name="styles" select="t:styles(.)[not(exists($written))]"/>
      <xsl:with-param name="only" select="if (exists($written)) then 'normalised' else ''"/>
    </xsl:call-template>
    <xsl:if test="exists($written)">
      <xsl:call-template name="t:phrase">
        <xsl:with-param name="kind" select="'c'"/>
        <xsl:with-param name="only" select="'diplomatic'"/>
        <xsl:with-param name="text" select="$written"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A segment the source sets to one side (a date on the right of a dateline). -->
  <xsl:template match="tei:seg[not(@type = 'mark')][t:styles(.) = ('align-left', 'align-right', 'align-center')]">
    <xsl:call-template name="t:phrase">
      <xsl:with-param name="kind" select="'seg'"/>
      <xsl:with-param name="styles" select="t:styles(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ===================================================================== links -->

  <!-- A reference: a link when its target is safe (t:safe-target), else its words. A
       reference without words shows nothing (its punctuation goes with it: t:text). -->
  <xsl:template match="tei:ref[not(@type = 'noteAnchor')]">
    <xsl:variable name="href" select="t:safe-target(tokenize(normalize-space(@target))[1])"/>
    <xsl:choose>
      <xsl:when test="t:is-empty-ref(.)"/>
      <xsl:when test="$href">
        <xsl:call-template name="t:link"><xsl:with-param name="href" select="$href"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="t:phrase"><xsl:with-param name="kind" select="'ref'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ===================================================================== notes -->

  <!-- A note with nothing to say (only empty references and their punctuation). -->
  <xsl:template match="tei:note[t:says-nothing(.)]" priority="6"/>

  <!-- ===================================================================== structure -->

  <xsl:template match="tei:div[exists(t:div-label(.))]">
    <xsl:call-template name="t:labelled-div">
      <xsl:with-param name="label" select="t:div-label(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The persons, places, works … a letter's back matter lists: a register, not prose. -->
  <xsl:template match="tei:listPerson | tei:listPlace | tei:listOrg | tei:listBibl | tei:listEvent">
    <xsl:variable name="list" select="."/>
    <xsl:variable name="entries" select="descendant::*[local-name() = $t:register-entries]
      [not(ancestor::*[local-name() = $t:register-entries][. >> $list])]"/>
    <xsl:if test="$entries">
      <xsl:call-template name="t:register">
        <xsl:with-param name="heading" select="(tei:head ! t:plain(.), $t:register-headings(local-name()))[1]"/>
        <xsl:with-param name="entries" select="$entries ! t:register-line(.)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A text with two readings offers the reader the switch before its first words (once: the
       texts of a group share their outermost text's switch). -->
  <xsl:template match="tei:text[not(ancestor::tei:text)][t:has-readings(.)]">
    <xsl:call-template name="t:readings"/>
    <xsl:apply-templates/>
  </xsl:template>

</xsl:stylesheet>
