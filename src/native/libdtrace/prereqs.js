#!/usr/bin/env node
// Finds libdtrace for the optional libdtrace engine: its header and library in standard places,
// or under $HEAT_TRACER_LIBDTRACE_PREFIX. scripts/build-native.js calls missing() at install time
// and builds only when nothing is missing; binding.gyp runs this file for flags
// (`node prereqs.js include_dirs|libraries|ldflags|defines`).
//
// Oracle DTrace's installed dtrace.h is not self-contained (it needs sys/ctf-api.h, dtrace/*.h
// and config.h from its source tree): name those directories in $HEAT_TRACER_LIBDTRACE_INCLUDE
// (':'-separated), e.g. HEAT_TRACER_LIBDTRACE_INCLUDE=$SRC/include:$SRC/build.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PREFIX_VAR = 'HEAT_TRACER_LIBDTRACE_PREFIX';
const INCLUDE_VAR = 'HEAT_TRACER_LIBDTRACE_INCLUDE';

function splitDirs(value) {
  return (value || '').split(path.delimiter).filter((d) => d.length > 0).map((d) => path.resolve(d));
}

/** The macOS SDK, whose usr/include and usr/lib (.tbd stubs) stand in for the system's. */
function macSdk() {
  if (process.platform !== 'darwin') return null;
  const res = spawnSync('xcrun', ['--show-sdk-path'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : null;
}

function candidateDirs() {
  const prefix = process.env[PREFIX_VAR];
  const sdk = macSdk();
  const includes = [];
  const libs = [];
  if (prefix) {
    includes.push(path.join(prefix, 'include'));
    libs.push(...['lib64', 'lib', 'lib/64', 'lib/amd64'].map((d) => path.join(prefix, d)));
  }
  includes.push('/usr/include', '/usr/local/include');
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
  libs.push('/usr/lib64', '/usr/lib/64', '/usr/lib/amd64', '/usr/lib', '/usr/local/lib', '/usr/local/lib64');
  if (multiarch) libs.push(`/usr/lib/${multiarch}`);
  if (sdk) {
    includes.push(path.join(sdk, 'usr/include'));
    libs.push(path.join(sdk, 'usr/lib'));
  }
  return { includes, libs, prefix };
}

/** The library file to link against in `dir`, preferring the unversioned development name. */
function libraryIn(dir) {
  for (const name of ['libdtrace.so', 'libdtrace.dylib', 'libdtrace.tbd']) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  let names = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /^libdtrace\.so\.\d+/.test(n)).sort();
  } catch {
    return null;
  }
  return names.length > 0 ? path.join(dir, names[names.length - 1]) : null;
}

/** Where libdtrace is, which ABI its header declares, and what is missing. */
function locate() {
  const dirs = candidateDirs();
  const headerDir = dirs.includes.find((d) => fs.existsSync(path.join(d, 'dtrace.h'))) || null;
  let library = null;
  for (const d of dirs.libs) {
    library = libraryIn(d);
    if (library) break;
  }
  const extraIncludes = splitDirs(process.env[INCLUDE_VAR]);
  let abi = null;
  let childFunc = false;
  if (headerDir) {
    const text = fs.readFileSync(path.join(headerDir, 'dtrace.h'), 'utf8');
    abi = /\bdtrace_init\s*\(/.test(text) ? 'oracle' : 'classic';
    childFunc = /\bproc_child_func\b/.test(text);
  }
  return { headerDir, library, extraIncludes, abi, childFunc, prefixVar: dirs.prefix };
}

/** Include directories for the compiler: the source tree's (if named) before the installed header. */
function includeDirs(found) {
  const dirs = [...found.extraIncludes];
  if (found.headerDir && !dirs.includes(found.headerDir)) dirs.push(found.headerDir);
  return dirs;
}

/** Compiles `#include <dtrace.h>` alone: catches headers that need more than they include. */
function headerProblem(found) {
  const cxx = process.env.CXX || 'c++';
  const args = ['-fsyntax-only', '-x', 'c++', '-', ...includeDirs(found).map((d) => `-I${d}`)];
  const res = spawnSync(cxx, args, { input: '#include <dtrace.h>\nint main() { return 0; }\n', encoding: 'utf8' });
  if (res.error) return `a C++ compiler (${cxx}: ${res.error.code || res.error.message})`;
  if (res.status === 0) return null;
  const first = (res.stderr || '').split('\n').find((l) => /error/.test(l)) || 'it does not compile';
  const hint =
    found.abi === 'oracle'
      ? `set ${INCLUDE_VAR}=<dtrace-utils source>/include:<dtrace-utils source>/build`
      : `set ${INCLUDE_VAR} to the directories it needs`;
  return `a usable dtrace.h (${path.join(found.headerDir, 'dtrace.h')}: ${first.trim()}; ${hint})`;
}

/** Prerequisites this machine lacks for building the libdtrace addon; empty when it can be built. */
function missing() {
  const found = locate();
  const what = [found.headerDir ? null : 'dtrace.h', found.library ? null : 'the libdtrace library'].filter(Boolean);
  if (what.length > 0) {
    const prefix = process.env[PREFIX_VAR];
    const where = prefix ? `under ${PREFIX_VAR}=${prefix} or in standard paths` : `in standard paths (set ${PREFIX_VAR} to name an install prefix)`;
    return [`${what.join(' and ')} ${where}`];
  }
  const problem = headerProblem(found);
  return problem ? [problem] : [];
}

/** Flags for binding.gyp, one kind at a time. */
function flags(kind) {
  const found = locate();
  switch (kind) {
    case 'include_dirs':
      return includeDirs(found);
    case 'libraries':
      return found.library ? [found.library] : [];
    case 'ldflags':
      // The library may live outside the loader's path (a prefix): remember where it was.
      return found.library && !found.library.endsWith('.tbd') ? [`-Wl,-rpath,${path.dirname(found.library)}`] : [];
    case 'defines':
      if (found.abi === 'oracle') return ['HEAT_DTRACE_ABI_ORACLE=1'];
      // FreeBSD's dtrace_proc_create takes a child-setup callback and its argument.
      return found.childFunc ? ['HEAT_DTRACE_ABI_CLASSIC=1', 'HEAT_DTRACE_PROC_CHILD_FUNC=1'] : ['HEAT_DTRACE_ABI_CLASSIC=1'];
    default:
      throw new Error(`unknown flag kind: ${kind}`);
  }
}

module.exports = { missing, locate, flags };

if (require.main === module) {
  const kind = process.argv[2];
  if (kind === 'missing') {
    const m = missing();
    console.log(m.length === 0 ? 'nothing missing' : m.join('\n'));
  } else {
    console.log(flags(kind).join(' '));
  }
}
