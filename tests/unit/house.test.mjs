// The house rules that keep www/ easy to change: no function longer than about 120 lines (a
// view is a class or a few modules, not one closure holding everything), and no file of www/
// imports another in a circle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const MAX_FUNCTION_LINES = 120;

/** Every .js file of www/ but wasm-bindgen's output (pkg/), as paths under www/. */
function sources(dir = WWW) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'pkg' ? [] : sources(path);
    return name.endsWith('.js') ? [relative(WWW, path)] : [];
  });
}

/** Every function of a parsed program: `{ name, line, lines }`. */
function functionsOf(ast) {
  const found = [];
  const visit = (node, name) => {
    if (!node || typeof node.type !== 'string') return;
    if (/Function/.test(node.type)) {
      found.push({ name: node.id?.name ?? name ?? '(anonymous)', line: node.loc.start.line, lines: node.loc.end.line - node.loc.start.line + 1 });
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') continue;
      const childName = node.type === 'MethodDefinition' || node.type === 'Property' ? node.key?.name
        : node.type === 'VariableDeclarator' ? node.id?.name : name;
      if (Array.isArray(value)) value.forEach((child) => visit(child, childName));
      else if (value && typeof value === 'object') visit(value, childName);
    }
  };
  visit(ast);
  return found;
}

const parsed = new Map(sources().map((file) => [file, parse(readFileSync(join(WWW, file), 'utf8'),
  { ecmaVersion: 'latest', sourceType: 'module', locations: true })]));

test(`no function in www/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
  const long = [...parsed].flatMap(([file, ast]) => functionsOf(ast)
    .filter((f) => f.lines > MAX_FUNCTION_LINES)
    .map((f) => `${file}:${f.line} ${f.name}: ${f.lines} lines`));
  assert.deepEqual(long, []);
});

test('no module of www/ imports itself through others', () => {
  const imports = new Map([...parsed].map(([file, ast]) => [file, ast.body
    .filter((n) => (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') && n.source)
    .map((n) => n.source.value).filter((spec) => spec.startsWith('.'))
    .map((spec) => normalize(join(dirname(file), spec)))
    .filter((path) => !path.startsWith('pkg/'))]));
  const circles = [];
  const walk = (file, path) => {
    if (path.includes(file)) {
      circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    for (const next of imports.get(file) ?? []) walk(next, [...path, file]);
  };
  for (const file of imports.keys()) walk(file, []);
  assert.deepEqual([...new Set(circles)], []);
});
