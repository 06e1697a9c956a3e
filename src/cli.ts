//! The command line (commander): options → a RunConfig, or a usage error (exit 2). Nothing here
//! starts anything; main.ts decides what to run.

import { Command, CommanderError, Option } from 'commander';
import type { BackendName, ColorScaleName, PaletteName, RunConfig, SourceMode } from './config';
import { BACKENDS, COLOR_SCALES, DEFAULT_HISTORY_COLUMNS, DEFAULT_INTERVAL_MS, PALETTES } from './config';
import { HeatError, usageError } from './errors';
import type { Unit } from './model/snapshot';
import { UNITS } from './model/snapshot';
import { parseDuration } from './model/units';
import { FLEET_EXAMPLES, addFleetOptions, applyFleetOptions, fleetSourceMode, type FleetOpts } from './cli-fleet';

export const VERSION = '0.1.0';

/** What the command line asks for: a run, or one of the print-and-exit actions. */
export type CliRequest =
  | { kind: 'run'; config: RunConfig }
  | { kind: 'list-presets' }
  | { kind: 'print-program'; config: RunConfig }
  | { kind: 'done'; text: string };

const EXAMPLES = `
Examples:
  heat-tracer-tui --demo                      # look around without root or a tracer
  sudo heat-tracer-tui                        # live syscall latency of the whole machine
  sudo heat-tracer-tui -p 1234                # only process 1234
  sudo heat-tracer-tui -c 'tar cf /dev/null /usr'   # run a command, trace only it
  sudo heat-tracer-tui --preset io            # block I/O latency (issue → complete)
  sudo heat-tracer-tui --script probe.d       # a D script (translated to bpftrace on Linux)
  sudo heat-tracer-tui --script probe.bt      # a bpftrace script, run unchanged
  heat-tracer-tui --script probe.d --print-program   # show the bpftrace program, do not run it
  sudo heat-tracer-tui --record run.jsonl     # keep the data (JSON Lines) while watching
  heat-tracer-tui --replay run.jsonl          # watch a recording again (--speed 4 to hurry)
  heat-tracer-tui --replay run.jsonl | cat    # no terminal: print a text summary instead
${FLEET_EXAMPLES}

Keys: p pause, +/- zoom, a auto-fit, l colour scale, c palette, ←/→ cursor, ? help, q quit.
Exit codes: 0 ok (also q), 1 runtime failure, 2 usage error, 130 interrupted before start.`;

function parsePositiveInt(flag: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw usageError('bad-number', `${flag} needs a whole number, got '${value}'`);
    const n = Number(value);
    if (n < 1 || n > max) throw usageError('bad-number', `${flag} must be between 1 and ${max}, got ${value}`);
    return n;
  };
}

function parsePositiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw usageError('bad-number', `${flag} needs a positive number, got '${value}'`);
    return n;
  };
}

function parseInterval(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 10 || n > 3_600_000) {
    throw usageError('bad-interval', `--interval needs milliseconds between 10 and 3600000, got '${value}'`, 'for example --interval 500');
  }
  return n;
}

function choice<T extends string>(flag: string, list: readonly T[]) {
  return (value: string): T => {
    if (!(list as readonly string[]).includes(value)) throw usageError('bad-choice', `${flag} must be one of ${list.join(', ')}; got '${value}'`);
    return value as T;
  };
}

