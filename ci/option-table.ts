/**
 * The README's table of server options, written from OPTIONS (server/src/config-options.ts)
 * between its two markers: `npm run docs` writes it; `npm run docs -- --check` (and
 * server/test/option-table.test.ts, part of `npm test`) fails when the README's table is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPTIONS } from '../server/src/config-options.ts';
import { envOf, FLAGS, shownDefault } from '../server/src/config.ts';

export const README = resolve(import.meta.dirname, '..', 'README.md');
export const BEGIN = '<!-- option table: written by `npm run docs` from server/src/config-options.ts -->';
export const END = '<!-- end of option table -->';

const cell = (text: string) => text.replaceAll('|', '\\|');

/** One row per option: flag, environment variable, default (as --help shows it), what it does. */
export function optionTable(): string {
  const rows = FLAGS.map((flag) => `| \`--${flag}\` | \`${envOf(flag)}\` | ${cell(shownDefault(flag))} | ${cell(OPTIONS[flag].help)} |`);
  return ['| option | environment | default | what |', '|---|---|---|---|', ...rows].join('\n');
}

/** [readme] with its option table current; throws when a marker is missing. */
export function withOptionTable(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md: no option table between \`${BEGIN}\` and \`${END}\``);
  return `${readme.slice(0, begin + BEGIN.length)}\n${optionTable()}\n${readme.slice(end)}`;
}

function main(): number {
  const readme = readFileSync(README, 'utf8');
  const current = withOptionTable(readme);
  if (process.argv.includes('--check')) {
    if (current === readme) return 0;
    console.error('README.md: the option table is stale (run `npm run docs`)');
    return 1;
  }
  if (current !== readme) writeFileSync(README, current);
  console.log(current === readme ? 'README.md: the option table is current' : 'README.md: option table written');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
