#!/usr/bin/env node
// Runs the rendezvous server from its TypeScript sources (through tsx), so `npx simple-hole-punch`
// works from the package with nothing to build.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
