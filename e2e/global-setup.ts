import { godotPath, importProject } from './godot.ts';

/** Provisions Godot once and imports the demo project before any end-to-end test. */
export default function setup(): void {
  godotPath();
  importProject('godot-demo');
}
