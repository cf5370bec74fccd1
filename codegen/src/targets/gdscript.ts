/** GDScript target: the protocol's tables and typed messages, and the HolePunch node's base class (Handlebars). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { GeneratedFile } from '../generated-file.ts';
import type { ViewModel } from '../view-model.ts';
import { GD_HELPERS } from './gdscript-helpers.ts';

export const GD_OUTPUT_DIR = 'godot-addon/addons/simple_hole_punch/generated';
const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates', 'gdscript');
const ENTRY_TEMPLATES = ['protocol.gd', 'hole_punch_base.gd', 'hole_punch_dispatch.gd', 'hole_punch_settings.gd'];

export function generateGdscript(model: ViewModel): GeneratedFile[] {
  const hb = Handlebars.create();
  for (const [name, helper] of Object.entries(GD_HELPERS)) hb.registerHelper(name, helper);
  registerPartials(hb, join(TEMPLATES, 'partials'), false);
  // Inline partials sit inside a line of their caller, so they lose their final newline.
  registerPartials(hb, join(TEMPLATES, 'partials', 'inline'), true);
  const knownHelpers = Object.fromEntries(Object.keys(GD_HELPERS).map((k) => [k, true]));
  return ENTRY_TEMPLATES.map((name) => {
    const source = readFileSync(join(TEMPLATES, `${name}.hbs`), 'utf8');
    const render = hb.compile(source, { strict: true, noEscape: true, knownHelpersOnly: true, knownHelpers });
    return { path: `${GD_OUTPUT_DIR}/${name}`, content: normalizeWhitespace(render(model)) };
  });
}

function registerPartials(hb: typeof Handlebars, dir: string, inline: boolean): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const text = readFileSync(join(dir, entry.name), 'utf8');
    hb.registerPartial(entry.name.replace(/\.hbs$/, ''), inline ? text.replace(/\n$/, '') : text);
  }
}

/** No trailing spaces, at most two blank lines in a row, exactly one final newline. */
export function normalizeWhitespace(text: string): string {
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{4,}/g, '\n\n\n').trimEnd()}\n`;
}
