import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Imports go one way: config → db → platform → modules → services/app/main (docs/architecture.md).
 * A zone forbids `target` files from importing `from` files; `no-cycle` catches the rest.
 */
const layers = [
  { target: './src/config.ts', from: ['./src/db', './src/platform', './src/modules', './src/demo', './src/cli'] },
  { target: './src/db', from: ['./src/platform', './src/modules', './src/demo', './src/cli'] },
  {
    target: './src/platform',
    from: [
      './src/modules',
      './src/demo',
      './src/cli',
      './src/app.ts',
      './src/services.ts',
      './src/main.ts',
      './src/startup.ts',
    ],
  },
  {
    target: './src/modules',
    from: ['./src/demo', './src/cli', './src/app.ts', './src/main.ts', './src/worker.ts', './src/startup.ts'],
  },
  { target: './src/db', from: ['./src/app.ts', './src/services.ts', './src/main.ts'] },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.bench/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/platform/assets/**/*.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly' } },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/external-module-folders': ['node_modules'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      // Type-only imports count: a cycle of types is still a cycle a reader has to untangle.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Tests may reach across layers (a platform test may drive a module); production code may not.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layers }] },
  },
  {
    // A module may use another module's use cases and views, never its routes.
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/*/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^/]+/(.*/)?[^/]*routes\\.ts$',
              message: 'Route files are HTTP only: import the use case, not another module’s routes.',
            },
          ],
        },
      ],
    },
  },
);
