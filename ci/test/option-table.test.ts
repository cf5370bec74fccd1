/** The README's option table is written from OPTIONS, and a stale one fails `npm test`. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, optionTable, README, withOptionTable } from '../option-table.ts';
import { OPTIONS } from '../../server/src/config-options.ts';

describe('the README\'s option table', () => {
  it('is current (`npm run docs` writes it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withOptionTable(readme), 'README.md\'s option table is stale: run `npm run docs`').toBe(readme);
  });

  it('has a row per option, and a table that lacks one is stale', () => {
    const table = optionTable();
    for (const flag of Object.keys(OPTIONS)) expect(table).toContain(`| \`--${flag}\` |`);
    const stale = `${BEGIN}\n${table.split('\n').slice(0, -1).join('\n')}\n${END}\n`;
    expect(withOptionTable(stale)).not.toBe(stale);
  });

  it('needs its markers', () => {
    expect(() => withOptionTable('# no table here\n')).toThrow(/no option table/);
  });
});
