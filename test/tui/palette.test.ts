//! Tests for palettes: ramp lengths and order, 256/16-colour mapping, depth detection, glyphs.

import test from 'node:test';
import assert from 'node:assert/strict';
import { PALETTES } from '../../src/config';
import {
  ANSI16_RGB,
  COLOUR_DEPTHS,
  GLYPH_RAMP,
  STEPS_FOR_DEPTH,
  detectColourDepth,
  glyphFor,
  rampColours,
  rampForDepth,
  rgbToHex,
  stepsFor,
  toAnsi16,
  toXterm256,
  xterm256Rgb,
  type RGB,
} from '../../src/tui/palette';

/** WCAG relative luminance: how bright a colour looks, for checking ramps rise. */
function luminance([r, g, b]: RGB): number {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

test('ramps have one colour per step, each a valid RGB', () => {
  for (const palette of PALETTES) {
    for (const steps of [1, 2, 4, 6, 16, 64]) {
      const ramp = rampColours(palette, steps);
      assert.equal(ramp.length, steps);
      for (const c of ramp) {
        assert.equal(c.length, 3);
        for (const v of c) assert.ok(Number.isInteger(v) && v >= 0 && v <= 255);
      }
    }
  }
});

test('every palette gets brighter with each step and never starts at the black background', () => {
  for (const palette of PALETTES) {
    const ramp = rampColours(palette, 16);
    for (let i = 1; i < ramp.length; i++) assert.ok(luminance(ramp[i]) > luminance(ramp[i - 1]), `${palette} step ${i + 1}`);
    assert.ok(luminance(ramp[0]) > 0.005, `${palette} step 1 is too dark to see`);
  }
});

test('the heat ramp runs from dark red to near white', () => {
  const ramp = rampColours('heat', 16);
  const [r, g, b] = ramp[0];
  assert.ok(r > 60 && g === 0 && b === 0);
  assert.ok(ramp[15].every((c) => c >= 240));
  assert.deepEqual(rampColours('heat', 1), [ramp[15]], 'a one-step ramp is its brightest colour');
});

test('pure colours map to their xterm-256 indexes', () => {
  assert.equal(toXterm256([255, 0, 0]), 196);
  assert.equal(toXterm256([0, 255, 0]), 46);
  assert.equal(toXterm256([0, 0, 255]), 21);
  assert.equal(toXterm256([255, 255, 255]), 231);
  assert.equal(toXterm256([0, 0, 0]), 16);
  assert.equal(toXterm256([128, 128, 128]), 244);
  assert.equal(toXterm256([95, 135, 175]), 67);
  assert.equal(toXterm256([8, 8, 8]), 232);
});

test('every xterm-256 colour from 16 up maps back to itself', () => {
  for (let i = 16; i < 256; i++) {
    const back = toXterm256(xterm256Rgb(i));
    assert.deepEqual(xterm256Rgb(back), xterm256Rgb(i), `index ${i} came back as ${back}`);
  }
});

test('pure colours map to their ANSI-16 indexes', () => {
  assert.equal(toAnsi16([0, 0, 0]), 0);
  assert.equal(toAnsi16([255, 0, 0]), 9);
  assert.equal(toAnsi16([200, 0, 0]), 1);
  assert.equal(toAnsi16([0, 255, 0]), 10);
  assert.equal(toAnsi16([255, 255, 0]), 11);
  assert.equal(toAnsi16([255, 255, 255]), 15);
  assert.equal(toAnsi16([128, 128, 128]), 8);
  ANSI16_RGB.forEach((rgb, i) => assert.equal(toAnsi16(rgb), i));
});

test('depth ramps keep their steps apart: ANSI colours brighten and are never black, 256 colours brighten with every step', () => {
  for (const palette of PALETTES) {
    const ansi = rampForDepth(palette, '16').map(toAnsi16);
    assert.equal(ansi.length, STEPS_FOR_DEPTH['16']);
    assert.ok(!ansi.includes(0), `${palette} has a black step in 16 colours`);
    for (let i = 1; i < ansi.length; i++) assert.ok(luminance(ANSI16_RGB[ansi[i]]) >= luminance(ANSI16_RGB[ansi[i - 1]]), `${palette}: ${ansi}`);
    for (const steps of [2, 5, 8, 12, 16, 24]) {
      const xterm = rampForDepth(palette, '256', steps).map(toXterm256);
      for (let i = 1; i < xterm.length; i++) {
        assert.ok(luminance(xterm256Rgb(xterm[i])) > luminance(xterm256Rgb(xterm[i - 1])), `${palette}, ${steps} steps: ${xterm}`);
      }
    }
  }
  assert.equal(new Set(rampForDepth('heat', '16').map(toAnsi16)).size, STEPS_FOR_DEPTH['16']);
  assert.equal(new Set(rampForDepth('viridis', '16').map(toAnsi16)).size, STEPS_FOR_DEPTH['16']);
  assert.deepEqual(rampForDepth('grey', '16', 6).map(toAnsi16), [8, 8, 7, 7, 15, 15]);
  assert.deepEqual(rampForDepth('grey', 'none'), []);
  assert.deepEqual(rampForDepth('viridis', 'truecolor'), rampColours('viridis', 16));
});

test('every step of every palette has a colour of its own at every colour depth', () => {
  for (const depth of COLOUR_DEPTHS) {
    for (const palette of PALETTES) {
      const steps = stepsFor(depth, palette);
      assert.ok(steps >= 3, `${palette} at ${depth}: only ${steps} steps`);
      // What the terminal shows for each step: the escape's colour index, or the glyph.
      const shown =
        depth === 'none'
          ? Array.from({ length: steps }, (_, i) => glyphFor(i + 1, steps))
          : rampForDepth(palette, depth, steps).map((c) => (depth === '16' ? toAnsi16(c) : depth === '256' ? toXterm256(c) : rgbToHex(c)));
      assert.equal(shown.length, steps);
      assert.equal(new Set(shown).size, steps, `${palette} at ${depth}: ${shown.join(' ')}`);
      if (!(depth === '16' && palette === 'grey')) assert.equal(steps, STEPS_FOR_DEPTH[depth], `${palette} at ${depth} draws every step of its depth`);
    }
  }
  assert.equal(stepsFor('16', 'grey'), 3, 'three greys above black in 16 colours');
});

test('NO_COLOR turns colour off whatever else the environment says, unless it is empty', () => {
  assert.equal(detectColourDepth({ NO_COLOR: '1', COLORTERM: 'truecolor', TERM: 'xterm-256color' }), 'none');
  assert.equal(detectColourDepth({ NO_COLOR: 'yes please', TERM: 'xterm' }, 256), 'none');
  assert.equal(detectColourDepth({ NO_COLOR: '', TERM: 'xterm-256color' }), '256');
});

test('the colour depth follows COLORTERM, TERM and terminfo in that order', () => {
  assert.equal(detectColourDepth({ COLORTERM: 'truecolor', TERM: 'xterm' }), 'truecolor');
  assert.equal(detectColourDepth({ COLORTERM: '24bit' }), 'truecolor');
  assert.equal(detectColourDepth({ TERM: 'xterm-256color' }), '256');
  assert.equal(detectColourDepth({ TERM: 'tmux-256color' }), '256');
  assert.equal(detectColourDepth({ TERM: 'xterm' }), '16');
  assert.equal(detectColourDepth({ TERM: 'xterm' }, 256), '256');
  assert.equal(detectColourDepth({ TERM: 'xterm-direct' }, 2 ** 24), 'truecolor');
  assert.equal(detectColourDepth({ TERM: 'xterm-256color' }, 8), '256', 'terminfo never lowers the depth');
  assert.equal(detectColourDepth({ TERM: 'dumb' }), 'none');
  assert.equal(detectColourDepth({}), '16');
});

test('glyphs: blank for the background, then the four shades spread over the steps', () => {
  assert.equal(GLYPH_RAMP, ' ░▒▓█');
  assert.equal(glyphFor(0, 4), ' ');
  assert.deepEqual([1, 2, 3, 4].map((s) => glyphFor(s, 4)), ['░', '▒', '▓', '█']);
  assert.deepEqual(Array.from({ length: 16 }, (_, i) => glyphFor(i + 1, 16)).join(''), '░░░░▒▒▒▒▓▓▓▓████');
  assert.equal(glyphFor(1, 1), '█');
  assert.equal(STEPS_FOR_DEPTH.none, GLYPH_RAMP.length - 1);
});

test('steps per depth: 16 with 256 colours or more, 5 with 16 colours, 4 glyphs', () => {
  assert.deepEqual({ ...STEPS_FOR_DEPTH }, { truecolor: 16, '256': 16, '16': 5, none: 4 });
});

test('rgbToHex writes two lower-case hex digits per channel', () => {
  assert.equal(rgbToHex([255, 0, 16]), '#ff0010');
  assert.equal(rgbToHex([0, 0, 0]), '#000000');
});
