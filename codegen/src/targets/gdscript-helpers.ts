/** Every Handlebars helper the GDScript templates may use; compiled with knownHelpersOnly. */
import type { HelperDelegate } from 'handlebars';
import type { FieldView } from '../view-model.ts';

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
    const type = `${f.type}${f.optional ? '?' : ''}${f.repeated ? '*' : ''}`;
    const extra = f.literal !== null ? `, ${quote(f.literal)}` : f.type === 'word' ? `, [${f.values.map(quote).join(', ')}]` : '';
    return `[${quote(f.wireName)}, ${quote(type)}${extra}]`;
  },
};
