//! Regenerates test/fixtures/d-golden/ from the D corpus in test/fixtures/d/: one .bt (the
//! translation) and one .plan.json (aggregations, exits, warnings) per case. Review with git diff.
//! Usage: npx tsc -p tsconfig.json && node dist/scripts/regen-d-golden.js

import fs from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, goldenCases, goldenPaths, renderGolden } from '../test/d/golden-cases';

function main(): void {
  fs.mkdirSync(GOLDEN_DIR, { recursive: true });
  const keep = new Set<string>();
  let changed = 0;
  for (const c of goldenCases()) {
    const out = renderGolden(c);
    const paths = goldenPaths(c);
    for (const [file, text] of [[paths.bt, out.bt], [paths.json, out.json]] as const) {
      keep.add(path.basename(file));
      const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      if (old !== text) {
        fs.writeFileSync(file, text);
        changed++;
        process.stdout.write(`${old === null ? 'new' : 'changed'}: ${path.relative(process.cwd(), file)}\n`);
      }
    }
  }
  for (const f of fs.readdirSync(GOLDEN_DIR)) {
    if (!keep.has(f)) {
      fs.unlinkSync(path.join(GOLDEN_DIR, f));
      process.stdout.write(`removed: ${f}\n`);
    }
  }
  process.stdout.write(`${changed} file(s) written\n`);
}

main();
