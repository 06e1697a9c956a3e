//! `npm run bench`: rendering cost per tick (ours vs a full repaint), start-up to first frame,
//! memory after many columns, and the probe effect (root only; scripts/bench-probe-effect.ts).
//! Prints Markdown tables the README can paste.
//!   node dist/scripts/bench.js [--quick] [--only render,startup,memory,probe] [--ticks N]
//!                              [--memory-columns N] [--memory-keys N]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_HISTORY_COLUMNS } from '../src/config';
import { benchMemory, benchStartup, MAX_KEYS_PER_COLUMN, scriptAvailable } from './bench-memory';
import { benchRenderAll, type RenderResult } from './bench-render';

interface Options {
  only: Set<string>;
  ticks: number;
  memoryColumns: number;
  memoryKeys: number;
  startupRuns: number;
}

/** What scripts/bench-probe-effect.ts returns (kept structural: that file is optional). */
interface ResultTable {
  title: string;
  columns: string[];
  numeric?: boolean[];
  rows: string[][];
  notes: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { only: new Set(['render', 'startup', 'memory', 'probe']), ticks: 200, memoryColumns: 100_000, memoryKeys: 1000, startupRuns: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--quick') Object.assign(o, { ticks: 40, memoryColumns: 2 * DEFAULT_HISTORY_COLUMNS, startupRuns: 3 });
    else if (a === '--only') (o.only = new Set(v.split(','))), i++;
    else if (a === '--ticks') (o.ticks = Number(v)), i++;
    else if (a === '--memory-columns') (o.memoryColumns = Number(v)), i++;
    else if (a === '--memory-keys') (o.memoryKeys = Number(v)), i++;
    else throw new Error(`unknown argument ${a} (see the top of scripts/bench.ts)`);
  }
  return o;
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const bytesText = (b: number) => (b >= 1024 ? `${fmt(b / 1024, 1)} KiB` : `${fmt(b)} B`);

/** A Markdown table; columns from `numericFrom` on are right-aligned, or those `numeric` says. */
function table(columns: string[], rows: string[][], numericFrom: number | boolean[] = columns.length - 1): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const right = (i: number) => (Array.isArray(numericFrom) ? numericFrom[i] : i >= numericFrom);
  return [line(columns), line(columns.map((_, i) => (right(i) ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function machine(): string {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(os.cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // No coreutils: os.cpus() is close enough.
  }
  return `${nproc} CPUs (nproc), ${model}, Linux ${os.release()}, node ${process.version}`;
}

function renderSection(results: RenderResult[]): string {
  const rows = results.map((r) => [
    `${r.cols}×${r.rows}`,
    r.scenario,
    r.path,
    fmt(r.cpuMedianMs, 2),
    fmt(r.cpuMs, 2),
    fmt(r.renderMs, 2),
    bytesText(r.bytesMedian),
    bytesText(r.bytes),
    bytesText(r.bytesMax),
    `${r.layoutChanges}/${r.ticks}`,
  ]);
  return [
    '### Rendering, per tick (truecolor)',
    '',
    table(['size', 'workload', 'path', 'CPU ms median', 'CPU ms mean', 'of which renderer', 'output median', 'output mean', 'output max', 'layout changes'], rows, 3),
    '',
    '- *same snapshot*: one snapshot pushed every tick; *stable distribution*: a fixed mix of log-normal modes',
    '  sampled afresh each tick (columns differ by sampling noise, as real ones do); *every cell changes*: every',
    '  latency row holds data and the palette alternates, so every cell changes colour.',
    "- *ours*: the app's renderer and Screen; *full repaint*: the same frames with every cell rewritten",
    "  (heat painter invalidated, blessed's buffers forgotten), as blessed does after a resize.",
    '- CPU is process CPU (user + system, GC included) for push + render + paint + write into a null terminal,',
    '  after a warm-up of twice the window; output is bytes written to the terminal; layout changes counts',
    '  ticks whose axis rows or colour mapping changed (the whole picture is redrawn).',
  ].join('\n');
}

async function probeSection(): Promise<string> {
  const file = path.join(__dirname, 'bench-probe-effect.js');
  if (!fs.existsSync(file)) return '### Probe effect\n\nskipped: scripts/bench-probe-effect.ts is not built';
  if (process.getuid?.() !== 0) return '### Probe effect\n\nskipped: needs root (tracers attach kernel probes)';
  const mod = require(file) as { runProbeEffectBench?: (o: { log?: (l: string) => void }) => Promise<ResultTable> };
  if (typeof mod.runProbeEffectBench !== 'function') return '### Probe effect\n\nskipped: bench-probe-effect.js exports no runProbeEffectBench';
  const t = await mod.runProbeEffectBench({ log: (l) => process.stderr.write(`probe: ${l}\n`) });
  return [`### ${t.title}`, '', t.rows.length > 0 ? table(t.columns, t.rows, t.numeric ?? 2) : '', '', ...t.notes.map((n) => `- ${n}`)].join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(`bench: ${l}\n`);
  const out: string[] = ['## Benchmarks', '', `Machine: ${machine()}. Command: \`npm run bench\`.`];
  if (o.only.has('render')) out.push('', renderSection(benchRenderAll(o.ticks, log)));
  if (o.only.has('startup')) {
    if (!scriptAvailable()) out.push('', '### Start-up\n\nskipped: needs `script` (util-linux) for a pty');
    else {
      log('start-up');
      const s = await benchStartup(o.startupRuns);
      out.push('', '### Start-up (demo, 160×48 pty, median of ' + s.runs + ' runs)', '');
      out.push(table(['from spawn to', 'ms'], [
        ['`node -e 0` exits (for scale)', fmt(s.nodeMs)],
        ['first frame (title drawn)', fmt(s.firstFrameMs)],
        [`first heat cell (--interval ${s.intervalMs})`, fmt(s.firstCellMs)],
      ]));
    }
  }
  if (o.only.has('memory')) {
    log(`memory: ${o.memoryColumns} columns of ${o.memoryKeys} keys (a few minutes)`);
    const m = benchMemory(o.memoryColumns, o.memoryKeys);
    out.push('', `### Memory (Heatmap model, ${fmt(m.keys)} keys per column, ring of ${fmt(m.capacity)} columns)`, '');
    out.push(table(['columns pushed', 'heap + typed arrays MiB', 'RSS MiB'], m.samples.map(([n, heap, rss]) => [fmt(n), fmt(heap, 1), fmt(rss, 1)]), 0));
    out.push('', `- each key: 3 buckets; keys beyond ${MAX_KEYS_PER_COLUMN} per column fold into one; a fresh process, after a GC; push ${fmt(m.pushMs, 2)} ms per column`);
  }
  if (o.only.has('probe')) {
    log('probe effect');
    out.push('', await probeSection());
  }
  console.log(out.join('\n'));
}

main().catch((err) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exitCode = 1;
});
