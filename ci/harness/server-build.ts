/** Tests run the server as users do: the bundle `npm run build` writes. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from './godot.ts';

export const SERVER_BUNDLE = resolve(ROOT, 'server/dist/main.mjs');

export function buildServer(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
