import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heatmap } from '../../src/model/heatmap';
import { render, type RenderContext } from '../../src/tui/render';
import { initialViewState, reduce } from '../../src/tui/view-state';

const ctx = { newestSeq: 0, heatColumns: 70, latencyRows: 40, defaultAxisMode: 'log' as const };

test('the l key cycles through % of column after rank and back to linear', () => {
  let v = initialViewState({ colourScale: 'linear', palette: 'heat' });
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    v = reduce(v, 'cycleColourScale', ctx);
    seen.push(v.colourScale);
  }
  assert.deepEqual(seen, ['log', 'rank', 'column', 'linear']);
});

test('in % of column mode a quiet column’s only bucket is as bright as a busy one’s', () => {
  const model = new Heatmap(10);
  model.push({ t: 1000, lost: 0, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: { a: [{ lo: 1024, hi: 2048, count: 1000 }] } } } });
  model.push({ t: 2000, lost: 0, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: { a: [{ lo: 1024, hi: 2048, count: 2 }] } } } });
  const rc: RenderContext = { cols: 80, rows: 24, depth: '256', title: 't', intervalMs: 1000, unit: null, message: null, messageIsError: false, lostTotal: 0 };
  const colourOf = (scale: 'linear' | 'column') => {
    const f = render(model, { ...initialViewState({ colourScale: scale, palette: 'heat' }) }, rc);
    const { width, height, cells } = f.heat;
    const col = (x: number) => cells.filter((_, i) => i % width === x).find((c) => c.ch !== ' ');
    return [col(width - 2), col(width - 1)].map((c) => (c ? `${c.fg}/${c.bg}` : 'blank')) as [string, string];
  };
  const [busyLin, quietLin] = colourOf('linear');
  assert.notEqual(busyLin, quietLin);
  const [busy, quiet] = colourOf('column');
  assert.equal(busy, quiet);
  const legend = render(model, initialViewState({ colourScale: 'column', palette: 'heat' }), rc).text.map((r) => r.text).join('');
  assert.match(legend, /% of column/);
  assert.match(legend, /≤100%/);
});
