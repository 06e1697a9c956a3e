//! The tool's only network listener (opt-in, --serve-metrics): an HTTP server that answers
//! `GET /metrics` with the exposition and nothing else. It never reads a request body, so nothing
//! can be sent in; every other path is 404, every other method 405.

import http from 'node:http';
import net from 'node:net';
import { HeatError, usageError } from '../errors';

export interface ListenAddress {
  host: string;
  port: number;
}

/** Where a bare port binds: loopback, so nothing is exposed unless the user names an address. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Parses `9464`, `127.0.0.1:9464`, `0.0.0.0:9464`, `[::1]:9464` or `host:9464`; port 0 picks a free one. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw usageError('bad-listen-address', `--serve-metrics needs [ADDRESS:]PORT, got '${text}'`, 'for example --serve-metrics 9464 (loopback) or --serve-metrics 10.0.0.5:9464');
  }
  const host = m[1] === undefined ? DEFAULT_METRICS_HOST : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

/** `host:port` for messages, with IPv6 addresses in brackets. */
export function formatAddress(a: ListenAddress): string {
  return `${net.isIPv6(a.host) ? `[${a.host}]` : a.host}:${a.port}`;
}

export interface Exposition {
  contentType: string;
  metrics(): Promise<string>;
}

/** Serves one exposition on /metrics. */
export class MetricsServer {
  private readonly server: http.Server;

  constructor(private readonly exposition: Exposition) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    // Slow or idle clients cannot hold sockets for long.
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 15_000;
    this.server.keepAliveTimeout = 30_000;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path !== '/metrics') return reply(404, 'not found: only /metrics is served\n', { Connection: 'close' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed: GET /metrics only\n', { Allow: 'GET, HEAD', Connection: 'close' });
    this.exposition.metrics().then(
      (text) => reply(200, text, { 'Content-Type': this.exposition.contentType }),
      (err: unknown) => reply(500, `cannot format metrics: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  }

  /** Binds; resolves with the address bound (the real port when 0 was asked for). */
  listen(addr: ListenAddress): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EADDRNOTAVAIL' ? 'no such local address' : (err.code ?? err.message);
        reject(new HeatError('serve-metrics-failed', `cannot serve metrics on ${formatAddress(addr)}: ${why}`, { hint: 'pick another port or address: --serve-metrics [ADDRESS:]PORT' }));
      };
      this.server.once('error', onError);
      this.server.listen({ host: addr.host, port: addr.port, exclusive: true }, () => {
        this.server.off('error', onError);
        const bound = this.server.address() as net.AddressInfo;
        resolve({ host: bound.address, port: bound.port });
      });
    });
  }

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
