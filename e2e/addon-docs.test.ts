/**
 * Godot's own help for the addon, as the editor shows it: HolePunch's page and its generated base's
 * (HolePunchBase, which it inherits) document every signal, method and setting the schema declares,
 * HolePunch is the only node a game can add (the base is abstract), and no page links to a class the
 * help does not have (the addon's internal scripts are not classes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { protocol } from '../schema/protocol.ts';
import { godotPath, importProject, ROOT } from '../ci/harness/godot.ts';

const docs = mkdtempSync(join(tmpdir(), 'shp-docs-'));
afterAll(() => rmSync(docs, { recursive: true, force: true }));

function classReference(): Map<string, string> {
  importProject('godot-addon');
  execFileSync(godotPath(), ['--headless', '--path', resolve(ROOT, 'godot-addon'), '--doctool', docs, '--gdscript-docs', 'res://addons/simple_hole_punch'], {
    stdio: 'ignore', timeout: 120_000,
  });
  return new Map(readdirSync(docs).map((file) => [file, readFileSync(join(docs, file), 'utf8')]));
}

/** A global class as the editor knows it, from the cache the import writes. */
function globalClass(name: string): { base: string; abstract: boolean } | undefined {
  const cache = readFileSync(resolve(ROOT, 'godot-addon/.godot/global_script_class_cache.cfg'), 'utf8');
  const entry = cache.split('}, {').find((e) => e.includes(`"class": &"${name}"`));
  if (entry === undefined) return undefined;
  return { base: /"base": &"(\w+)"/.exec(entry)?.[1] ?? '', abstract: /"is_abstract": true/.test(entry) };
}

describe('the addon in Godot\'s help', () => {
  const pages = classReference();
  const page = pages.get('HolePunch.xml') ?? '';
  const base = pages.get('HolePunchBase.xml') ?? '';
  const named = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag} name="(\\w+)"`, 'g'))].map((m) => m[1]);

  it('documents every signal, method and setting of the schema on HolePunch\'s page or its base\'s, which it inherits', () => {
    // The doctool names a script's native base when it documents a class before its base class; the
    // editor's class tree (the Add Node dialog, the help's "Inherits") reads the global class cache.
    expect(globalClass('HolePunch')).toMatchObject({ base: 'HolePunchBase', abstract: false });
    expect(page).toMatch(/<class name="HolePunch" inherits="(HolePunchBase|Node)"/);
    expect(base).toMatch(/<class name="HolePunchBase" inherits="Node"/);
    const both = (tag: string) => [...named(base, tag), ...named(page, tag)];
    expect(both('signal')).toEqual(protocol.signals.map((s) => s.name));
    expect(both('method')).toEqual(expect.arrayContaining(protocol.api.map((a) => a.name)));
    expect(both('member')).toEqual(expect.arrayContaining(protocol.node.settings.flatMap((g) => g.settings.map((s) => s.name))));
    // Each setting is documented once, on the base: HolePunch's own members are read-only state.
    expect(named(base, 'member')).toEqual(protocol.node.settings.flatMap((g) => g.settings.map((s) => s.name)));
  });

  it('adds one node a game can add: the base is abstract, and no other class of the addon is a Node', () => {
    expect(globalClass('HolePunchBase')).toMatchObject({ base: 'Node', abstract: true });
    const nodes = [...pages.entries()].filter(([file, xml]) => !['HolePunch.xml', 'HolePunchBase.xml'].includes(file) && /^[A-Z]/.test(file) && /inherits="(Node|HolePunch\w*)"/.test(xml));
    expect(nodes.map(([file]) => file)).toEqual([]);
  });

  it('links only to classes that have a page: internal scripts are named by file', () => {
    const broken = [...pages.entries()].flatMap(([file, xml]) =>
      [...xml.matchAll(/\[(?:(?:constant|enum|member|method|signal) )?(HolePunch\w*)[\].]/g)]
        .filter((m) => !pages.has(`${m[1]}.xml`))
        .map((m) => `${file}: ${m[0]}`));
    expect(broken).toEqual([]);
  });
});
