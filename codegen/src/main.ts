/**
 * `npm run codegen` regenerates the server's and the addon's protocol code from the schema.
 * `npm run codegen -- --check` writes nothing and fails when the committed files are stale.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { ProtocolSpec } from '../../schema/types.ts';
import { generate } from './generate.ts';
import { staleFiles, writeFiles } from './output.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      schema: { type: 'string', default: 'schema/protocol.ts' },
      out: { type: 'string', default: ROOT },
    },
  });
  const schemaPath = values.schema;
  const module = (await import(pathToFileURL(resolve(ROOT, schemaPath)).href)) as { protocol?: ProtocolSpec };
  if (!module.protocol) throw new Error(`${schemaPath}: exports no \`protocol\``);
  const files = generate(module.protocol, schemaPath);
  if (values.check) {
    const stale = staleFiles(values.out, files);
    if (stale.length > 0) {
      console.error(`generated files are stale (run \`npm run codegen\`):\n  ${stale.join('\n  ')}`);
      return 1;
    }
    console.log(`codegen: ${files.length} generated files are current`);
    return 0;
  }
  const written = writeFiles(values.out, files);
  console.log(`codegen: ${written.length} of ${files.length} files written${written.length ? `:\n  ${written.join('\n  ')}` : ''}`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
