/** Finding Godot (GODOT, a `godot` on PATH, or the provisioned cache) and importing projects. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
let cached: string | undefined;

/** The Godot 4 executable, provisioned on first use by ci/provision-godot.sh. */
export function godotPath(): string {
  cached ??= execFileSync('bash', [resolve(ROOT, 'ci/provision-godot.sh')], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return cached;
}

/** Builds a project's global class cache, which a fresh checkout lacks. */
export function importProject(project: string): void {
  execFileSync(godotPath(), ['--headless', '--path', resolve(ROOT, project), '--import'], {
    stdio: 'ignore', timeout: 180_000,
  });
}
