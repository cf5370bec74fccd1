import { godotPath, importProject } from './godot.ts';
import { buildServer } from './server-build.ts';

/** Builds the server, provisions Godot and imports the demo project before any end-to-end test. */
export default function setup(): void {
  buildServer();
  godotPath();
  importProject('godot-demo');
}
