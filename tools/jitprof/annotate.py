#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Places perf samples in the JIT's code, as -XX:+PrintAssembly printed it in the same process.

  annotate.py ASM SAMPLES                 the compiled methods with the most samples
  annotate.py ASM SAMPLES 'METHOD'        that method's samples by source line (innermost inlined method)
  annotate.py ASM SAMPLES 'METHOD' --asm  and each instruction with its samples

ASM is the JVM's standard output with -XX:+PrintAssembly; SAMPLES one hexadecimal address per line
(perf script -F ip); METHOD as the first form prints it, e.g. 'kola.kernel.Ipc::fast t4 #629'.
A compiled method freed and its address reused is attributed to the later one.
"""
import collections
import re
import sys

HEADER = re.compile(r'^Compiled method \((c[12])\)\s+\d+\s+(\d+)\s+([%s!bn ]*)\s*(\d)\s+(\S+)')
CODE = re.compile(r'^\s*main code\s+\[0x([0-9a-f]+),0x([0-9a-f]+)\]')
INSN = re.compile(r'^\s+0x([0-9a-f]+):\s+(.*)')
POSITION = re.compile(r'- ([\w.$]+::[\w$<>]+)@\d+ \(line (\d+)\)')


def read_methods(path):
    methods, current, context = [], None, ''
    for line in open(path, errors='replace'):
        m = HEADER.match(line)
        if m:
            name = m.group(5) + ('%' if '%' in m.group(3) else '') + ' t' + m.group(4) + ' #' + m.group(2)
            current = {'name': name, 'insns': []}
            methods.append(current)
            continue
        if current is None:
            continue
        m = CODE.match(line)
        if m and 'start' not in current:
            current['start'], current['end'] = int(m.group(1), 16), int(m.group(2), 16)
            continue
        m = INSN.match(line)
        if m:
            current['insns'].append((int(m.group(1), 16), m.group(2).strip(), context))
            context = ''
        elif line.strip().startswith(';') or ' - ' in line:
            context += ' ' + line.strip()
    return [m for m in methods if 'start' in m]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    methods = read_methods(argv[1])
    hits = collections.Counter()
    for line in open(argv[2]):
        try:
            hits[int(line.split()[0], 16)] += 1
        except (ValueError, IndexError):
            pass
    per_method, per_insn = collections.Counter(), collections.Counter()
    for address, n in hits.items():
        owner = None
        for i in reversed(range(len(methods))):
            if methods[i]['start'] <= address < methods[i]['end']:
                owner = methods[i]['name']
                break
        per_method[owner or '<not in printed code>'] += n
        if owner:
            per_insn[(owner, address)] += n
    total = sum(hits.values())
    if len(argv) == 3:
        print(f'{total} samples')
        for name, n in per_method.most_common(40):
            print(f'{n:8d} {100 * n / total:5.1f}%  {name}')
        return
    want = argv[3]
    method = next((m for m in reversed(methods) if m['name'] == want), None)
    if method is None:
        sys.exit(f'no compiled method {want!r} in {argv[1]}')
    by_line, position, rows = collections.Counter(), '?', []
    for address, text, context in method['insns']:
        p = POSITION.search(context)
        if p:
            position = p.group(1).split('.')[-1] + ':' + p.group(2)
        n = per_insn[(want, address)]
        by_line[position] += n
        rows.append(f'{n:7d} {address:x} {text:50s} {position}')
    own = sum(by_line.values())
    print(f'{own} samples in {want}')
    for position, n in by_line.most_common(40):
        print(f'{n:7d} {100 * n / max(own, 1):5.1f}%  {position}')
    if '--asm' in argv:
        print('\n'.join(rows))


if __name__ == '__main__':
    main(sys.argv)
