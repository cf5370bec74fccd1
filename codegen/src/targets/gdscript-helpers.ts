/** Every Handlebars helper the GDScript templates may use; compiled with knownHelpersOnly. */
import type { HelperDelegate } from 'handlebars';

export const GD_HELPERS: Record<string, HelperDelegate> = {
  /** A GDScript array body of quoted strings. */
  gdStringList: (items: readonly string[]) => items.map((s) => JSON.stringify(s)).join(', '),
  /** The zero value a stub returns for a GDScript type. */
  default_value: (type: string) => ({ String: '""', int: '0', float: '0.0', bool: 'false' } as Record<string, string>)[type] ?? 'null',
};
