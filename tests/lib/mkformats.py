#!/usr/bin/env python3
"""mkformats.py SRC OUTDIR: one sample report in three formats.

Reads a corpus source (tools/corpus-src/*.txt markup, see docs/corpus.md)
and writes OUTDIR/NAME.md, OUTDIR/NAME.docx and OUTDIR/NAME.html with the
same blocks: the title and headings, paragraphs, bullet and numbered list
items. The .docx is built with zipfile the way Word lays one out (styles
with "heading N" names, list numbering in numbering.xml, text split over
several runs, bookmarks, a hyperlink, a table-free body) and the .html
wraps the report in the furniture of a web page (navigation, header,
footer, aside, script, style) that extraction must skip; NAME.plain.htm is
the report alone, for LibreOffice to turn into a .docx of its own making.

Also: mkformats.py --bomb FILE MIB (a .docx whose document.xml inflates
to MIB MiB of XML) and --laughs FILE (a .docx whose document.xml is a billion laughs).
"""
import html
import os
import sys
import zipfile
import zlib

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
FIXED = (2020, 1, 1, 0, 0, 0)


def blocks(path):
    """[(kind, level, text)] with kind in title, sub, heading, para, bullet, number."""
    out = []
    cur = None
    for raw in open(path, encoding='utf-8'):
        line = raw.rstrip('\n')
        s = line.strip()
        if s.startswith('%') or (s.startswith('@') and not s.startswith(('@title', '@subtitle'))):
            continue
        if not s:
            cur = None
            continue
        if s.startswith('@title '):
            out.append(['title', 0, s[7:].strip()]); cur = None; continue
        if s.startswith('@subtitle '):
            out.append(['sub', 0, s[10:].strip()]); cur = None; continue
        if s.startswith('#'):
            lvl = len(s) - len(s.lstrip('#'))
            out.append(['heading', lvl, s[lvl:].strip()]); cur = None; continue
        if s.startswith('- '):
            cur = ['bullet', 0, s[2:].strip()]; out.append(cur); continue
        num = s.split(' ', 1)[0]
        if num[:-1].isdigit() and num.endswith('.') and ' ' in s:
            cur = ['number', int(num[:-1]), s.split(' ', 1)[1].strip()]; out.append(cur); continue
        if s.startswith('> '):
            s = s[2:].strip()
        if cur is not None and (cur[0] == 'para' or line.startswith(' ')):
            cur[2] += ' ' + s
            continue
        cur = ['para', 0, s]; out.append(cur)
    return out


def write_md(bl, path):
    with open(path, 'w', encoding='utf-8') as f:
        for kind, lvl, text in bl:
            if kind == 'title':
                f.write('# %s\n\n' % text)
            elif kind == 'heading':
                f.write('%s %s\n\n' % ('#' * (lvl + 1), text))
            elif kind == 'bullet':
                f.write('- %s\n\n' % text)
            elif kind == 'number':
                f.write('%d. %s\n\n' % (lvl, text))
            else:
                f.write('%s\n\n' % text)


