<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what the web and the print edition share. Imported (xsl:import) by every page
  stylesheet, so an importer overrides any template here simply by matching the same pattern.

  * Functions (namespace t = urn:teitool): dates (normalised value, sort key, human label),
    ids for notes. Register look-ups are model.xsl's (the model's t:key on every name).
  * One template per TEI element of the body in the default mode, producing HTML5 elements
    (no namespace). Unknown elements fall back to a span with their text: nothing is dropped.
    Transcription markup (choice, del/add, lb, pb, hi, ref, gap, back lists, labelled divs)
    is transcription.xsl's, which every output includes; the reading it follows ($reading,
    t:reading-of) and the text of a text node (t:text) are here, for the plain text too.
  * Mode t:notes renders the footnotes of a document as an ordered list with back-links.
  * Mode t:plain gives the reading text of a node (for titles, search, running heads): the
    same reading as the text, words kept apart across line ends and blocks, notes left out.

  Hooks an importer overrides: the templates for tei:persName / tei:orgName (links), and the
  function-free named template t:note-marker.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:t="urn:teitool"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- The reading shown: 'normalised' (the editors' forms, no deletions, words joined across
       line ends) or 'diplomatic' (the source's forms, deletions, its lines). -->
  <xsl:param name="reading" as="xs:string" select="'normalised'"/>

  <!-- Accumulators (mention and block numbers) must apply to the document being rendered. -->
  <xsl:mode use-accumulators="#all"/>

  <!-- Footnotes are numbered per TEI document, for those without a number of their own. -->
  <xsl:accumulator name="t:footnote" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:TEI" select="0"/>
    <xsl:accumulator-rule match="tei:note[t:is-footnote(.)]" select="$value + 1"/>
  </xsl:accumulator>

  <xsl:variable name="t:months" as="xs:string+"
    select="('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
             'September', 'October', 'November', 'December')"/>

  <!-- ===================================================================== functions -->

  <!-- "1932-06-05" → "5 June 1932"; "1932-06" → "June 1932"; "1932" → "1932". -->
  <xsl:function name="t:format-iso" as="xs:string">
    <xsl:param name="iso" as="xs:string?"/>
    <xsl:variable name="parts" select="tokenize(string($iso), '-')"/>
    <xsl:variable name="month" select="if (count($parts) ge 2 and $parts[2] castable as xs:integer) then xs:integer($parts[2]) else 0"/>
    <xsl:sequence select="
      if (count($parts) ge 3 and $parts[3] castable as xs:integer and $month ge 1 and $month le 12)
        then xs:integer($parts[3]) || ' ' || $t:months[$month] || ' ' || $parts[1]
      else if ($month ge 1 and $month le 12) then $t:months[$month] || ' ' || $parts[1]
      else string($iso)"/>
  </xsl:function>

  <!-- The normalised value of a tei:date (or tei:time) in words, for hover titles and tables. -->
  <xsl:function name="t:date-value" as="xs:string">
    <xsl:param name="date" as="element()?"/>
    <xsl:variable name="cert" select="if ($date/@cert = ('low', 'medium')) then ' (supplied by the editors)' else ''"/>
    <xsl:sequence select="
      if ($date/@when) then
        (if ($date/self::tei:time) then string($date/@when) else t:format-iso($date/@when)) || $cert
      else if ($date/@notBefore and $date/@notAfter) then
        'between ' || t:format-iso($date/@notBefore) || ' and ' || t:format-iso($date/@notAfter) || $cert
      else if ($date/@notAfter) then 'not after ' || t:format-iso($date/@notAfter) || $cert
      else if ($date/@notBefore) then 'not before ' || t:format-iso($date/@notBefore) || $cert
      else if ($date/@from or $date/@to) then
        t:format-iso(($date/@from, '?')[1]) || ' – ' || t:format-iso(($date/@to, '?')[1]) || $cert
      else 'undated'"/>
  </xsl:function>

  <!-- The ISO value used to place a date in order: @when, else the nearest bound. -->
  <xsl:function name="t:date-key" as="xs:string">
    <xsl:param name="date" as="element()?"/>
    <xsl:sequence select="string(($date/@when, $date/@notAfter, $date/@notBefore, $date/@from, $date/@to, '9999')[1])"/>
  </xsl:function>

  <!-- A date is uncertain when the editors supplied it or only bounded it. -->
  <xsl:function name="t:date-uncertain" as="xs:boolean">
    <xsl:param name="date" as="element()?"/>
    <xsl:sequence select="empty($date/@when) or $date/@cert = ('low', 'medium')"/>
  </xsl:function>

  <!-- The id of a footnote: its @xml:id, else the document id and its number. -->
  <xsl:function name="t:own-number" as="xs:boolean">
    <xsl:param name="item" as="element(tei:item)"/>
    <xsl:sequence select="exists($item/@n) and matches(normalize-space($item), '^\(?' || $item/@n || '\W')"/>
  </xsl:function>

  <xsl:function name="t:note-id" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="string(($note/@xml:id, ($note/ancestor::tei:TEI[1]/@xml:id, 'doc')[1] || '-n' || t:note-label($note))[1])"/>
  </xsl:function>

  <!-- The marker of a footnote: its @n, else its number among the document's footnotes. -->
  <xsl:function name="t:note-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="string(($note/@n[normalize-space()], $note/accumulator-before('t:footnote'))[1])"/>
  </xsl:function>

  <!-- The id of the anchor a note's back-link returns to (the first marker). -->
  <xsl:function name="t:note-ref-id" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="'ref-' || t:note-id($note)"/>
  </xsl:function>

  <!-- The id of a second (third…) marker of a note: the note's marker id and its rank. -->
  <xsl:function name="t:anchor-ref-id" as="xs:string">
    <xsl:param name="ref" as="element(tei:ref)"/>
    <xsl:sequence select="'ref-' || substring-after($ref/@target, '#') || '-'
      || count($ref/preceding::tei:ref[@type = 'noteAnchor'][@target = $ref/@target]) + 2"/>
  </xsl:function>

  <!-- Footnotes: every note of the text wherever it stands (foot, margin, end of a lemma, no
       @place), except the chapters' endnote markers, the editors' block notes, notes the
       source has inline, notes inside notes or register entries, and notes that say nothing. -->
  <xsl:function name="t:is-footnote" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="not($note/@type = ('endnote', 'editorial')) and not($note/@place = 'inline')
      and exists($note/ancestor::tei:text) and empty($note/ancestor::tei:note)
      and empty($note/ancestor::*[t:is-register(.)]) and not(t:says-nothing($note))"/>
  </xsl:function>

  <!-- A note with no words: only empty references (and the punctuation between them). -->
  <xsl:function name="t:says-nothing" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="exists($note/tei:ref)
      and empty($note/(descendant::text()[matches(., '[\p{L}\p{N}]')] | descendant::*[not(self::tei:ref)]))"/>
  </xsl:function>

  <xsl:function name="t:is-register" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/(self::tei:listPerson | self::tei:listPlace | self::tei:listOrg | self::tei:listBibl | self::tei:listEvent))"/>
  </xsl:function>

  <!-- ===================================================================== transcription -->

  <!-- The reading an element belongs to: 'diplomatic' (the source's form: abbr, sic, orig and
       am in a choice, a deletion, an abbreviation mark), 'normalised' (the editors': expan,
       corr, reg in a choice, an expansion), '' for both. -->
  <xsl:function name="t:reading-of" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="
      if ($el/(self::tei:abbr | self::tei:sic | self::tei:orig)[parent::tei:choice] or $el/(self::tei:del | self::tei:am)) then 'diplomatic'
      else if ($el/(self::tei:expan | self::tei:corr | self::tei:reg)[parent::tei:choice] or $el/self::tei:ex) then 'normalised'
      else ''"/>
  </xsl:function>

  <!-- Whether the reader can choose between two readings of a text. -->
  <xsl:function name="t:has-readings" as="xs:boolean">
    <xsl:param name="text" as="element()"/>
    <xsl:sequence select="exists($text/descendant::*[self::tei:choice or self::tei:del or self::tei:am or self::tei:ex
      or self::tei:add or self::tei:lb[t:in-prose(.)] or self::tei:c[t:styles(.) = ('long-s', 'gemination')]][1])"/>
  </xsl:function>

  <!-- @rend and @rendition tokens (with or without "#") and the style each names. -->
  <xsl:variable name="t:rend-styles" as="map(xs:string, xs:string)" select="map{
    'italic': 'italic', 'italics': 'italic', 'i': 'italic', 'it': 'italic', 'cursive': 'italic', 'kursiv': 'italic',
    'bold': 'bold', 'b': 'bold', 'strong': 'bold', 'fett': 'bold',
    'underline': 'underline', 'underlined': 'underline', 'u': 'underline', 'ul': 'underline',
    'double-underline': 'double-underline', 'underline-double': 'double-underline',
    'doubleunderline': 'double-underline', 'underline2': 'double-underline', 'uu': 'double-underline',
    'sup': 'superscript', 'superscript': 'superscript', 'super': 'superscript', 'hochgestellt': 'superscript',
    'sub': 'subscript', 'subscript': 'subscript', 'tiefgestellt': 'subscript',
    'spaced': 'spaced', 'spaced-out': 'spaced', 'letterspaced': 'spaced', 'letter-spaced': 'spaced',
    'gesperrt': 'spaced', 'expanded': 'spaced', 'spacing': 'spaced',
    'smallcaps': 'smallcaps', 'small-caps': 'smallcaps', 'sc': 'smallcaps', 'kapitälchen': 'smallcaps',
    'caps': 'caps', 'capitals': 'caps', 'uppercase': 'caps', 'allcaps': 'caps',
    'strikethrough': 'strikethrough', 'strike': 'strikethrough', 'line-through': 'strikethrough',
    'overstrike': 'strikethrough', 'struck': 'strikethrough', 'overwritten': 'overwritten',
    'overline': 'overline',
    'latintype': 'latin', 'antiqua': 'latin', 'latin': 'latin', 'latein': 'latin',
    'printed': 'printed', 'pre-print': 'printed', 'preprint': 'printed', 'stamp': 'printed',
    'mono': 'mono', 'monospace': 'mono', 'typewriter': 'mono',
    'left': 'align-left', 'right': 'align-right', 'center': 'align-center', 'centre': 'align-center',
    'langess': 'long-s', 'long-s': 'long-s', 'longs': 'long-s',
    'gemination-n': 'gemination', 'gemination-m': 'gemination', 'gemination': 'gemination'}"/>

  <!-- The styles an element's @rend and @rendition name; tokens the table lacks name none. -->
  <xsl:function name="t:styles" as="xs:string*">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="distinct-values((tokenize($el/@rend), tokenize($el/@rendition))
      ! $t:rend-styles(lower-case(replace(., '^#', ''))))"/>
  </xsl:function>

  <!-- The form a character with a rendition has in the source: a long s ("ſ") for an "s", a
       letter with a doubling stroke ("n̄") for "nn"; () when its rendition names no such form. -->
  <xsl:function name="t:written-form" as="xs:string?">
    <xsl:param name="c" as="element()"/>
    <xsl:variable name="styles" select="t:styles($c)"/>
    <xsl:sequence select="if ($styles = 'long-s' and string($c) = 's') then 'ſ'
      else if ($styles = 'gemination' and string-length($c) = 2) then substring($c, 1, 1) || '&#x304;'
      else ()"/>
  </xsl:function>

  <!-- Elements whose lines are the text's own lines (a break there is a break in every
       reading), as against running prose, where the source's line ends are only a space. -->
  <xsl:function name="t:is-block" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/(self::tei:p | self::tei:ab | self::tei:note | self::tei:item | self::tei:cell
      | self::tei:quote | self::tei:head | self::tei:opener | self::tei:closer | self::tei:salute | self::tei:signed
      | self::tei:dateline | self::tei:address | self::tei:addrLine | self::tei:postscript | self::tei:l
      | self::tei:lg | self::tei:div | self::tei:byline | self::tei:docTitle | self::tei:titlePart | self::tei:label))"/>
  </xsl:function>

  <xsl:function name="t:in-prose" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:sequence select="exists($lb/ancestor::*[t:is-block(.)][1]
      [self::tei:p or self::tei:ab or self::tei:note or self::tei:item or self::tei:cell or self::tei:quote])"/>
  </xsl:function>

  <!-- A reference that shows nothing: no words, no elements. -->
  <xsl:function name="t:is-empty-ref" as="xs:boolean">
    <xsl:param name="node" as="node()?"/>
    <xsl:sequence select="exists($node/self::tei:ref[not(@type = 'noteAnchor')][not(*)][not(normalize-space())])"/>
  </xsl:function>

  <!-- The words of a text node as the reading has them: no space on either side of a line
       or page break inside a word (lb/pb break="no"), and no punctuation left standing for a
       reference that shows nothing: "vgl. X; <ref/>." is "vgl. X.", "(<ref/>)" nothing. -->
  <xsl:function name="t:text" as="xs:string">
    <xsl:param name="text" as="text()"/>
    <xsl:variable name="next" select="$text/following-sibling::node()[1]"/>
    <xsl:variable name="prev" select="$text/preceding-sibling::node()[1]"/>
    <xsl:variable name="after-ref" select="$next[t:is-empty-ref(.)]/following-sibling::node()[1]"/>
    <xsl:variable name="before-ref" select="$prev[t:is-empty-ref(.)]/preceding-sibling::node()[1]"/>
    <xsl:sequence select="if (empty(($next, $prev)[self::tei:lb or self::tei:pb or self::tei:cb or self::tei:ref])) then string($text)
      else string($text)
      ! (if ($next[self::tei:lb or self::tei:pb or self::tei:cb][@break = 'no']) then replace(., '\s+$', '')
         else if (ends-with(., '(') and starts-with($after-ref, ')')) then replace(., '\s*\($', '')
         else if (t:is-empty-ref($next) and (empty($after-ref) or t:is-empty-ref($after-ref) or matches($after-ref, '^[.,;:)!?]')))
           then replace(., '[\s,;]+$', '')
         else .)
      ! (if ($prev[self::tei:lb or self::tei:pb or self::tei:cb][@break = 'no']) then replace(., '^\s+', '')
         else if (starts-with(., ')') and ends-with($before-ref, '(')) then substring(., 2)
         else .)"/>
  </xsl:function>

  <!-- A link target that is safe to follow: http(s), a fragment of the same page, or a
       relative address (no scheme, not "//host"). Anything else (javascript:, data:, file:,
       mailto:, backslashes, control characters) is no link. -->
  <xsl:function name="t:safe-target" as="xs:string?">
    <xsl:param name="target" as="xs:string?"/>
    <xsl:sequence select="$target[matches(., '^https?://[^\s\\]+$', 'i')
      or (matches(., '^[^\s\\:/?#]*([/?#][^\s\\]*)?$') and not(starts-with(., '//')) and . ne '')]"/>
  </xsl:function>

  <!-- ===================================================================== structure -->

  <!-- Containers without a rendering of their own. -->
  <xsl:template match="tei:text | tei:body | tei:front | tei:back | tei:group">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="tei:div">
    <section class="div {@type}">
      <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <!-- Headings: h2 for top-level divisions, one level deeper per nesting, at most h6. -->
  <xsl:template match="tei:div/tei:head">
    <xsl:element name="h{min((count(ancestor::tei:div) + 1, 6))}">
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- A letter's header line as printed: shown as it stands, not as a second title. -->
  <xsl:template match="tei:div[@type = 'letter']/tei:head" priority="2">
    <p class="head-as-printed"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:head">
    <p class="head"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:p">
    <p>
      <xsl:if test="exists(t:styles(.))"><xsl:attribute name="class" select="t:styles(.) ! ('s-' || .)"/></xsl:if>
      <xsl:apply-templates/>
    </p>
  </xsl:template>

  <xsl:template match="tei:opener">
    <div class="opener"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:address">
    <div class="address"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:addrLine">
    <span class="addrLine"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:salute">
    <p class="salute"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:seg[@type = 'mark']">
    <p class="mark"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:seg">
    <span class="seg"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:closer">
    <div class="closer"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:signed">
    <p class="signed"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:dateline">
    <p class="dateline"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:postscript">
    <div class="postscript"><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:list[@type = 'ordered']">
    <ol><xsl:apply-templates/></ol>
  </xsl:template>

  <!-- Items that carry their number in their text ("1) About Mongolia", as the encoder keeps
       every word) show it from there, not a second time as a list marker. -->
  <xsl:template match="tei:list[tei:item][every $i in tei:item satisfies t:own-number($i)]" priority="2">
    <ol class="own-numbers"><xsl:apply-templates/></ol>
  </xsl:template>

  <xsl:template match="tei:list">
    <ul><xsl:apply-templates/></ul>
  </xsl:template>

  <xsl:template match="tei:item">
    <li>
      <xsl:if test="@n castable as xs:integer"><xsl:attribute name="value" select="@n"/></xsl:if>
      <xsl:apply-templates/>
    </li>
  </xsl:template>

  <!-- A table of figures ("Ukraine - 5000" lines): labels as row headings, figures aligned. -->
  <xsl:template match="tei:table">
    <table class="figures">
      <xsl:apply-templates select="tei:head"/>
      <tbody><xsl:apply-templates select="tei:row"/></tbody>
    </table>
  </xsl:template>

  <xsl:template match="tei:table/tei:head">
    <caption><xsl:apply-templates/></caption>
  </xsl:template>

  <xsl:template match="tei:row">
    <tr><xsl:apply-templates/></tr>
  </xsl:template>

  <xsl:template match="tei:cell[@role = 'label']">
    <th scope="row"><xsl:apply-templates/></th>
  </xsl:template>

  <xsl:template match="tei:cell">
    <td><xsl:apply-templates/></td>
  </xsl:template>

  <xsl:template match="tei:cit">
    <figure class="cit"><xsl:apply-templates/></figure>
  </xsl:template>

  <!-- A quotation standing between paragraphs is a block; one inside a sentence is inline. -->
  <xsl:template match="tei:quote[parent::tei:div or parent::tei:cit or parent::tei:body or tei:p]">
    <blockquote><xsl:apply-templates/></blockquote>
  </xsl:template>

  <xsl:template match="tei:quote | tei:q">
    <q><xsl:apply-templates/></q>
  </xsl:template>

  <!-- The running head of the printed source is no part of the text. -->
  <xsl:template match="tei:fw"/>

  <!-- ===================================================================== inline -->

  <xsl:template match="tei:emph | tei:title[ancestor::tei:text]">
    <em><xsl:apply-templates/></em>
  </xsl:template>

  <xsl:template match="tei:foreign">
    <i class="foreign">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates/>
    </i>
  </xsl:template>

  <!-- Persons and groups: a plain span. Importers that can link (the web edition, by the
       model's t:key) override this for names that resolve. -->
  <xsl:template match="tei:persName | tei:orgName">
    <span class="{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:placeName">
    <span class="placeName"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- Dates: the words as printed, the normalised value on hover (title) and, when it is a
       plain calendar date, as a machine-readable datetime. -->
  <xsl:template match="tei:date">
    <xsl:choose>
      <xsl:when test="@when and not(@cert)">
        <time class="date" datetime="{@when}" title="{t:date-value(.)}"><xsl:apply-templates/></time>
      </xsl:when>
      <xsl:when test="@when | @notBefore | @notAfter | @from | @to">
        <span class="date{if (t:date-uncertain(.)) then ' uncertain' else ''}" title="{t:date-value(.)}"><xsl:apply-templates/></span>
      </xsl:when>
      <!-- A date the encoder could not normalise (no year known): as printed, no value. -->
      <xsl:otherwise>
        <span class="date"><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:time">
    <time class="time" title="{t:date-value(.)}">
      <xsl:if test="@when"><xsl:attribute name="datetime" select="substring(@when, 1, 5)"/></xsl:if>
      <xsl:apply-templates/>
    </time>
  </xsl:template>

  <!-- ===================================================================== notes -->

  <!-- A footnote in the text is only its marker; the note itself goes to mode t:notes. -->
  <xsl:template match="tei:note[t:is-footnote(.)]">
    <xsl:if test="not(@type = 'unanchored')">
      <xsl:call-template name="t:note-marker">
        <xsl:with-param name="note" select="."/>
        <xsl:with-param name="id" select="t:note-ref-id(.)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A second marker of a note already given. -->
  <xsl:template match="tei:ref[@type = 'noteAnchor']">
    <xsl:variable name="target" select="substring-after(@target, '#')"/>
    <xsl:variable name="note" select="(ancestor::tei:TEI//tei:note[@xml:id = $target])[1]"/>
    <xsl:choose>
      <xsl:when test="$note">
        <xsl:call-template name="t:note-marker">
          <xsl:with-param name="note" select="$note"/>
          <xsl:with-param name="id" select="t:anchor-ref-id(.)"/>
          <xsl:with-param name="label" select="string(.)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><sup class="noteref"><xsl:apply-templates/></sup></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="t:note-marker">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="label" as="xs:string" select="t:note-label($note)"/>
    <sup class="noteref" id="{$id}"><a href="#{t:note-id($note)}" aria-label="Note {$label}">{$label}</a></sup>
  </xsl:template>

  <!-- Endnote markers of the chapters: the note texts are not in the sources, so the marker
       is shown as a number and says so on hover. -->
  <xsl:template match="tei:note[@type = 'endnote']">
    <sup class="endnote" title="Endnote {@n} of the printed book (its text is not in the source)">
      <xsl:if test="node()"><xsl:apply-templates/></xsl:if>
      <xsl:if test="not(node())">{@n}</xsl:if>
    </sup>
  </xsl:template>

  <!-- The editors' unnumbered note: a block of its own where it stands. -->
  <xsl:template match="tei:note[@type = 'editorial']">
    <aside class="editorial-note">
      <xsl:apply-templates/>
    </aside>
  </xsl:template>

  <xsl:template match="tei:note">
    <span class="note"> [<xsl:apply-templates/>]</span>
  </xsl:template>

  <xsl:template match="tei:TEI | tei:text" mode="t:notes">
    <xsl:variable name="notes" select=".//tei:note[t:is-footnote(.)][ancestor::tei:text]"/>
    <xsl:if test="$notes">
      <section class="notes" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Notes</h2>
        <ol class="notes">
          <xsl:apply-templates select="$notes" mode="t:notes"/>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:note" mode="t:notes">
    <xsl:variable name="id" select="t:note-id(.)"/>
    <xsl:variable name="note" select="."/>
    <li id="{$id}" class="note">
      <xsl:if test="t:note-label(.) castable as xs:integer"><xsl:attribute name="value" select="t:note-label(.)"/></xsl:if>
      <xsl:apply-templates/>
      <xsl:if test="not(@type = 'unanchored')">
        <xsl:text> </xsl:text>
        <a class="backref" href="#{t:note-ref-id(.)}" aria-label="Back to the text">↩</a>
      </xsl:if>
      <xsl:for-each select="ancestor::tei:TEI//tei:ref[@type = 'noteAnchor'][substring-after(@target, '#') = $id]">
        <xsl:text> </xsl:text>
        <a class="backref" href="#{t:anchor-ref-id(.)}" aria-label="Back to the text, marker {position() + 1}">↩{position() + 1}</a>
      </xsl:for-each>
    </li>
  </xsl:template>

  <!-- Notes inside a note's text would nest; render them inline there. -->
  <xsl:template match="tei:note//tei:note" priority="3">
    <span class="note"> [<xsl:apply-templates/>]</span>
  </xsl:template>

  <!-- ===================================================================== fallbacks -->

  <!-- An element this stylesheet does not know: keep its text, mark where it came from. -->
  <xsl:template match="*">
    <span class="tei-{local-name()}"><xsl:apply-templates/></span>
    <!-- Unknown elements that follow each other directly (verse lines, table cells) would
         run their words together; a space keeps them apart. -->
    <xsl:if test="following-sibling::node()[1][self::*]">
      <xsl:text> </xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()"/>

  <!-- Plain reading text: the words of $reading without notes' texts (markers and notes are
       left out), nor register lists, nor the source's running heads. -->
  <xsl:mode name="t:plain" on-no-match="text-only-copy"/>
  <xsl:template match="tei:note | tei:ref[@type = 'noteAnchor'] | tei:fw | tei:listPerson | tei:listPlace
    | tei:listOrg | tei:listBibl | tei:listEvent" mode="t:plain" priority="1"/>
  <!-- Only the members of a choice (and the changes) that belong to the reading. -->
  <xsl:template match="tei:choice | tei:subst" mode="t:plain">
    <xsl:apply-templates select="*" mode="t:plain"/>
  </xsl:template>
  <xsl:template match="tei:choice/* | tei:del | tei:am | tei:ex" mode="t:plain" priority="1">
    <xsl:if test="t:reading-of(.) = ('', $reading)"><xsl:apply-templates mode="t:plain"/></xsl:if>
  </xsl:template>
  <!-- A line end is a space, except inside a word; a space left by the writer is one too. -->
  <xsl:template match="tei:lb" mode="t:plain">{if (@break = 'no') then '' else ' '}</xsl:template>
  <xsl:template match="tei:space" mode="t:plain"><xsl:text> </xsl:text></xsl:template>
  <xsl:template match="tei:c[t:written-form(.)]" mode="t:plain">{if ($reading = 'diplomatic') then t:written-form(.) else string(.)}</xsl:template>
  <!-- Blocks written without whitespace between them keep their words apart. -->
  <xsl:template match="*[t:is-block(.)] | tei:row | tei:sp | tei:speaker | tei:seg[@type = 'mark']
    | tei:seg[t:styles(.) = ('align-left', 'align-right', 'align-center')]" mode="t:plain">
    <xsl:apply-templates mode="t:plain"/>
    <xsl:text> </xsl:text>
  </xsl:template>
  <xsl:template match="text()" mode="t:plain">
    <xsl:value-of select="t:text(.)"/>
  </xsl:template>

  <xsl:function name="t:plain" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="text"><xsl:apply-templates select="$nodes" mode="t:plain"/></xsl:variable>
    <xsl:sequence select="normalize-space($text)"/>
  </xsl:function>

</xsl:stylesheet>
