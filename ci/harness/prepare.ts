/**
 * What a fresh checkout needs before the tests, the lab or a benchmark can run: the server bundle
 * built, and for Godot players, Godot provisioned and the demo project imported (a project that
 * was never imported has no class cache, and `HolePunch` does not resolve). Every entry point
 * calls one of these; each step runs once per process.
 */
import { godotPath, importProject } from './godot.ts';
import { buildServer } from './server-build.ts';

let serverReady = false;
let playersReady = false;

/** The server bundle, built from the current sources. */
export function prepareServer(): void {
  if (serverReady) return;
  buildServer();
  serverReady = true;
}

/** The server bundle, Godot and the demo project, ready for headless players. */
export function preparePlayers(): void {
  prepareServer();
  if (playersReady) return;
  godotPath();
  importProject('godot-demo');
  playersReady = true;
}
