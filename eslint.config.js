// Lint, including the layers of STYLE.md: src-shared is pure (no Node, Electron, Vue or
// DOM); src-main and src-renderer never import each other; the renderer has no Node.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'url', 'util', 'stream', 'buffer']
const restrict = (patterns, message) => ({ group: patterns, message })

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'drizzle/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-indent': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts', 'scripts/**', 'test/**/*.ts', 'bin/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests poke at JSON results and stand-ins loosely on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(nodeModules, 'src-shared is pure TypeScript: no Node modules.'),
            restrict(['electron', 'electron/*'], 'src-shared must not use Electron.'),
            restrict(['vue', 'pinia', 'chart.js', 'chart.js/*'], 'src-shared must not use the UI stack.'),
            restrict(
              ['**/src-main/**', '**/src-renderer/**'],
              'src-shared is the bottom layer: it imports no other layer.',
            ),
            restrict(['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], 'src-shared must not touch the database.'),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'process',
        'require',
        'Buffer',
        'navigator',
        'localStorage',
        '__dirname',
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/src-renderer/**', 'vue', 'pinia', 'chart.js'], 'src-main never imports the renderer.'),
          ],
        },
      ],
    },
  },
  {
    // Issue 12 (docs: the lead's design, /work/briefs/issue12-design.md): one set of
    // services over SQLite and PostgreSQL. Builders are finished with `await`, never with
    // better-sqlite3's synchronous terminals; raw SQL goes through ctx.dialect; tables
    // come from ctx.t.
    files: ['src-main/services/**/*.ts', 'src-main/exporters/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[arguments.length=0] > MemberExpression.callee[object.type='CallExpression'][property.name=/^(all|get|run|values)$/]",
          message:
            'Services are store-neutral (issue 12 design): finish a drizzle builder with `await` (`(await q)[0]` for one row), never the SQLite-only .all()/.get()/.run()/.values().',
        },
        {
          selector: "MemberExpression[property.name='sqlite']",
          message:
            'Services are store-neutral (issue 12 design): raw SQL goes through ctx.dialect (src-main/db/dialects), not the SQLite connection.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/src-renderer/**', 'vue', 'pinia', 'chart.js'], 'src-main never imports the renderer.'),
            restrict(
              ['better-sqlite3', 'drizzle-orm/better-sqlite3', 'drizzle-orm/better-sqlite3/*'],
              'Services are store-neutral (issue 12 design): no SQLite driver here; use ctx.db, ctx.t and ctx.dialect.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/src-main/**'], 'The renderer never imports src-main: it talks to the API client.'),
            restrict(nodeModules, 'The renderer has no Node access.'),
            restrict(
              ['electron', 'electron/*', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'],
              'The renderer has no Node or database access.',
            ),
          ],
        },
      ],
    },
  },
)
