#!/usr/bin/env python3
"""qdacheck.py: checks of a REFI-QDA export for tests/qda.sh.

  qdacheck.py cut PROJECT.qdpx PASSAGES.csv
      every selection's text, cut from its source at startPosition and
      endPosition (characters, end exclusive), equals the passage's text in
      passages.csv; every passage has one selection and a type coding
  qdacheck.py same LABELS.csv PASSAGES.csv
      imported labels equal the run's: doc, passage, type, themes, text
  qdacheck.py edit IN.qdpx OUT.qdpx DOC N TYPE ADD_THEME DROP_THEME
      the project with passage N of DOC recoded: type TYPE, ADD_THEME
      added, DROP_THEME removed (as an analyst would in their tool)
  qdacheck.py bomb OUT.qdpx | laughs OUT.qdpx   hostile projects
"""
import csv
import re
import sys
import uuid
import zipfile
import xml.etree.ElementTree as ET

NS = '{urn:QDA-XML:project:1.0}'


def unguard(s):
    return s[1:] if s[:1] == "'" and s[1:2] in ('=', '+', '-', '@', '\t', '\r') else s


def passages(path):
    return {(r['doc_id'], int(r['passage'])): r for r in csv.DictReader(open(path, encoding='utf-8'))}


def cut(qdpx, pcsv):
    ps = passages(pcsv)
    z = zipfile.ZipFile(qdpx)
    root = ET.fromstring(z.read('project.qde'))
    types = {c.get('guid') for c in root.iter(NS + 'Code')
             if (c.findtext(NS + 'Description') or '').startswith('revmine type ')}
    n = bad = 0
    seen = set()
    for src in root.iter(NS + 'TextSource'):
        doc = src.get('name')
        text = z.read('Sources/' + src.get('plainTextPath')[len('internal://'):]).decode('utf-8')
        for sel in src.findall(NS + 'PlainTextSelection'):
            k = int(sel.get('name').split()[-1])
            s, e = int(sel.get('startPosition')), int(sel.get('endPosition'))
            want = unguard(ps[(doc, k)]['text'])
            if text[s:e] != want:
                bad += 1
                if bad < 4:
                    print('selection %s #%d: %r != %r' % (doc, k, text[s:e][:60], want[:60]))
            refs = [c.find(NS + 'CodeRef').get('targetGUID') for c in sel.findall(NS + 'Coding')]
            if sum(r in types for r in refs) != 1:
                bad += 1
                print('selection %s #%d: %d type codings' % (doc, k, sum(r in types for r in refs)))
            seen.add((doc, k))
            n += 1
    missing = set(ps) - seen
    if missing:
        print('passages without a selection:', sorted(missing)[:5])
        bad += 1
    print('%d selections checked, %d bad' % (n, bad))
    return bad == 0


def same(lcsv, pcsv):
    ps = passages(pcsv)
    rows = list(csv.DictReader(open(lcsv, encoding='utf-8')))
    bad = 0
    for r in rows:
        p = ps.get((r['doc'], int(r['passage'])))
        got = (r['type'], r['themes'], unguard(r['text']))
        want = p and (p['type'], p['themes'], unguard(p['text']))
        if got != want:
            bad += 1
            if bad < 4:
                print('%s #%s: %r != %r' % (r['doc'], r['passage'], got, want))
    if len(rows) != len(ps):
        print('%d rows, want %d' % (len(rows), len(ps)))
        bad += 1
    print('%d rows compared, %d differ' % (len(rows), bad))
    return bad == 0


def edit(src, dst, doc, k, typ, add, drop):
    z = zipfile.ZipFile(src)
    ET.register_namespace('', 'urn:QDA-XML:project:1.0')
    root = ET.fromstring(z.read('project.qde'))
    code = {}
    for c in root.iter(NS + 'Code'):
        m = re.match(r'revmine (type|theme) (\S+)', c.findtext(NS + 'Description') or '')
        if m:
            code[m.group(2)] = (m.group(1), c.get('guid'))
    guid_type = {g for t, g in code.values() if t == 'type'}
    for s in root.iter(NS + 'TextSource'):
        if s.get('name') != doc:
            continue
        for sel in s.findall(NS + 'PlainTextSelection'):
            if sel.get('name') != 'passage %s' % k:
                continue
            for c in sel.findall(NS + 'Coding'):
                ref = c.find(NS + 'CodeRef').get('targetGUID')
                if ref in guid_type or ref == code[drop][1]:
                    sel.remove(c)
            for name in (typ, add):
                c = ET.SubElement(sel, NS + 'Coding', guid=str(uuid.uuid4()))
                ET.SubElement(c, NS + 'CodeRef', targetGUID=code[name][1])
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = ET.tostring(root, encoding='utf-8', xml_declaration=True) \
                if info.filename == 'project.qde' else z.read(info.filename)
            out.writestr(info.filename, data)


def bomb(dst):
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
        with z.open('project.qde', 'w', force_zip64=True) as f:
            chunk = b' ' * (1 << 20)
            for _ in range(300):
                f.write(chunk)


def laughs(dst):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">' +
           ''.join('<!ENTITY %s "%s">' % (chr(98 + i), ('&%s;' % chr(97 + i)) * 10) for i in range(8)) +
           ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&i;"/>')
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('project.qde', doc)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'cut':
        sys.exit(0 if cut(sys.argv[2], sys.argv[3]) else 1)
    if cmd == 'same':
        sys.exit(0 if same(sys.argv[2], sys.argv[3]) else 1)
    if cmd == 'edit':
        edit(*sys.argv[2:9])
    elif cmd == 'bomb':
        bomb(sys.argv[2])
    elif cmd == 'laughs':
        laughs(sys.argv[2])
