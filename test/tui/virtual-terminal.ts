//! Test support: a terminal without a terminal. blessed writes into a fake output stream whose
//! bytes go into @xterm/headless, so tests read back the cells and colours a user would see.

import { PassThrough, Writable } from 'node:stream';
import { Terminal } from '@xterm/headless';

export interface CellView {
  ch: string;
  /** -1 default; 0xRRGGBB for truecolor; palette index for 256/16 colours (see mode). */
  fg: number;
  bg: number;
  fgMode: 'default' | 'rgb' | 'palette';
  bgMode: 'default' | 'rgb' | 'palette';
}

export class VirtualTerminal {
  readonly term: Terminal;
  readonly output: Writable & { isTTY: boolean; columns: number; rows: number };
  readonly input: PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void; isRaw: boolean };
  bytes = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    const term = this.term;
    const self = this;
    const out = new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        const text = chunk.toString();
        self.bytes += Buffer.byteLength(text);
        self.pending = self.pending.then(() => new Promise<void>((r) => term.write(text, r)));
        cb();
      },
    });
    this.output = Object.assign(out, { isTTY: true, columns: cols, rows });
    const input = new PassThrough();
    this.input = Object.assign(input, { isTTY: true, isRaw: false, setRawMode(b: boolean) { this.isRaw = b; } });
  }

  /** Waits until every byte written so far has been parsed by the terminal. */
  async settle(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.pending;
  }

  /** Resizes the fake terminal and tells blessed, as a SIGWINCH would. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.output.columns = cols;
    this.output.rows = rows;
    this.output.emit('resize');
  }

  /** Types keys (raw bytes, e.g. 'q', '\x1b[D' for left). */
  type(keys: string): void {
    this.input.write(keys);
  }

  cell(x: number, y: number): CellView {
    const c = this.term.buffer.active.getLine(y)?.getCell(x);
    if (!c) return { ch: '', fg: -1, bg: -1, fgMode: 'default', bgMode: 'default' };
    const mode = (rgb: boolean, def: boolean) => (def ? 'default' : rgb ? 'rgb' : 'palette') as CellView['fgMode'];
    return {
      ch: c.getChars() || ' ',
      fg: c.isFgDefault() ? -1 : c.getFgColor(),
      bg: c.isBgDefault() ? -1 : c.getBgColor(),
      fgMode: mode(c.isFgRGB(), c.isFgDefault()),
      bgMode: mode(c.isBgRGB(), c.isBgDefault()),
    };
  }

  line(y: number): string {
    return this.term.buffer.active.getLine(y)?.translateToString(true) ?? '';
  }

  text(): string {
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(this.line(y));
    return out.join('\n');
  }
}
