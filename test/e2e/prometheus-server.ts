//! Support for the fleet tests: a real Prometheus server on loopback (config and storage in a temp
//! dir, short scrape interval), free ports, and the tool as a child process with its output kept.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BIN } from './tmux-session';

/** Why the real-Prometheus tests cannot run here, or null. */
export function prometheusSkipReason(): string | null {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'needs the prometheus server in PATH (apt-get install prometheus; sudo scripts/setup.sh --test installs it)';
  return null;
}

/** Ports free on 127.0.0.1 right now (bound to port 0, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface Child {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a command with its output collected. */
export function run(cmd: string, args: string[], cwd: string): Child {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, done };
}

/** The tool itself (bin/heat-tracer-tui), stdout a pipe: headless. */
export function tool(args: string[], cwd: string): Child {
  return run(process.execPath, [BIN, ...args], cwd);
}

/** Polls `check` every 100 ms until it is true; throws `what` after timeoutMs. */
export async function waitFor(what: () => string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Prometheus on 127.0.0.1:port scraping `targets` every second; resolves once it is ready. */
export async function startPrometheus(dir: string, port: number, targets: string[]): Promise<Child & { url: string }> {
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: heat', '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`, ''].join('\n'));
  const url = `http://127.0.0.1:${port}`;
  const p = run('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], dir);
  let exited = false;
  void p.done.then(() => (exited = true));
  try {
    await waitFor(
      () => `prometheus to be ready: ${p.stderr().slice(-500)}`,
      async () => {
        if (exited) throw new Error(`prometheus exited: ${p.stderr().slice(-1000)}`);
        return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      },
      15_000,
    );
  } catch (err) {
    await stop(p, 'SIGKILL');
    throw err;
  }
  return { ...p, url };
}

/** An instant query's result vector. */
export async function promQuery(url: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query }) });
  const json = (await res.json()) as { status: string; data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return json.data?.result ?? [];
}

/**
 * Waits until Prometheus has scraped `instance` after `afterMs` with `up` = 1 (it saw what the
 * target serves then) or 0 (a failed scrape: its series are marked stale).
 */
export function waitForScrape(url: string, instance: string, afterMs: number, up: 0 | 1, timeoutMs = 15_000): Promise<void> {
  return waitFor(
    () => `a scrape of ${instance} with up=${up}`,
    async () => {
      // timestamp() of a bare selector is the scrape's time; of an expression, the query's.
      const r = await promQuery(url, `timestamp(up{instance="${instance}"}) and on() (up{instance="${instance}"} == ${up})`);
      return r.length > 0 && Number(r[0].value[1]) * 1000 > afterMs;
    },
    timeoutMs,
  );
}

/** Sends `signal` and waits for the exit; SIGKILL after 5 s. */
export async function stop(c: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill(signal);
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 5000);
  try {
    return await c.done;
  } finally {
    clearTimeout(timer);
  }
}
