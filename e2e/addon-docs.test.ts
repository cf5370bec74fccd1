/**
 * Godot's own help for the addon, as the editor shows it: HolePunch's page documents every signal,
 * method and setting the schema declares, HolePunch is the only node the addon adds, and no page
 * links to a class the help does not have (the addon's internal scripts are not classes).
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

describe('the addon in Godot\'s help', () => {
  const pages = classReference();
  const page = pages.get('HolePunch.xml') ?? '';

  it('documents every signal, method and setting of the schema on HolePunch\'s own page', () => {
    const named = (tag: string) => [...page.matchAll(new RegExp(`<${tag} name="(\\w+)"`, 'g'))].map((m) => m[1]);
    expect(named('signal')).toEqual(protocol.signals.map((s) => s.name));
    expect(named('method')).toEqual(expect.arrayContaining(protocol.api.map((a) => a.name)));
    expect(named('member')).toEqual(protocol.node.settings.flatMap((g) => g.settings.map((s) => s.name)));
    expect(page).toMatch(/<class name="HolePunch" inherits="Node"/);
  });

  it('adds one node to the Add Node dialog: no other class of the addon is a Node', () => {
    const nodes = [...pages.entries()].filter(([file, xml]) => file !== 'HolePunch.xml' && /^[A-Z]/.test(file) && /inherits="Node"/.test(xml));
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
