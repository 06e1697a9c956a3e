//! The entry point behind bin/heat-tracer-tui: parses the command line, handles the print-and-exit
//! requests, builds the source and runs the app. Returns the exit code; never throws.

import { App } from './app';
import { parseArgs } from './cli';
import { EXIT, exitCodeOf, formatError } from './errors';
import { createSource } from './sources/create-source';
import { printProgram, listPresetsText } from './sources/program-text';
import { detectColourDepth } from './tui/palette';

export async function main(argv: readonly string[]): Promise<number> {
  const { stdout, stderr } = process;
  try {
    const req = parseArgs(argv, { out: (s) => stdout.write(s), isTTY: Boolean(stdout.isTTY) });
    switch (req.kind) {
      case 'done':
        stdout.write(req.text);
        return EXIT.ok;
      case 'list-presets':
        stdout.write(listPresetsText());
        return EXIT.ok;
      case 'print-program':
        stdout.write(printProgram(req.config));
        return EXIT.ok;
      case 'run': {
        const source = createSource(req.config);
        const app = new App(req.config, source, { stdout, stderr, depth: detectColourDepth(process.env), handleSignals: true });
        return await app.run();
      }
    }
  } catch (err) {
    stderr.write(`${formatError(err)}\n`);
    if (process.env.HEAT_TRACER_DEBUG && err instanceof Error) stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}
