import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ESLint } from 'eslint';

/**
 * `npm run lint` enforces the direction of imports (eslint.config.js). These cases write small
 * files into the source tree, lint them with the project's configuration, and expect the refusal.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const scratch = path.join(root, 'src', 'platform', `lint-fixture-${process.pid}`);
const moduleScratch = path.join(root, 'src', 'modules', `lint-fixture-${process.pid}`);
after(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(moduleScratch, { recursive: true, force: true });
});

async function ruleIdsOf(file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintFiles([file]);
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

test('an import cycle fails lint', async () => {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(path.join(scratch, 'a.ts'), "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n");
  writeFileSync(path.join(scratch, 'b.ts'), "import { a } from './a.ts';\nexport const b = (): number => a() - 1;\n");
  assert.ok((await ruleIdsOf(path.join(scratch, 'a.ts'))).includes('import-x/no-cycle'));
});

test('the platform importing a module fails lint', async () => {
  mkdirSync(scratch, { recursive: true });
  const file = path.join(scratch, 'up.ts');
  writeFileSync(file, "import { can } from '../../modules/authorization.ts';\nexport const up = can;\n");
  assert.ok((await ruleIdsOf(file)).includes('import-x/no-restricted-paths'));
});

test('a module importing app.ts or another module’s routes fails lint', async () => {
  mkdirSync(moduleScratch, { recursive: true });
  const file = path.join(moduleScratch, 'use-case.ts');
  writeFileSync(
    file,
    "import { createApp } from '../../app.ts';\nimport { registerRequestRoutes } from '../requests/routes.ts';\nexport const x = [createApp, registerRequestRoutes];\n",
  );
  const ids = await ruleIdsOf(file);
  assert.ok(ids.includes('import-x/no-restricted-paths'), ids.join());
  assert.ok(ids.includes('no-restricted-imports'), ids.join());
});
