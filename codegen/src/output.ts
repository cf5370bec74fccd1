/** Writing generated files, and checking that the committed ones are current. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type GeneratedFile, isGenerated } from './generated-file.ts';

/** Paths whose committed content differs from what the schema generates. */
export function staleFiles(root: string, files: readonly GeneratedFile[]): string[] {
  return files
    .filter((f) => {
      const path = join(root, f.path);
      return !existsSync(path) || readFileSync(path, 'utf8') !== f.content;
    })
    .map((f) => f.path);
}

/** Writes the files, refusing to overwrite one that lacks the generated mark (someone's own file). */
export function writeFiles(root: string, files: readonly GeneratedFile[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    const path = join(root, f.path);
    if (existsSync(path)) {
      const current = readFileSync(path, 'utf8');
      if (!isGenerated(current)) {
        throw new Error(`${f.path}: exists without a generated header; not overwriting it`);
      }
      if (current === f.content) continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    written.push(f.path);
  }
  return written;
}
