/**
 * `npm run package`: the Godot Asset Library archive. It holds the addon folder alone
 * (`addons/simple_hole_punch/...`), and is named by the version, which plugin.cfg and
 * package.json must agree on. Prints the archive's path.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';

const ROOT = resolve(import.meta.dirname, '..');
export const ADDON_DIR = join(ROOT, 'godot-addon', 'addons', 'simple_hole_punch');
const OUT_DIR = join(ROOT, 'dist');

/** The addon's version; throws when plugin.cfg and package.json disagree. */
export function addonVersion(): string {
  const pkg = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const cfg = /^version="([^"]*)"$/m.exec(readFileSync(join(ADDON_DIR, 'plugin.cfg'), 'utf8'))?.[1];
  if (cfg !== pkg) throw new Error(`plugin.cfg version "${cfg ?? '(none)'}" differs from package.json version "${pkg}"`);
  return pkg;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Writes the archive; returns its path and the paths inside it. */
export function packageAddon(outDir = OUT_DIR): { path: string; entries: string[] } {
  const version = addonVersion();
  const archive: Record<string, Uint8Array> = {};
  for (const file of filesUnder(ADDON_DIR).sort()) {
    archive[`addons/simple_hole_punch/${relative(ADDON_DIR, file).split('\\').join('/')}`] = readFileSync(file);
  }
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `simple-hole-punch-addon-${version}.zip`);
  // A fixed date keeps the archive byte-stable for the same files.
  writeFileSync(path, zipSync(archive, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
  return { path, entries: Object.keys(archive) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(packageAddon().path);
  } catch (error) {
    console.error(`package: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
