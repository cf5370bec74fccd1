#!/usr/bin/env node
// `npm test`: every layer in turn (type check, vitest on this Node and on Node 24, headless Godot
// unit tests on GUT, end to end on loopback, the NAT lab when root), then one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'shp-test-'));
const layers = [];
const failures = [];

function run(command, args, options = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
  process.stdout.write(result.stdout ?? '');
  return result;
}

function record(name, passed, failed, note = '') {
  layers.push({ name, passed, failed, note });
}

/** A vitest run, counted from its JSON report; a run that reports nothing counts as one failure. */
function vitest(name, nodeArgs, configArgs) {
  const report = join(scratch, `${name.replace(/\W+/g, '-')}.json`);
  const result = run(nodeArgs[0], [...nodeArgs.slice(1), 'node_modules/vitest/vitest.mjs', 'run', ...configArgs,
    '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    record(name, json.numPassedTests, json.numFailedTests + (result.status === 0 || json.numFailedTests > 0 ? 0 : 1));
    // Named again beside the table, where a log cut to its end still shows them.
    for (const file of json.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        if (test.status === 'failed') failures.push(`${name}: ${relative(ROOT, file.name)} > ${test.fullName}`);
      }
    }
  } catch {
    record(name, 0, 1, `no report (exit ${result.status})`);
  }
}

/** A runner that ends with `N passed, N failed`. */
function counted(name, command, args, options) {
  const result = run(command, args, options);
  const match = [...(result.stdout ?? '').matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  if (!match) return record(name, 0, 1, `no result line (exit ${result.status})`);
  const failed = Number(match[2]) + (result.status === 0 || Number(match[2]) > 0 ? 0 : 1);
  const skipped = /^skipped: (.*)$/m.exec(result.stdout ?? '');
  for (const line of (result.stdout ?? '').matchAll(/^\s*FAIL (.*)$/gm)) failures.push(`${name}: ${line[1]}`);
  record(name, Number(match[1]), failed, skipped ? `skipped: ${skipped[1]}` : '');
}

const check = run(process.execPath, ['--import', 'tsx', 'codegen/src/main.ts', '--check']);
record('generated files current', check.status === 0 ? 1 : 0, check.status === 0 ? 0 : 1);
const tsc = run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
record('type check', tsc.status === 0 ? 1 : 0, tsc.status === 0 ? 0 : 1);
const eslint = run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
record('lint (TypeScript)', eslint.status === 0 ? 1 : 0, eslint.status === 0 ? 0 : 1);

vitest(`vitest (Node ${process.versions.node})`, [process.execPath], []);
if (process.env.SHP_SKIP_NODE24 === '1') {
  record('vitest (Node 24)', 0, 0, 'skipped: SHP_SKIP_NODE24=1');
} else {
  vitest('vitest (Node 24)', ['npx', '-y', '-p', 'node@24', 'node'], []);
}

const godot = run('bash', ['ci/provision-godot.sh']);
if (godot.status !== 0) {
  record('Godot unit', 0, 1, 'Godot could not be provisioned');
} else {
  const bin = godot.stdout.trim().split('\n').pop();
  // GUT is copied into the test project before its import, which registers GUT's classes.
  const gut = run('bash', ['ci/provision-gut.sh', 'godot-addon']);
  for (const project of ['godot-addon', 'godot-demo']) {
    run(bin, ['--headless', '--path', project, '--import'], { stdio: ['ignore', 'ignore', 'ignore'] });
    // The warnings these projects raise are errors (their project.godot lists them): loading each script is the lint.
    counted(`lint (GDScript, ${project})`, bin, ['--headless', '--path', project, '-s', join(ROOT, 'ci/gdscript-lint.gd')]);
  }
  // GUT's run ends with `N passed, N failed` from test/gut_post_run.gd, where a test that asserted nothing fails.
  if (gut.status !== 0) record('Godot unit (GUT)', 0, 1, 'GUT could not be provisioned');
  else counted('Godot unit (GUT)', bin, ['--headless', '--path', 'godot-addon', '-s', 'addons/gut/gut_cmdln.gd']);
  vitest('end to end (loopback)', [process.execPath], ['--config', 'vitest.e2e.config.ts']);
  if (existsSync(join(ROOT, 'ci/natlab/run.ts'))) {
    counted('NAT lab', process.execPath, ['--import', 'tsx', 'ci/natlab/run.ts'], { env: { ...process.env, GODOT: bin } });
  }
}

rmSync(scratch, { recursive: true, force: true });
if (failures.length > 0) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
console.log('\nlayer                              passed failed');
for (const l of layers) console.log(`${l.name.padEnd(34)} ${String(l.passed).padStart(6)} ${String(l.failed).padStart(6)} ${l.note}`);
const passed = layers.reduce((n, l) => n + l.passed, 0);
const failed = layers.reduce((n, l) => n + l.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
