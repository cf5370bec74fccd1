/** Identifier naming per target. Templates never decide names; this module does. */

const TS_RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in',
  'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await', 'code',
]);

const GD_RESERVED = new Set([
  'if', 'elif', 'else', 'for', 'while', 'match', 'break', 'continue', 'pass', 'return', 'class',
  'class_name', 'extends', 'is', 'in', 'as', 'self', 'signal', 'func', 'static', 'const', 'enum',
  'var', 'breakpoint', 'preload', 'await', 'yield', 'assert', 'void', 'PI', 'TAU', 'INF', 'NAN',
  'true', 'false', 'null', 'not', 'and', 'or', 'super',
]);

export function isSnakeCase(name: string): boolean {
  return /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name);
}

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function pascalCase(snake: string): string {
  const camel = camelCase(snake);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** A TypeScript property or parameter name; reserved words get a trailing `_`. */
export function tsIdentifier(snake: string): string {
  const id = camelCase(snake);
  return TS_RESERVED.has(id) ? `${id}_` : id;
}

/** A GDScript parameter or key name; reserved words get a trailing `_`. */
export function gdIdentifier(snake: string): string {
  return GD_RESERVED.has(snake) ? `${snake}_` : snake;
}

export function gdConstant(snake: string): string {
  return snake.toUpperCase();
}
