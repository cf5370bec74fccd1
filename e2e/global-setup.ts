import { preparePlayers } from '../ci/harness/prepare.ts';

/** Builds the server, provisions Godot and imports the demo project before any end-to-end test. */
export default function setup(): void {
  preparePlayers();
}
