// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.tsbuild/**',
      '**/dist/**',
      '.data/**',
      '**/coverage/**',
      'prisma/generated/**',
      '**/generated/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      'no-console': 'off',
    },
  },
  {
    files: [
      '**/*.js',
      '**/*.mjs',
      '**/vitest.config.ts',
      '**/playwright.config.ts',
      '**/prisma.config.ts',
      '**/vite.config.ts',
    ],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // One file per command; what two commands share lives in apps/cli/src/, so no command
    // imports another (and none imports main.ts, which imports them all).
    files: ['apps/cli/src/commands/*.ts'],
    ignores: ['apps/cli/src/commands/index.ts', 'apps/cli/src/commands/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['./*'], message: 'A command imports no other command: move what they share to apps/cli/src/.' },
            { group: ['../main', '../main.ts'], message: 'Commands never import main.ts (it imports every command).' },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in the browser: its globals, and the Rules of Hooks (plus the React Compiler's checks).
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
