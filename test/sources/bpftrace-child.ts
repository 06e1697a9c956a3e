//! A tiny program for the lifecycle tests: starts a BpftraceSource (a preset or a .bt file given on
//! the command line) and prints its events as JSON lines, so a test can kill this process and
//! check that no bpftrace outlives it. Not a test itself.
//! Usage: node bpftrace-child.js <preset|file.bt> [intervalMs] [command]

import { BpftraceSource } from '../../src/sources/bpftrace';
import { btScriptPlan } from '../../src/sources/bt-plan';
import { presetPlan } from '../../src/sources/presets';

async function main(): Promise<void> {
  const [what, interval, command] = process.argv.slice(2);
  // `node --test dist/test` runs every .js under test/, this one too: without arguments, do nothing.
  if (what === undefined) return;
  const intervalMs = Number(interval ?? 200);
  const plan = what.endsWith('.bt') ? btScriptPlan(what) : presetPlan(what, { pid: null, command: command !== undefined });
  const commandLogFile = command === undefined ? undefined : `${require('node:os').tmpdir()}/heat-tracer-test-child-${process.pid}.log`;
  const source = new BpftraceSource(plan, { intervalMs, pid: null, command: command ?? null, commandLogFile });
  const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  await source.start((event) => {
    if (event.type === 'snapshot') {
      const keys = Object.values(event.snapshot.aggregations).reduce((n, a) => n + Object.keys(a.keys).length, 0);
      out({ type: 'snapshot', t: event.snapshot.t, keys });
    } else {
      out(event.type === 'end' ? { type: 'end', reason: event.reason, error: event.error?.message } : event);
    }
  });
  out({ type: 'started', pid: process.pid });
  if (process.env.STOP_ON_SIGNAL) {
    for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
      process.on(sig, () => void source.stop().then(() => {
        out({ type: 'stopped', signal: sig });
        process.exit(0);
      }));
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : String(err)}\n`);
  process.exit(1);
});
