#!/usr/bin/env node
// Builds the optional native addons under src/native/<name>/ at install time (npm `prepare`).
// Each addon directory has a binding.gyp and a prereqs.js exporting `missing()`: the list of
// prerequisites this machine lacks (headers, libraries, compilers). An addon whose prerequisites
// are missing, or whose build fails, is skipped with a line saying why: `npm ci` never fails
// because of an optional engine, and the engine says at run time that it is unavailable.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const nativeDir = path.join(root, 'src', 'native');

/** node-gyp as npm bundles it: npm sets npm_config_node_gyp for lifecycle scripts. */
function nodeGypCommand() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) return [process.execPath, fromNpm];
  const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const bundled = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (fs.existsSync(bundled)) return [process.execPath, bundled];
  return null;
}

function buildOne(name) {
  const dir = path.join(nativeDir, name);
  if (!fs.existsSync(path.join(dir, 'binding.gyp'))) return;
  let missing = [];
  try {
    missing = require(path.join(dir, 'prereqs.js')).missing();
  } catch (err) {
    missing = [`prereqs check failed: ${err.message}`];
  }
  if (missing.length > 0) {
    console.error(`heat-tracer-tui: optional ${name} engine not built: missing ${missing.join(', ')}`);
    return;
  }
  const gyp = nodeGypCommand();
  if (!gyp) {
    console.error(`heat-tracer-tui: optional ${name} engine not built: node-gyp not found`);
    return;
  }
  // node-gyp downloads Node's headers unless told where they are: use the installed ones, so the
  // build works offline (npm passes its own `nodedir` setting as npm_config_nodedir).
  const args = [gyp[1], 'rebuild'];
  const prefix = path.join(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
    args.push(`--nodedir=${path.resolve(prefix)}`);
  }
  const res = spawnSync(gyp[0], args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.status !== 0) {
    const tail = `${res.stdout || ''}${res.stderr || ''}`.trim().split('\n').slice(-15).join('\n');
    console.error(`heat-tracer-tui: optional ${name} engine not built: compiling it failed:\n${tail}`);
    return;
  }
  console.error(`heat-tracer-tui: built optional ${name} engine`);
}

if (fs.existsSync(nativeDir)) {
  for (const name of fs.readdirSync(nativeDir).sort()) buildOne(name);
}
