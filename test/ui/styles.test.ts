import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

/**
 * Every class written literally in the identity and account views has a rule in the style
 * sheet: a class without one is markup that was meant to look some way and does not (a QR code
 * glued to the text, recovery codes in a bullet list).
 */
const VIEW_DIRS = [
  'src/modules/agents/views',
  'src/modules/citizens/views',
  'src/modules/identity',
  'src/modules/privacy',
];
// Classes that carry meaning for tests or scripts only, never a look.
const NO_STYLE_NEEDED = new Set<string>([]);

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('style sheet', () => {
  test('every class used by the identity and account views has a rule', () => {
    const css = readFileSync('src/platform/assets/guichet.css', 'utf8');
    const missing: string[] = [];
    for (const file of VIEW_DIRS.flatMap(viewFiles)) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/class="([^"$]*)"/g)) {
        for (const name of m[1]!.split(/\s+/).filter(Boolean)) {
          if (NO_STYLE_NEEDED.has(name)) continue;
          if (!new RegExp(`\\.${name.replace(/[-]/g, '\\-')}(?![\\w-])`).test(css)) missing.push(`${name} (${file})`);
        }
      }
    }
    assert.deepEqual([...new Set(missing)], []);
  });
});
