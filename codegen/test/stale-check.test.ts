/** Generated files are committed; these tests fail when they no longer match the schema. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { staleFiles, writeFiles } from '../src/output.ts';
import { protocol } from './spec-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shp-codegen-'));
  dirs.push(dir);
  return dir;
}

function check(out: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'codegen/src/main.ts', '--check', '--out', out], { cwd: ROOT, encoding: 'utf8' });
}

describe('stale check', () => {
  it('the committed generated files are what the schema generates now', () => {
    expect(staleFiles(ROOT, generate(protocol))).toEqual([]);
  });

  it('`codegen --check` passes on a fresh generation and fails, naming the file, after a hand edit', () => {
    const out = tempDir();
    writeFiles(out, generate(protocol));
    expect(check(out).status).toBe(0);
    appendFileSync(join(out, 'server/src/generated/protocol.ts'), '// edited by hand\n');
    const result = check(out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('server/src/generated/protocol.ts');
  });

  it('never overwrites a file that lacks the generated header', () => {
    const out = tempDir();
    const files = generate(protocol);
    writeFiles(out, files);
    const mine = join(out, files[0]!.path);
    writeFileSync(mine, 'my own code\n');
    expect(() => writeFiles(out, files)).toThrow(/exists without a generated header/);
    expect(readFileSync(mine, 'utf8')).toBe('my own code\n');
  });
});