/** Builds the commander program; `out` receives help/version text, `err` usage errors. */
export function buildProgram(): Command {
  const p = new Command('heat-tracer-tui');
  p.description('A live latency heatmap in the terminal: each interval becomes one column of coloured cells\n(time runs left to right, latency bottom to top, colour is how many events fell in that cell).')
    .version(VERSION, '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .option('-s, --script <file>', 'trace with a script: .d (D, translated to bpftrace on Linux) or .bt (bpftrace)')
    .addOption(new Option('--lang <lang>', 'script language, when the extension does not say').choices(['d', 'bt']))
    .option('--preset <name>', 'built-in program: syscall (default), io, runq')
    .option('--list-presets', 'list the built-in programs and exit')
    .option('--demo', 'synthetic data: no root, no tracer')
    .option('--replay <file>', 'play a recording made with --record')
    .option('--speed <x>', 'replay speed factor (default 1 on screen; as fast as possible headless)', parsePositiveNumber('--speed'))
    .option('--record <file>', 'also write every interval to FILE (JSON Lines)')
    .option('-i, --interval <ms>', 'interval per column in milliseconds', parseInterval, DEFAULT_INTERVAL_MS)
    .option('--duration <s>', 'exit (0) after this many seconds', parsePositiveNumber('--duration'))
    .option('--history <n>', 'columns kept for scroll-back (memory is bounded by this)', parsePositiveInt('--history', 1_000_000), DEFAULT_HISTORY_COLUMNS)
    .option('-p, --pid <pid>', 'trace only this process', parsePositiveInt('--pid', 4_194_304))
    .option('-c, --command <cmd>', 'run CMD, trace only it, exit when it exits (its output goes to a log file)')
    .option('--aggregation <name>', 'which histogram to draw (default: the first one), e.g. @time')
    .addOption(new Option('--unit <unit>', 'unit of the histogram values (overrides what the script implies)').argParser(choice('--unit', UNITS)))
    .addOption(new Option('--backend <name>', 'tracing engine').argParser(choice('--backend', BACKENDS)).default('auto'))
    .option('--print-program', 'print the program that would run (the bpftrace translation) and exit')
    .addOption(new Option('--palette <name>', `colours: ${PALETTES.join(', ')}`).argParser(choice('--palette', PALETTES)).default('heat'))
    .addOption(new Option('--color-scale <scale>', `how counts become colours: ${COLOR_SCALES.join(', ')}`).argParser(choice('--color-scale', COLOR_SCALES)).default('rank'))
    .option('--seed <n>', 'seed for --demo (same seed, same data)', (v: string) => {
      if (!/^\d+$/.test(v)) throw usageError('bad-number', `--seed needs a whole number, got '${v}'`);
      return Number(v);
    }, 1)
    .option('--headless', 'no screen even on a terminal: run, record, print a summary')
    .option('--slo <latency>', 'threshold line at this latency (e.g. 10ms); the status line shows the share above it', (v: string) => parseDuration(v))
    .option('--export <file.svg>', 'when the run ends, write all of it as an SVG heatmap (works headless, e.g. with --replay)')
    .argument('[args...]', 'macro arguments for a D script ($1, $2, ...)')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .allowExcessArguments(true);
  addFleetOptions(p, parsePositiveInt);
  return p;
}

interface Opts extends FleetOpts {
  script?: string;
  lang?: 'd' | 'bt';
  preset?: string;
  listPresets?: boolean;
  demo?: boolean;
  replay?: string;
  speed?: number;
  record?: string;
  interval: number;
  duration?: number;
  history: number;
  pid?: number;
  command?: string;
  aggregation?: string;
  unit?: Unit;
  backend: BackendName;
  printProgram?: boolean;
  palette: PaletteName;
  colorScale: ColorScaleName;
  seed: number;
  headless?: boolean;
  slo?: number;
  export?: string;
}

function sourceMode(o: Opts): SourceMode {
  const chosen = [o.demo && '--demo', o.replay !== undefined && '--replay', o.script !== undefined && '--script', o.preset !== undefined && '--preset', o.prometheus !== undefined && '--prometheus'].filter(Boolean);
  if (chosen.length > 1) throw usageError('conflicting-sources', `${chosen.join(' and ')} cannot be used together: pick one source`);
  if (o.demo) return { kind: 'demo', seed: o.seed };
  if (o.replay !== undefined) return { kind: 'replay', file: o.replay, speed: o.speed ?? null };
  if (o.prometheus !== undefined) return fleetSourceMode(o);
  if (o.script !== undefined) {
    const lang = o.lang ?? (o.script.endsWith('.bt') ? 'bt' : o.script.endsWith('.d') ? 'd' : null);
    if (lang === null) throw usageError('unknown-language', `cannot tell the language of '${o.script}' from its name`, 'name it .d or .bt, or say --lang d|bt');
    return { kind: 'script', file: o.script, lang };
  }
  return { kind: 'preset', preset: o.preset ?? 'syscall' };
}

/** Parses argv (as process.argv: node, script, ...) into a request; throws HeatError on usage errors. */
export function parseArgs(argv: readonly string[], io: { out: (s: string) => void; isTTY: boolean }): CliRequest {
  const program = buildProgram();
  let printed = '';
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => (printed += s), writeErr: (s) => (printed += s), outputError: () => {} });
  try {
    program.parse(argv as string[]);
  } catch (err) {
    if (err instanceof HeatError) throw err;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { kind: 'done', text: printed };
      // commander's own message starts with "error: "; keep the words, drop the prefix.
      const message = err.message.replace(/^error:\s*/, '');
      throw usageError(err.code.replace(/^commander\./, ''), message, 'see heat-tracer-tui --help');
    }
    throw err;
  }
  const o = program.opts<Opts>();
  if (o.listPresets) return { kind: 'list-presets' };
  if (o.speed !== undefined && o.replay === undefined) throw usageError('speed-without-replay', '--speed only applies to --replay');
  if (o.pid !== undefined && o.command !== undefined) throw usageError('conflicting-targets', '-p/--pid and -c/--command cannot be used together');
  const source = sourceMode(o);
  if ((source.kind === 'demo' || source.kind === 'replay' || source.kind === 'prometheus') && (o.pid !== undefined || o.command !== undefined)) {
    throw usageError('target-without-tracer', `${o.pid !== undefined ? '--pid' : '--command'} needs a tracing source, not --${source.kind}`);
  }
  const config: RunConfig = {
    source,
    backend: o.backend,
    intervalMs: o.interval,
    durationS: o.duration ?? null,
    historyColumns: o.history,
    recordFile: o.record ?? null,
    palette: o.palette,
    colorScale: o.colorScale,
    aggregation: o.aggregation === undefined ? null : o.aggregation.replace(/^@/, ''),
    unit: o.unit ?? null,
    pid: o.pid ?? null,
    command: o.command ?? null,
    scriptArgs: program.args,
    headless: Boolean(o.headless) || !io.isTTY,
    sloNs: o.slo ?? null,
    exportFile: o.export ?? null,
  };
  applyFleetOptions(config, o, program.getOptionValueSource('interval') !== 'default');
  if (o.printProgram) {
    if (source.kind !== 'script' && source.kind !== 'preset') throw usageError('print-program-without-program', '--print-program needs --script or --preset');
    return { kind: 'print-program', config };
  }
  if (program.args.length > 0 && !(source.kind === 'script' && source.lang === 'd')) {
    throw usageError('unexpected-argument', `unexpected argument '${program.args[0]}'`, 'arguments are macro arguments ($1, ...) for a D script; see --help');
  }
  return { kind: 'run', config };
}
