#!/usr/bin/env python3
"""Generates the syscall number -> name tables the bpftrace source uses to label keys.

Reads the kernel's unistd headers as installed by Debian/Ubuntu's linux-libc-dev:
  x86_64: /usr/include/x86_64-linux-gnu/asm/unistd_64.h   (plain '#define __NR_name N' lines)
  arm64:  /usr/include/asm-generic/unistd.h                 (the generic table arm64 uses, evaluated
          with __BITS_PER_LONG == 64 and the __ARCH_WANT_* macros that the kernel's
          arch/arm64/include/uapi/asm/unistd.h defines before including it)
and writes src/sources/syscall-table-x86_64.ts and src/sources/syscall-table-arm64.ts.

Usage: python3 scripts/gen-syscall-table.py [--x86-64 HEADER] [--generic HEADER]
Needs: apt-get install linux-libc-dev (present wherever a C compiler is).
Syscalls newer than the installed headers show up in the tool as "syscall_NNN".
"""
import argparse
import os
import re
import subprocess
import sys

X86_64_HEADER = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h'
GENERIC_HEADER = '/usr/include/asm-generic/unistd.h'

# What arch/arm64/include/uapi/asm/unistd.h defines before including asm-generic/unistd.h.
ARM64_DEFINES = {
    '__BITS_PER_LONG': '64',
    '__ARCH_WANT_RENAMEAT': '1',
    '__ARCH_WANT_NEW_STAT': '1',
    '__ARCH_WANT_SET_GET_RLIMIT': '1',
    '__ARCH_WANT_TIME32_SYSCALLS': '1',
    '__ARCH_WANT_SYS_CLONE3': '1',
    '__ARCH_WANT_MEMFD_SECRET': '1',
}

# Markers in the generic header that are not syscalls.
NOT_SYSCALLS = {'syscalls', 'arch_specific_syscall'}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def eval_condition(expr, macros):
    """Evaluates a preprocessor #if expression: defined(), ==, !=, ||, &&, !, integers."""
    expr = re.sub(r'defined\s*\(\s*(\w+)\s*\)', lambda m: '1' if m.group(1) in macros else '0', expr)
    expr = re.sub(r'defined\s+(\w+)', lambda m: '1' if m.group(1) in macros else '0', expr)

    def ident(m):
        word = m.group(0)
        if word.isdigit():
            return word
        return macros.get(word, '0')

    expr = re.sub(r'\b\w+\b', ident, expr)
    expr = expr.replace('||', ' or ').replace('&&', ' and ')
    expr = re.sub(r'!(?!=)', ' not ', expr)
    return bool(eval(expr, {'__builtins__': {}}, {}))


def preprocess_defines(path, initial):
    """Runs just enough of the C preprocessor to collect the macros a header defines."""
    macros = dict(initial)
    active = [True]  # one entry per open #if: is this branch taken (and all enclosing ones)?
    taken = [True]   # has any branch of this #if been taken yet?
    with open(path) as f:
        text = strip_comments(f.read())
    text = text.replace('\\\n', ' ')
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith('#'):
            continue
        m = re.match(r'#\s*(\w+)\s*(.*)', line)
        if not m:
            continue
        directive, rest = m.group(1), m.group(2).strip()
        outer = active[-1]
        if directive in ('if', 'ifdef', 'ifndef'):
            if directive == 'ifdef':
                cond = rest.split()[0] in macros
            elif directive == 'ifndef':
                cond = rest.split()[0] not in macros
            else:
                cond = eval_condition(rest, macros)
            active.append(outer and cond)
            taken.append(cond)
        elif directive == 'elif':
            cond = not taken[-1] and eval_condition(rest, macros)
            active[-1] = active[-2] and cond
            taken[-1] = taken[-1] or cond
        elif directive == 'else':
            active[-1] = active[-2] and not taken[-1]
            taken[-1] = True
        elif directive == 'endif':
            active.pop()
            taken.pop()
        elif not outer:
            continue
        elif directive == 'define':
            dm = re.match(r'(\w+)(\([^)]*\))?\s*(.*)', rest)
            if dm and not dm.group(2):
                macros[dm.group(1)] = dm.group(3).strip() or '1'
        elif directive == 'undef':
            macros.pop(rest.split()[0], None)
    return macros


def resolve(value, macros, depth=0):
    value = value.strip()
    if re.fullmatch(r'\d+', value):
        return int(value)
    if depth < 8 and value in macros:
        return resolve(macros[value], macros, depth + 1)
    return None


def syscall_table(macros):
    table = {}
    for name, value in macros.items():
        if not name.startswith('__NR_'):
            continue
        short = name[len('__NR_'):]
        nr = resolve(value, macros)
        if short in NOT_SYSCALLS or nr is None:
            continue
        if nr in table and table[nr] != short:
            sys.exit(f'gen-syscall-table: {nr} is both {table[nr]} and {short}')
        table[nr] = short
    return dict(sorted(table.items()))


def write_ts(path, arch, const, header, table):
    entries = [f"{nr}: '{name}'," for nr, name in table.items()]
    lines, cur = [], '  '
    for e in entries:
        if len(cur) + len(e) + 1 > 100:
            lines.append(cur.rstrip())
            cur = '  '
        cur += e + ' '
    if cur.strip():
        lines.append(cur.rstrip())
    body = '\n'.join(lines)
    with open(path, 'w') as f:
        f.write(f'''//! {arch} syscall numbers -> names ({len(table)} entries), for labelling raw_syscalls keys.
//! Generated by scripts/gen-syscall-table.py from {header}; do not edit.

/** Syscall names by number on {arch}. */
export const {const}: Readonly<Record<number, string>> = {{
{body}
}};
''')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--x86-64', default=X86_64_HEADER, dest='x86_64')
    ap.add_argument('--generic', default=GENERIC_HEADER)
    args = ap.parse_args()
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'sources')
    for header in (args.x86_64, args.generic):
        if not os.path.exists(header):
            sys.exit(f'gen-syscall-table: {header} not found (apt-get install linux-libc-dev)')
    x86 = syscall_table(preprocess_defines(args.x86_64, {}))
    arm = syscall_table(preprocess_defines(args.generic, ARM64_DEFINES))
    write_ts(os.path.join(out_dir, 'syscall-table-x86_64.ts'), 'x86_64', 'SYSCALLS_X86_64', args.x86_64, x86)
    write_ts(os.path.join(out_dir, 'syscall-table-arm64.ts'), 'arm64', 'SYSCALLS_ARM64', args.generic, arm)
    print(f'x86_64: {len(x86)} syscalls, arm64: {len(arm)} syscalls')


if __name__ == '__main__':
    main()
