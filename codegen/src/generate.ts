/** Schema → view model → every target's files. Pure: writes nothing. */
import type { ProtocolSpec } from '../../schema/types.ts';
import type { GeneratedFile } from './generated-file.ts';
import { generateDocs } from './targets/docs.ts';
import { generateGdscript } from './targets/gdscript.ts';
import { generateTypeScript } from './targets/typescript.ts';
import { validateSchema } from './validate-schema.ts';
import { buildViewModel } from './view-model.ts';

export function generate(spec: ProtocolSpec, schemaPath = 'schema/protocol.ts'): GeneratedFile[] {
  validateSchema(spec);
  const model = buildViewModel(spec, schemaPath);
  const relayCodes = new Set(spec.messages.filter((m) => m.port === 'relay').map((m) => m.code));
  return [...generateTypeScript(model), ...generateGdscript(model), ...generateDocs(model, relayCodes)];
}
