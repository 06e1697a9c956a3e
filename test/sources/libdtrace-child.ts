//! Runs one libdtrace scenario and prints its outcome as one JSON line, for libdtrace.test.ts:
//! Oracle's libdtrace cannot start a second handle in a process that closed one (a BPF map fd
//! stays stale), so every real run gets a fresh process. Not a test itself.
//! Usage: node libdtrace-child.js '<json spec>'
//!   {"run": "consumer", "program": "...", "argv"?: [...], "command"?: [...], "until": "exit"|"done"}
//!   {"run": "compile-twice", "program": "..."}
//!   {"run": "source", "text": "...", "command": "...", "intervalMs": 200}

import { HeatError } from '../../src/errors';
import { LibdtraceSource } from '../../src/sources/libdtrace';
import { requireLibdtraceAddon, type WorkResult } from '../../src/sources/libdtrace-addon';
import type { SourceEvent } from '../../src/sources/source';

interface Spec {
  run: 'consumer' | 'compile-twice' | 'source';
  program?: string;
  command?: string[] | string;
  until?: 'exit' | 'done';
  text?: string;
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Compiles, runs until the command exits (or tracing is done), walks once. */
async function consumer(spec: Spec): Promise<unknown> {
  const addon = requireLibdtraceAddon();
  const c = new addon.Consumer();
  try {
    if (Array.isArray(spec.command)) c.createProcess(spec.command);
    await c.strcompile(spec.program as string);
    await c.go();
    const works: WorkResult[] = [];
    for (let i = 0; i < 400; i++) {
      const w = await c.work();
      works.push(w);
      if (w.status === 'done' || (spec.until === 'exit' && w.procsExited > 0)) break;
      await sleep(25);
    }
    const records = await c.aggwalk();
    await c.stop();
    return { abi: addon.abi, works, records };
  } finally {
    c.close();
  }
}

async function compileTwice(spec: Spec): Promise<unknown> {
  const c = new (requireLibdtraceAddon().Consumer)();
  const out: { first?: string; second?: string } = {};
  try {
    await c.strcompile(spec.program as string);
  } catch (err) {
    out.first = (err as Error).message;
  }
  try {
    void c.strcompile('BEGIN { exit(0); }');
  } catch (err) {
    out.second = (err as Error).message;
  }
  c.close();
  return out;
}

function source(spec: Spec): Promise<unknown> {
  const events: SourceEvent[] = [];
  return new Promise((resolve) => {
    const s = new LibdtraceSource({ file: 'test.d', text: spec.text as string, command: spec.command as string, intervalMs: spec.intervalMs ?? 200 });
    s.start((e) => {
      events.push(e);
      if (e.type === 'end') resolve({ events });
    }).catch((err: unknown) => {
      const e = err as HeatError;
      resolve({ events, error: { code: e.code, message: e.message, diagnostics: err instanceof HeatError ? e.diagnostics : [] } });
    });
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as Spec;
  const run = { consumer, 'compile-twice': compileTwice, source }[spec.run];
  process.stdout.write(`${JSON.stringify(await run(spec))}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ crashed: String((err as Error).message ?? err) })}\n`);
  process.exitCode = 1;
});
