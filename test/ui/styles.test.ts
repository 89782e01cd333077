import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

/**
 * Every class written in the views has a rule in the style sheet: a class without one is markup
 * that was meant to look some way and does not (a QR code glued to the text, recovery codes in a
 * bullet list). Classes inside interpolations (`class="field${error ? ' field-error' : ''}"`)
 * count too: every quoted word in the expression is a class the page may carry.
 */
const VIEW_DIRS = ['src/modules', 'src/platform/web'];
// Classes that carry meaning for tests or scripts only, never a look.
const NO_STYLE_NEEDED = new Set<string>(['demarche-form']);

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The class names a template may produce: literal words, and quoted words inside `${…}`. */
export function classNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/class="((?:[^"$]|\$(?!\{)|\$\{(?:[^{}]|\{[^{}]*\})*\})*)"/g)) {
    const value = m[1]!;
    // `status-${x}`: the prefix is the class family, checked as `.status-` in the sheet.
    const literal = value.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, ' ');
    names.push(...literal.split(/\s+/));
    for (const expr of value.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
      for (const q of expr[1]!.matchAll(/(?:\?|:|&&|\|\|)\s*(?:'([^']*)'|`([^`$]*)`|"([^"]*)")/g))
        names.push(...(q[1] ?? q[2] ?? q[3] ?? '').split(/\s+/));
    }
  }
  return names.filter((n) => /^[a-z][\w-]*$/i.test(n));
}

function hasRule(css: string, name: string): boolean {
  const escaped = name.replace(/[-]/g, '\\-');
  return new RegExp(name.endsWith('-') ? `\\.${escaped}` : `\\.${escaped}(?![\\w-])`).test(css);
}

describe('style sheet', () => {
  test('class names are found in interpolations too', () => {
    assert.deepEqual(classNames("<p class=\"field${error ? ' field-error' : ''}\">"), ['field', 'field-error']);
    assert.deepEqual(classNames("<a class=\"${current ? 'tab current' : 'tab'}\">"), ['tab', 'current', 'tab']);
  });

  test('every class used by the views has a rule', () => {
    const css = readFileSync('src/platform/assets/guichet.css', 'utf8');
    const missing: string[] = [];
    for (const file of VIEW_DIRS.flatMap(viewFiles)) {
      const source = readFileSync(file, 'utf8');
      for (const name of classNames(source)) {
        {
          if (NO_STYLE_NEEDED.has(name)) continue;
          if (!hasRule(css, name)) missing.push(`${name} (${file})`);
        }
      }
    }
    assert.deepEqual([...new Set(missing)], []);
  });

  test('every rule of the style sheet is closed: an unclosed one swallows the rules after it', () => {
    const css = readFileSync('src/platform/assets/guichet.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    let depth = 0;
    for (const [i, line] of css.split('\n').entries()) {
      // The sheet is formatted: a rule that starts at the margin starts outside any other block.
      if (/^[^\s@}]/.test(line) && line.includes('{'))
        assert.equal(depth, 0, `the block before line ${i + 1} (${line.trim()}) is not closed`);
      for (const ch of line) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      assert.ok(depth >= 0, `a '}' closes nothing at line ${i + 1}`);
    }
    assert.equal(depth, 0, 'as many { as }');
  });
});
