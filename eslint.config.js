import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Rooms keep to themselves (../shared/GUIDE.md): shared/ is pure, electron/core never imports Electron, renderer/ is a
 * browser page that reaches the core only through the api.
 */
// Exact module names (paths), so that a folder such as shared/crypto is not mistaken for node's `crypto`.
const nodeBuiltins = ['fs', 'path', 'os', 'net', 'crypto', 'stream', 'events', 'child_process', 'util', 'buffer'];
const runtimeOnly = ['electron', 'serialport', 'mqtt', 'aedes'];
const pureRoom = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'shared/ runs in the renderer too: no Node imports.' })),
    ...runtimeOnly.map((name) => ({ name, message: 'shared/ is pure protocol code.' })),
  ],
  patterns: [{ group: ['node:*'], message: 'shared/ runs in the renderer too: no Node imports.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', pureRoom] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'renderer/ runs in a browser: no Node imports.' })),
            ...runtimeOnly.map((name) => ({
              name,
              message: 'renderer/ talks to the core only through shared/api.ts.',
            })),
          ],
          patterns: [{ group: ['node:*', '**/electron/**'], message: 'renderer/ runs in a browser: use the api.' }],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The core runs headless too.' }] }],
    },
  },
  {
    // A sandboxed preload can load nothing but `electron` (and its own bundled code): no Node, no packages.
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...runtimeOnly.filter((name) => name !== 'electron'), 'zod'].map((name) => ({
            name,
            message: 'The preload runs sandboxed: only electron; the main process validates.',
          })),
          patterns: [{ group: ['node:*'], message: 'The preload runs sandboxed: no Node modules.' }],
        },
      ],
    },
  },
);
