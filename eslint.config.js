// TypeScript lint for `npm test`. Generated files are checked by the stale check, not linted.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['server/src/generated/**', 'server/dist/**', 'node_modules/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are errors, except those marked unused on purpose with a leading `_`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