def runs(text):
    """The text as several runs, as Word splits it (formatting, proofing)."""
    words = text.split(' ')
    parts, k = [], 0
    while k < len(words):
        n = 3 + (k * 7) % 5
        parts.append(' '.join(words[k:k + n]) + (' ' if k + n < len(words) else ''))
        k += n
    out = []
    for i, p in enumerate(parts):
        rpr = '<w:rPr><w:b/></w:rPr>' if i == 1 and len(parts) > 2 else '<w:rPr><w:lang w:val="en-GB"/></w:rPr>'
        out.append('<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, html.escape(p, quote=False)))
        if i == 0:
            out.append('<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="%d" w:name="_b%d"/><w:bookmarkEnd w:id="%d"/>' % (i, i, i))
    return ''.join(out)


STYLES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="%s">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Heading2"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/></w:style>
</w:styles>''' % W


def write_docx(bl, path):
    body, lists, cur_list, prev = [], [], None, None
    for kind, lvl, text in bl:
        if kind in ('bullet', 'number'):
            if prev != kind:
                lists.append((kind, lvl))
                cur_list = len(lists)
            ppr = '<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="%d"/></w:numPr></w:pPr>' % cur_list
        elif kind == 'title':
            ppr = '<w:pPr><w:pStyle w:val="Title"/></w:pPr>'
        elif kind == 'sub':
            ppr = '<w:pPr><w:pStyle w:val="Subtitle"/></w:pPr>'
        elif kind == 'heading':
            ppr = '<w:pPr><w:pStyle w:val="Heading%d"/></w:pPr>' % min(lvl, 3)
        else:
            ppr = '<w:pPr><w:jc w:val="both"/></w:pPr>'
        prev = kind
        body.append('<w:p>%s%s</w:p>' % (ppr, runs(text)))
        if kind == 'para':
            body.append('<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s'
           '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
           % (W, R, ''.join(body)))
    # one abstract list per kind, as Word keeps them; each list a w:num of
    # its own, numbered lists starting where the source's first item does
    nums = ['<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl></w:abstractNum>',
            '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>']
    for i, (kind, first) in enumerate(lists, 1):
        if kind == 'bullet':
            nums.append('<w:num w:numId="%d"><w:abstractNumId w:val="1"/></w:num>' % i)
        else:
            nums.append('<w:num w:numId="%d"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0">'
                        '<w:startOverride w:val="%d"/></w:lvlOverride></w:num>' % (i, first))
    numbering = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<w:numbering xmlns:w="%s">%s</w:numbering>' % (W, ''.join(nums)))
    write_zip(path, {'word/document.xml': doc, 'word/styles.xml': STYLES,
                     'word/numbering.xml': numbering})


def write_zip(path, parts):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in [('[Content_Types].xml', ct), ('_rels/.rels', rels)] + list(parts.items()):
            z.writestr(zipfile.ZipInfo(name, FIXED), data, zipfile.ZIP_DEFLATED)


def write_plain_html(bl, path):
    """The report alone as a simple page, for LibreOffice to make a .docx."""
    out = ['<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>']
    inlist = None
    for kind, lvl, text in bl:
        lk = 'ul' if kind == 'bullet' else 'ol' if kind == 'number' else None
        if inlist and lk != inlist:
            out.append('</%s>' % inlist)
            inlist = None
        if lk and not inlist:
            out.append('<ul>' if lk == 'ul' else '<ol start="%d">' % lvl)
            inlist = lk
        t = html.escape(text, quote=False)
        if kind == 'title':
            out.append('<h1>%s</h1>' % t)
        elif kind == 'heading':
            out.append('<h%d>%s</h%d>' % (lvl + 1, t, lvl + 1))
        elif lk:
            out.append('<li>%s</li>' % t)
        else:
            out.append('<p>%s</p>' % t)
    if inlist:
        out.append('</%s>' % inlist)
    out.append('</body></html>\n')
    open(path, 'w', encoding='utf-8').write('\n'.join(out))


def write_html(bl, path):
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
           '<title>Report - Safeguarding Partnership</title>',
           '<style>body { font-family: sans-serif } .x::before { content: "Menu" }</style>',
           '<script>var menu = "Skip to content Home Reports";</script></head><body>',
           '<a href="#main" class="skip">Skip to main content</a>',
           '<header><div class="logo">Safeguarding Partnership</div>',
           '<nav><ul><li><a href="/">Home</a></li><li><a href="/reports">Reports</a></li></ul></nav></header>',
           '<div class="breadcrumbs" role="navigation"><a href="/">Home</a> &gt; Reviews</div>',
           '<main id="main"><article>']
    inlist = None
    for kind, lvl, text in bl:
        lk = 'ul' if kind == 'bullet' else 'ol' if kind == 'number' else None
        if inlist and lk != inlist:
            out.append('</%s>' % inlist)
            inlist = None
        if lk and not inlist:
            out.append('<%s>' % lk if lk == 'ul' else '<ol start="%d">' % lvl)
            inlist = lk
        t = html.escape(text, quote=False)
        words = t.split(' ')
        if len(words) > 6:  # inline markup and a line break in the source
            t = ' '.join(words[:2]) + ' <strong>' + ' '.join(words[2:4]) + '</strong>\n  ' + \
                ' '.join(words[4:6]) + ' <a href="#x">' + words[6] + '</a> ' + ' '.join(words[7:])
        if kind == 'title':
            out.append('<header><h1>%s</h1></header>' % t)
        elif kind == 'heading':
            out.append('<h%d>%s</h%d>' % (lvl + 1, t, lvl + 1))
        elif lk:
            out.append('<li>%s</li>' % t)
        else:
            out.append('<p>%s</p>' % t)
    if inlist:
        out.append('</%s>' % inlist)
    out += ['</article>',
            '<aside><h2>Related reports</h2><p>See also our annual report.</p></aside></main>',
            '<footer><p>Copyright Safeguarding Partnership. Cookies. Accessibility.</p></footer>',
            '<script>document.write("tracking pixel");</script></body></html>\n']
    open(path, 'w', encoding='utf-8').write('\n'.join(out))


def bomb(path, mib):
    # MIB MiB of one repeated tag, deflated to a tiny fraction of that
    chunk = b'<w:p/>' * (1 << 17)
    zi = zipfile.ZipInfo('word/document.xml', FIXED)
    zi.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, 'w') as z:
        with z.open(zi, 'w', force_zip64=True) as f:
            for _ in range(mib * (1 << 20) // len(chunk)):
                f.write(chunk)


def laughs(path):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n' +
           ''.join('<!ENTITY lol%d "%s">\n' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10)
                   for i in range(1, 10)) +
           ']>\n<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>' % W)
    write_zip(path, {'word/document.xml': doc})


if __name__ == '__main__':
    if sys.argv[1] == '--bomb':
        bomb(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == '--laughs':
        laughs(sys.argv[2])
    else:
        src, outdir = sys.argv[1], sys.argv[2]
        name = os.path.splitext(os.path.basename(src))[0]
        bl = blocks(src)
        write_md(bl, os.path.join(outdir, name + '.md'))
        write_docx(bl, os.path.join(outdir, name + '.docx'))
        write_html(bl, os.path.join(outdir, name + '.html'))
        write_plain_html(bl, os.path.join(outdir, name + '.plain.htm'))
