/** Every Handlebars helper the GDScript templates may use; compiled with knownHelpersOnly. */
import type { HelperDelegate } from 'handlebars';
import type { FieldView, MessageView, ViewModel } from '../view-model.ts';

/** A GDScript string literal. */
const quote = (s: string): string => JSON.stringify(s);

export const GD_HELPERS: Record<string, HelperDelegate> = {
  /** A GDScript array body of quoted strings. */
  gdStringList: (items: readonly string[]) => items.map(quote).join(', '),
  /** A quoted message code. */
  gdCode: (code: string) => quote(code),
  /** The zero value a stub returns for a GDScript type. */
  default_value: (type: string) => ({
    String: '""', int: '0', float: '0.0', bool: 'false', Dictionary: '{}', Array: '[]', Error: 'ERR_UNAVAILABLE', Failure: '0 as Failure',
    'HolePunchNat.NatType': 'HolePunchNat.NatType.UNKNOWN',
  } as Record<string, string>)[type] ?? 'null',
  /** The GDScript type of a field's value in its message class. */
  gdFieldType: (f: FieldView) => (f.repeated ? 'PackedStringArray' : 'String'),
  /**
   * A field's descriptor row for the codec: [name, type], the type ending in `?` when optional
   * and `*` when repeated, then a literal's text or a word's values.
   */
  gdFieldRow: (f: FieldView) => {
    const blank = f.type === 'token' && (f as { minLength?: number }).minLength === 0;
    const type = `${blank ? 'blank_' : ''}${f.type}${f.optional ? '?' : ''}${f.repeated ? '*' : ''}`;
    const extra = f.literal !== null ? `, ${quote(f.literal)}` : f.type === 'word' ? `, [${f.values.map(quote).join(', ')}]` : '';
    return `[${quote(f.wireName)}, ${quote(type)}${extra}]`;
  },
  /** A message's record counts and size for the codec: fewest records, most records, most bytes. */
  gdLimits: (m: MessageView, limits: ViewModel['limits']) => {
    const shape = m as { minCount?: number; maxCount?: number; maxBytes?: number };
    const counts = m.repeated ? [shape.minCount ?? 1, shape.maxCount ?? limits.maxNames] : [0, 0];
    return [...counts, shape.maxBytes ?? limits.maxDatagramBytes].join(', ');
  },
};
