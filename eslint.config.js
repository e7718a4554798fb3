// The checks every change passes (`npm run lint`, part of `npm test`): the recommended rules of
// ESLint, typescript-eslint and eslint-plugin-svelte, with the project's own choices below; the
// app's and the server's own code (not tests, benches or scripts) also passes typescript-eslint's
// strict type-checked rules.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const ownCode = ['src/**/*.ts', 'src/**/*.svelte', 'sync-server/src/**/*.ts'];
const notOwnCode = ['**/*.spec.ts', 'src/**/*.test.ts'];

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'sync-server/dist/', 'coverage/', 'static/', 'data/', '.data-test*/', 'test-results/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// A leading underscore says "deliberately unused" (a handler's fourth argument, a field
			// taken out of an object by destructuring).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }
			],
			// The app is served from the root of its origin (no `paths.base`), so an absolute path is
			// already what `resolve()` would return.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		// TypeScript checks names itself, and knows the DOM's types (BlobPart) that ESLint does not.
		files: ['**/*.ts', '**/*.svelte'],
		rules: { 'no-undef': 'off' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	// The rules only: each file keeps the parser chosen above (Svelte's for components).
	...ts.configs.strictTypeChecked.filter(({ name }) => name === 'typescript-eslint/strict-type-checked').map(({ rules }) => ({ files: ownCode, ignores: notOwnCode, rules })),
	{
		files: ownCode,
		ignores: notOwnCode,
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: {
			// A count or a size in a message reads as itself.
			'@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }]
		}
	},
	{
		// Runs inside the service worker (scripts/build-sw.js imports it there).
		files: ['scripts/sw-push.js'],
		languageOptions: { globals: { ...globals.serviceworker } }
	},
	{
		// A function a reader can hold in mind at once (issue 17); tests are sequences of steps.
		files: ['**/*.ts', '**/*.js', '**/*.svelte'],
		ignores: ['tests/**', '**/*.spec.ts'],
		rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] }
	},
	{
		// Tests read JSON answers whose shape is what they assert.
		files: ['tests/**', '**/*.spec.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	}
);
