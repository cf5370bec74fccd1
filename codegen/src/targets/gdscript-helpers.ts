/** Every Handlebars helper the GDScript templates may use; compiled with knownHelpersOnly. */
import type { HelperDelegate } from 'handlebars';
import { gdConstant } from '../naming.ts';
import type { ConstantView, FieldView, MessageView } from '../view-model.ts';

/** A GDScript string literal. */
const quote = (s: string): string => JSON.stringify(s);

export const GD_HELPERS: Record<string, HelperDelegate> = {
  /** A GDScript array body of quoted strings. */
  gdStringList: (items: readonly string[]) => items.map(quote).join(', '),
  /** A quoted message code. */
  gdCode: (code: string) => quote(code),
  /** The GDScript type of a field's value in its message class. */
  gdFieldType: (f: FieldView) => (f.repeated ? 'PackedStringArray' : 'String'),
  /**
   * A field's descriptor row for the codec: [name, type], the type ending in `?` when optional
   * and `*` when repeated, then a literal's text or a word's values.
   */
  gdFieldRow: (f: FieldView) => {
    const blank = f.type === 'token' && f.minLength === 0;
    const type = `${blank ? 'blank_' : ''}${f.type}${f.optional ? '?' : ''}${f.repeated ? '*' : ''}`;
    const extra = f.literal !== null ? `, ${quote(f.literal)}` : f.type === 'word' ? `, [${f.values.map(quote).join(', ')}]` : '';
    return `[${quote(f.wireName)}, ${quote(type)}${extra}]`;
  },
  /** A message's record counts and size for the codec: fewest records, most records, most bytes. */
  gdLimits: (m: MessageView) => [m.minCount, m.maxCount, m.maxBytes].join(', '),
  /** A shared constant's GDScript declaration: a word, or a list of words. */
  gdConstantDecl: (c: ConstantView) =>
    (typeof c.value === 'string' ? `const ${c.gdName} := ${quote(c.value)}` : `const ${c.gdName}: Array[String] = [${c.value.map(quote).join(', ')}]`),
  /**
   * The failures the reasons of the schema's messages name, as a GDScript dictionary body
   * (reason → Failure value), for every field that has them.
   */
  gdReasonFailures: (messages: readonly MessageView[]) => {
    const pairs = new Map<string, string>();
    for (const f of messages.flatMap((m) => m.fields)) {
      for (const [reason, failure] of Object.entries(f.failures ?? {})) pairs.set(reason, `Failure.${gdConstant(failure)}`);
    }
    return [...pairs].map(([reason, failure]) => `${quote(reason)}: ${failure}`).join(', ');
  },
};
