#!/usr/bin/env python3
"""dictread.py DICT FIXTURE CODEBOOK: a direct reading of a dictionary.

Reads a small LIWC .dic, quanteda YAML or WordStat .cat dictionary on its
own terms (a word matches itself, "abc*" any word beginning with abc, a
phrase its words in sequence; case-insensitive), finds the categories of
each non-empty line of FIXTURE, and prints one line per fixture line: the
theme ids (from CODEBOOK's theme/label pairs) joined by ';', in codebook
order. Entries the converter cannot express ('?', a leading '*', LIWC's
conditional entries, unknown categories) are left out here too.
"""
import re
import sys


def liwc(path):
    cats, num, sec = {}, {}, 0
    for line in open(path, encoding='utf-8'):
        s = line.strip()
        if s == '%':
            sec += 1
            continue
        if not s:
            continue
        f = s.split()
        if sec == 1:
            num[f[0]] = ' '.join(f[1:])
            cats[num[f[0]]] = []
        elif '(' not in s:
            k = len(f)
            while k > 1 and f[k - 1].isdigit():
                k -= 1
            for n in f[k:]:
                if n in num:
                    cats[num[n]].append(' '.join(f[:k]))
    return cats


def quanteda(path):
    cats, keys, cur = {}, [], None
    for line in open(path, encoding='utf-8'):
        line = re.sub(r'(^|\s)#.*', '', line.rstrip('\n'))
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(' '))
        s = line.strip()
        if s.startswith('- '):
            cats[cur].append(s[2:].strip().strip('"\''))
            continue
        key, _, val = s.partition(':')
        keys = [(i, k) for i, k in keys if i < ind] + [(ind, key.strip())]
        cur = '.'.join(k for _, k in keys)
        cats[cur] = []
        val = val.strip()
        if val.startswith('['):
            cats[cur] += [v.strip().strip('"\'') for v in val[1:-1].split(',')]
        elif val:
            cats[cur].append(val.strip('"\''))
    return cats


def wordstat(path):
    cats, stack = {}, []
    for line in open(path, encoding='utf-8'):
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(' \t'))
        s = line.strip()
        stack = [(i, n) for i, n in stack if i < ind]
        if s.endswith(')') and '(' in s:
            cats[stack[-1][1]].append(s[:s.rindex('(')].strip().replace('_', ' '))
        else:
            name = '.'.join([n.split('.')[-1] for _, n in stack] + [s])
            stack.append((ind, name))
            cats[name] = []
    return cats


def ok(entry):
    ws = entry.split()
    return not any('?' in w or '*' in w[:-1] or w == '*' for w in ws)


def hits(entry, toks, i):
    ws = entry.lower().split()
    if i + len(ws) > len(toks):
        return False
    for k, w in enumerate(ws):
        t = toks[i + k]
        if not (t.startswith(w[:-1]) if w.endswith('*') else t == w):
            return False
    return True


def main():
    path, fixture, cb = sys.argv[1:4]
    read = liwc if path.endswith('.dic') else wordstat if path.lower().endswith('.cat') else quanteda
    cats = read(path)
    ids, label = [], None
    for line in open(cb, encoding='utf-8'):
        if line.startswith('theme '):
            ids.append([line.split()[1], None])
        elif line.startswith('label ') and ids:
            ids[-1][1] = line[6:].strip()
    for line in open(fixture, encoding='utf-8'):
        if not line.strip():
            continue
        toks = re.findall(r'[a-z0-9]+', line.lower())
        found = [i for i, name in ids
                 if any(ok(e) and hits(e, toks, k) for e in cats.get(name, []) for k in range(len(toks)))]
        print(';'.join(found))


main()
