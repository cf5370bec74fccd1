/**
 * The schema's shared constants are spelled once: hand-written code on either side uses the
 * generated names (NO_KEY, NAT_TYPES...), never a copy of the value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocol } from './spec-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');


function sources(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.split(/[\\/]/).includes('generated'))
    .map((f) => join(ROOT, dir, f));
}

/** The constant's value as hand-written code would spell it: a quoted word, or its words as a list. */
function spellings(value: string | readonly string[]): RegExp {
  const quoted = (w: string) => `["']${w}["']`;
  if (typeof value === 'string') return new RegExp(quoted(value));
  return new RegExp(value.map(quoted).join('\\s*,\\s*'));
}

describe('shared constants', () => {
  const files = [...sources('server/src', '.ts'), ...sources('godot-addon/addons', '.gd')];

  for (const constant of protocol.constants ?? []) {
    it(`${constant.name} is not copied by hand on either side`, () => {
      const pattern = spellings(constant.value);
      const copies = files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
      expect(copies).toEqual([]);
    });
  }

  it('a copy by hand is found (the check can fail)', () => {
    expect(spellings('cycycycycycy').test('export const NO_KEY = \'cycycycycycy\';')).toBe(true);
    expect(spellings(['open', 'unknown']).test('const WORDS := ["open", "unknown"]')).toBe(true);
  });
});
