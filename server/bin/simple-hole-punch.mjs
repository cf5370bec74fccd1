#!/usr/bin/env node
// The server command of the package: runs the bundle that `npm run build` (run by `npm pack`)
// writes, plain JavaScript with nothing to compile at start.
await import('../dist/main.mjs');
