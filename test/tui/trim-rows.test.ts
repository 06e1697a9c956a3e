import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heatmap } from '../../src/model/heatmap';
import { render, type RenderContext } from '../../src/tui/render';
import { initialViewState } from '../../src/tui/view-state';

test('trimming empty rows fills the heat area with the two modes and labels each with its bucket', () => {
  const model = new Heatmap(10);
  for (let i = 1; i <= 3; i++) {
    model.push({ t: i * 1000, lost: 0, aggregations: { lat: { kind: 'quantize', unit: 'ns', keys: { a: [{ lo: 1024, hi: 2048, count: 100 }, { lo: 1048576, hi: 2097152, count: 3 }] } } } });
  }
  const ctx: RenderContext = { cols: 80, rows: 24, depth: '256', title: 't', intervalMs: 1000, unit: null, message: null, messageIsError: false, lostTotal: 0 };
  const view = initialViewState({ colourScale: 'linear', palette: 'heat' });
  const column = (f: ReturnType<typeof render>) => Array.from({ length: f.heat.height }, (_, y) => f.heat.cells[y * f.heat.width + f.heat.width - 1]);
  const full = render(model, view, ctx);
  assert.ok(column(full).some((c) => c.ch === ' '), 'untrimmed, the gap between the modes is blank');
  const trimmed = render(model, { ...view, trimEmpty: true }, ctx);
  assert.ok(column(trimmed).every((c) => c.ch !== ' '), 'trimmed, every row has events');
  const labels = trimmed.text.filter((r) => r.x === 0 && r.y >= 1 && r.y <= trimmed.heat.height).map((r) => r.text.trim());
  assert.deepEqual([...new Set(labels)].sort(), ['1.02µs', '1.05ms'].sort());
});
