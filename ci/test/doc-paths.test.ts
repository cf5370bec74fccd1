/**
 * Every file or folder the docs name exists: each path in backticks in README.md, docs/*.md and
 * the addon's README, and each link's target. A path resolves from the repository's root, from
 * the document's folder, or, for a file named on its own or by its last folders
 * (`hole_punch_peer.gd`, `src/view-model.ts`), as the end of some file's path in the tree.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ADDON_README = 'godot-addon/addons/simple_hole_punch/README.md';
/** Written by the build or by a command the docs name, never committed. */
const BUILT = ['dist/', 'server/dist/'];
const SKIPPED = new Set(['node_modules', '.git', '.godot', 'dist']);
const EXTENSIONS = /\.(ts|mjs|js|gd|md|json|png|svg|sh|py|cfg|godot|tscn|service)$/;

export function documents(): string[] {
  const docs = readdirSync(resolve(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.md', ...docs, ADDON_README];
}

function tree(dir = ROOT, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    found.push(`${relative(ROOT, path)}${entry.isDirectory() ? '/' : ''}`);
    if (entry.isDirectory()) tree(path, found);
  }
  return found;
}

/** What in [text] names a path: backticked words that look like one, and link targets. */
export function namedPaths(text: string): string[] {
  const named = new Set<string>();
  for (const [, quoted] of text.matchAll(/`([^`]+)`/g)) {
    const words = quoted!.split(/\s+/);
    for (const word of words) {
      if (!/^[\w.@-][\w./@-]*$/.test(word) || word.includes('://') || /^\d/.test(word)) continue;
      // A command's words name a path only with a file's extension; a lone word also as a folder.
      if ((words.length === 1 && word.includes('/')) || EXTENSIONS.test(word)) named.add(word);
    }
  }
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^[a-z]+:/.test(target!) && !target!.startsWith('#')) named.add(target!.replace(/#.*$/, ''));
  }
  return [...named];
}

/** The paths [doc] names that exist nowhere. */
export function missingPaths(doc: string, text: string, files: readonly string[]): string[] {
  return namedPaths(text).filter((path) => {
    if (BUILT.some((b) => path.startsWith(b))) return false;
    if (existsSync(resolve(ROOT, path)) || existsSync(resolve(ROOT, dirname(doc), path))) return false;
    const tail = path.replace(/^\.\//, '');
    return !files.some((f) => f === tail || f.endsWith(`/${tail}`));
  });
}

describe('the docs', () => {
  const files = tree();

  it.each(documents())('%s names only paths that exist', (doc) => {
    expect(missingPaths(doc, readFileSync(resolve(ROOT, doc), 'utf8'), files)).toEqual([]);
  });

  it('catch a path that does not exist, and one that does not match a file\'s end', () => {
    const text = 'See `server/src/made-up.ts`, `hole_punch_peer.gd`, [this](no-such-page.md), `nope/config.ts`, `ci/` and `node --import tsx ci/natlab/runs.ts 6a`.';
    expect(missingPaths('docs/x.md', text, files)).toEqual(['server/src/made-up.ts', 'nope/config.ts', 'ci/natlab/runs.ts', 'no-such-page.md']);
  });
});
