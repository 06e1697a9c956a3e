import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heatmapSvg } from '../../src/export/heatmap-svg';
import { Heatmap } from '../../src/model/heatmap';
import { ALL_KEYS } from '../../src/model/key-selection';

function model(): Heatmap {
  const m = new Heatmap(100);
  for (let i = 1; i <= 12; i++) {
    m.push({
      t: i * 1000,
      lost: 0,
      aggregations: {
        lat: {
          kind: 'quantize',
          unit: 'ns',
          keys: { read: [{ lo: 1024, hi: 2048, count: 10 * i }], 'a<b&"c"': [{ lo: 65536, hi: 131072, count: i % 3 }] },
        },
      },
    });
  }
  return m;
}

/** A small well-formedness check: every tag closes in order, attributes quoted, entities known. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    assert.equal(m.index, consumed, `markup error near ${JSON.stringify(body.slice(consumed, consumed + 40))}`);
    consumed = re.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!amp;|lt;|gt;|quot;)/, 'bare & in text');
      continue;
    }
    if (m[1]) assert.equal(stack.pop(), m[2], `</${m[2]}> closes the open element`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.equal(consumed, body.length, 'the whole document parsed');
  assert.deepEqual(stack, [], 'every element closed');
}

test('the SVG is well-formed XML with one tooltip rectangle per non-empty cell', () => {
  const m = model();
  const columns = m.window(11, 12);
  const svg = heatmapSvg(columns, { title: 'syscall latency', unit: 'ns', axisMode: 'log', keys: ALL_KEYS, intervalMs: 1000, startedMs: null, rows: 50 });
  assertWellFormed(svg);
  const cells = svg.match(/<rect [^>]*><title>/g) ?? [];
  // 12 columns of the fast bucket, plus the slow bucket where i % 3 != 0 (8 columns); each bucket one row.
  const expected = 12 + 8;
  assert.equal(cells.length, expected);
  assert.match(svg, /<title>time 5s\nrange 1.02µs – 2.05µs\ncount 50\n[\d.]+% of column<\/title>/);
  assert.match(svg, /<title>time 12s\nrange 1.02µs – 2.05µs\ncount 120\n100.0% of column<\/title>/);
});

test('the SVG labels its axes with units, names the title and draws a legend', () => {
  const m = model();
  const svg = heatmapSvg(m.window(11, 12), { title: 'syscall latency <demo>', unit: 'ns', axisMode: 'log', keys: { mode: 'only', keys: ['read'] }, intervalMs: 1000, startedMs: Date.UTC(2026, 0, 2, 3, 4, 5), sloNs: 1500 });
  assertWellFormed(svg);
  assert.match(svg, />syscall latency &lt;demo&gt;</);
  const yLabels = [...svg.matchAll(/class="ylabel">([^<]+)</g)].map((x) => x[1]);
  assert.ok(yLabels.length >= 5 && yLabels.every((l) => /^[\d.]+(ns|µs|ms|s)$/.test(l)), `y labels with units: ${yLabels}`);
  const xLabels = [...svg.matchAll(/class="xlabel">([^<]+)</g)].map((x) => x[1]);
  assert.equal(xLabels[0], '03:04:06');
  assert.match(svg, /time \(UTC\), 1000 ms per column/);
  assert.equal((svg.match(/class="legend"/g) ?? []).length, 10);
  assert.match(svg, /SLO 1.5µs/);
  // Only 'read' is drawn: the slow key's cells are gone.
  assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 12);
});
