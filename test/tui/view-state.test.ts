import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_TABLE, actionForKey, helpLines } from '../../src/tui/keymap';
import { SATURATION_LEVELS } from '../../src/model/colour-scale';
import { initialViewState, reduce } from '../../src/tui/view-state';

const ctx = { newestSeq: 41, heatColumns: 100, latencyRows: 40, defaultAxisMode: 'log' as const };
const start = () => initialViewState({ colourScale: 'rank', palette: 'heat' });

test('pause freezes at the newest column and resume goes live again', () => {
  const paused = reduce(start(), 'pause', ctx);
  assert.equal(paused.pausedAtSeq, 41);
  assert.equal(reduce(paused, 'pause', { ...ctx, newestSeq: 50 }).pausedAtSeq, null);
});

test('zoom doubles and halves within bounds and auto-fit resets it', () => {
  let s = start();
  for (let i = 0; i < 20; i++) s = reduce(s, 'zoomIn', ctx);
  assert.equal(s.zoom, 64);
  s = reduce(s, 'autoFit', ctx);
  assert.equal(s.zoom, 1);
  for (let i = 0; i < 20; i++) s = reduce(s, 'zoomOut', ctx);
  assert.equal(s.zoom, 1 / 16);
});

test('colour scale and palette cycle through every choice and back', () => {
  let s = start();
  const scales = [s.colourScale];
  for (let i = 0; i < 4; i++) scales.push((s = reduce(s, 'cycleColourScale', ctx)).colourScale);
  assert.deepEqual(scales, ['rank', 'column', 'linear', 'log', 'rank']);
  const palettes = [s.palette];
  for (let i = 0; i < 3; i++) palettes.push((s = reduce(s, 'cyclePalette', ctx)).palette);
  assert.deepEqual(palettes, ['heat', 'viridis', 'grey', 'heat']);
});

test('saturation steps down and up and stops at the ends', () => {
  let s = start();
  assert.equal(s.saturationPct, 99);
  s = reduce(s, 'saturationUp', ctx);
  assert.equal(s.saturationPct, 99.5);
  for (let i = 0; i < 10; i++) s = reduce(s, 'saturationUp', ctx);
  assert.equal(s.saturationPct, 100);
  for (let i = 0; i < 10; i++) s = reduce(s, 'saturationDown', ctx);
  assert.equal(s.saturationPct, SATURATION_LEVELS[0]);
});

test('the cursor appears on first move and stays inside the heatmap', () => {
  let s = reduce(start(), 'cursorLeft', ctx);
  assert.deepEqual(s.cursor, { back: 0, row: 20 });
  for (let i = 0; i < 500; i++) s = reduce(s, 'cursorLeft', ctx);
  assert.equal(s.cursor?.back, 99);
  for (let i = 0; i < 500; i++) s = reduce(s, 'cursorRight', ctx);
  assert.equal(s.cursor?.back, 0);
  for (let i = 0; i < 500; i++) s = reduce(s, 'cursorUp', ctx);
  assert.equal(s.cursor?.row, 39);
  s = reduce(s, 'cursorOff', ctx);
  assert.equal(s.cursor, null);
});

test('escape closes help before it hides the cursor', () => {
  let s = reduce(reduce(start(), 'cursorLeft', ctx), 'toggleHelp', ctx);
  s = reduce(s, 'cursorOff', ctx);
  assert.equal(s.showHelp, false);
  assert.notEqual(s.cursor, null);
});

test('every key in the table maps to its action and the help lists every binding', () => {
  for (const b of KEY_TABLE) for (const k of b.keys) assert.equal(actionForKey(k), b.action);
  assert.equal(actionForKey('C-c'), 'quit');
  assert.equal(actionForKey('z'), undefined);
  assert.equal(helpLines().length, KEY_TABLE.length);
});
