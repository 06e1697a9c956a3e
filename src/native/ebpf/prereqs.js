//! What building the native eBPF engine needs, for scripts/build-native.js (skip the build when
//! something is missing) and for binding.gyp (the multiarch include directory for asm/types.h).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function run(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return res.status === 0 ? res.stdout : null;
}

/** Debian's multiarch triplet (x86_64-linux-gnu): where asm/types.h lives under /usr/include. */
function multiarch() {
  const fromCc = (run('cc', ['-print-multiarch']) || '').trim();
  if (fromCc) return fromCc;
  return { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch] || `${process.arch}-linux-gnu`;
}

function libDirs() {
  const arch = multiarch();
  return [`/usr/lib/${arch}`, '/usr/lib64', '/usr/lib', '/usr/local/lib', '/usr/local/lib64'];
}

/** Prerequisites this machine lacks, each with the Debian package that provides it. */
function missing() {
  if (process.platform !== 'linux') return [`Linux (this is ${process.platform})`];
  const out = [];
  const targets = run('clang', ['-print-targets']);
  if (targets === null) out.push('clang (apt-get install clang llvm)');
  else if (!/\bbpf\b/.test(targets)) out.push('clang with the BPF target (apt-get install clang llvm)');
  if (run('cc', ['--version']) === null || run('make', ['--version']) === null) {
    out.push('a C compiler and make (apt-get install gcc make)');
  }
  if (!fs.existsSync('/usr/include/bpf/libbpf.h') || !libDirs().some((d) => fs.existsSync(path.join(d, 'libbpf.so')))) {
    out.push('libbpf headers and library (apt-get install libbpf-dev libelf-dev zlib1g-dev)');
  }
  if (!fs.existsSync('/usr/include/linux/bpf.h') || !fs.existsSync(`/usr/include/${multiarch()}/asm/types.h`)) {
    out.push('Linux UAPI headers (apt-get install linux-libc-dev)');
  }
  return out;
}

module.exports = { missing, multiarch };
