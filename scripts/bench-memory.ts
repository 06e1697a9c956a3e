//! Memory and start-up benchmarks. Memory: heap and RSS of a fresh process after pushing many
//! columns of many keys through the Heatmap model. Start-up: the real binary under a pty
//! (`script`), from spawn to its first frame and to its first heat cell.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_HISTORY_COLUMNS } from '../src/config';
import { Heatmap, MAX_KEYS_PER_COLUMN } from '../src/model/heatmap';
import type { Bucket, Snapshot } from '../src/model/snapshot';

export interface MemoryResult {
  columns: number;
  keys: number;
  capacity: number;
  /** [columns pushed, heap MiB, RSS MiB] after a GC, at checkpoints. */
  samples: Array<[number, number, number]>;
  pushMs: number;
}

/** One interval with `keys` keys of three power-of-two buckets each, fresh objects every time. */
function manyKeys(tick: number, keys: number, names: string[]): Snapshot {
  const out: Record<string, Bucket[]> = {};
  for (let k = 0; k < keys; k++) {
    const p = 2 ** (10 + ((k * 7 + tick) % 14));
    out[names[k]] = [
      { lo: p, hi: 2 * p, count: 1 + ((tick + k) % 5) },
      { lo: 2 * p, hi: 4 * p, count: 1 + (k % 3) },
      { lo: 8 * p, hi: 16 * p, count: 1 },
    ];
  }
  return { t: (tick + 1) * 1000, lost: 0, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: out } } };
}

/** Runs in the child process (node --expose-gc): pushes, measures, prints one JSON line. */
export function memoryChild(columns: number, keys: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const names = Array.from({ length: keys }, (_, k) => `proc${k}, syscall${k % 40}`);
  const model = new Heatmap(DEFAULT_HISTORY_COLUMNS);
  const checkpoints = new Set([DEFAULT_HISTORY_COLUMNS, Math.round(columns / 4), Math.round(columns / 2), columns]);
  const samples: MemoryResult['samples'] = [];
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  let pushMs = 0;
  for (let i = 1; i <= columns; i++) {
    const s = manyKeys(i, keys, names);
    const t0 = performance.now();
    model.push(s);
    pushMs += performance.now() - t0;
    if (checkpoints.has(i)) {
      gc();
      const m = process.memoryUsage();
      samples.push([i, mib(m.heapUsed + m.external), mib(m.rss)]); // typed arrays live outside the JS heap: count them
    }
  }
  const result: MemoryResult = { columns, keys, capacity: model.capacity, samples, pushMs: pushMs / columns };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Measures memory in a fresh node process, so nothing else the bench did is counted. */
export function benchMemory(columns: number, keys: number): MemoryResult {
  const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--memory-child', String(columns), String(keys)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as MemoryResult;
}

export { MAX_KEYS_PER_COLUMN };

export interface StartupResult {
  runs: number;
  /** Medians, ms from spawn: bare `node -e 0` exit, first frame (the title), first heat cell. */
  nodeMs: number;
  firstFrameMs: number;
  firstCellMs: number;
  intervalMs: number;
}

const BIN = path.join(__dirname, '..', '..', 'bin', 'heat-tracer-tui');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Whether `script` (util-linux) is here to give the binary a pty. */
export function scriptAvailable(): boolean {
  return spawnSync('script', ['--version']).status === 0;
}

function oneStart(intervalMs: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cmd = `stty cols 160 rows 48; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --demo --interval ${intervalMs} --duration ${(intervalMs * 3) / 1000}`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' }, stdio: ['pipe', 'pipe', 'ignore'] });
    let text = '';
    let frame = NaN;
    let cell = NaN;
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const t = performance.now() - t0;
      if (Number.isNaN(frame) && text.includes('heat-tracer-tui —')) frame = t;
      if (Number.isNaN(cell) && /[▀▄]/.test(text)) cell = t;
    });
    child.on('error', reject);
    child.on('exit', () => (Number.isNaN(frame) ? reject(new Error(`no frame; output: ${JSON.stringify(text.slice(0, 300))}`)) : resolve([frame, cell])));
  });
}

/** Start-up of the demo under a pty: median of `runs`. */
export async function benchStartup(runs: number, intervalMs = 100): Promise<StartupResult> {
  const node: number[] = [];
  const frames: number[] = [];
  const cells: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    node.push(performance.now() - t0);
    const [f, c] = await oneStart(intervalMs);
    frames.push(f);
    cells.push(c);
  }
  return { runs, nodeMs: median(node), firstFrameMs: median(frames), firstCellMs: median(cells), intervalMs };
}

if (require.main === module && process.argv[2] === '--memory-child') {
  memoryChild(Number(process.argv[3]), Number(process.argv[4]));
}
