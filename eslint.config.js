// Lint rules that encode the architecture, not only style:
// - scenario files may import heavy libraries only as types (values come through the demo context
//   or a dynamic import inside the demo), so `list` and `show` stay fast;
// - the engine is a server: it never imports mongoose, express, the CLI or the runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const heavyModules = ['mongoose', 'express', 'mongodb', 'bcrypt', 'jsonwebtoken', 'ioredis', 'ioredis-mock',
  'express-rate-limit', 'cookie-parser', 'supertest', 'execa', 'zod', 'dotenv', 'mongodb-memory-server'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']", message: 'Focused tests skip the rest of the suite.' },
      ],
    },
  },
  {
    files: ['scenarios/**/*.ts', 'src/scenario/**/*.ts', 'src/cli/list.ts', 'src/cli/show.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: heavyModules.map((name) => ({
          name,
          allowTypeImports: true,
          message: 'Heavy module: import it as a type here and get the value from the demo context or `await import()` inside the demo.',
        })),
        patterns: [{ group: ['**/engine/**'], message: 'Scenarios never know which engine runs them.' }],
      }],
    },
  },
  {
    // Exercise code files (starter, solution, traps) run in the repo, in dist/ and in the learner's
    // folder alike: every library and every seam arrives in createApp(deps), never by import.
    files: ['scenarios/*/*.js', 'scenarios/*/traps/*.js'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'ImportDeclaration', message: 'Code files import nothing: take it from createApp(deps).' },
        { selector: 'ImportExpression', message: 'Code files import nothing: take it from createApp(deps).' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['mongoose', 'express'].map((name) => ({ name, message: 'The engine is a server; the real driver is its client.' })),
        patterns: [{ group: ['**/cli/**', '**/runtime/**', '**/scenario/**'], message: 'Dependencies point cli -> runtime -> engine.' }],
      }],
    },
  },
);
