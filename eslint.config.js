import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Rooms keep to themselves (../shared/GUIDE.md): shared/ is pure, electron/core never imports Electron. */
const nodeModules = ['node:*', 'fs', 'path', 'os', 'net', 'crypto', 'stream', 'events', 'child_process'];
const pureRoom = {
  patterns: [
    { group: nodeModules, message: 'shared/ runs in the renderer too: no Node imports.' },
    { group: ['electron', 'serialport', 'mqtt', 'aedes'], message: 'shared/ is pure protocol code.' },
  ],
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
  { files: ['shared/**/*.ts'], ignores: ['shared/**/*.test.ts'], rules: { 'no-restricted-imports': ['error', pureRoom] } },
  {
    files: ['electron/core/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The core runs headless too.' }] }] },
  },
);
