// Golden files, in the manner of Observable Plot's snapshot tests: a test computes a value,
// and it must equal the JSON kept in tests/unit/golden/<name>.json. When it differs, the new
// value is written beside it as <name>-changed.json (not committed) and the test fails: look at
// the difference, and if the change is right, move the -changed file over the golden one.
// A missing golden file is written on a developer's machine (and the test passes, saying so);
// in CI (CI set) it is a failure: CI never writes golden files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FOLDER = fileURLToPath(new URL('./golden/', import.meta.url));

/** Numbers rounded to 1/1000: goldens must not change with the last bit of a float. */
function stable(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v), 2) + '\n';
}

export function assertGolden(name, value) {
  const file = `${FOLDER}${name}.json`;
  const changed = `${FOLDER}${name}-changed.json`;
  const actual = stable(value);
  if (!existsSync(file)) {
    if (process.env.CI) assert.fail(`golden file ${name}.json is missing (CI never writes golden files)`);
    writeFileSync(file, actual);
    console.log(`wrote the new golden file tests/unit/golden/${name}.json: look at it and commit it`);
    return;
  }
  if (readFileSync(file, 'utf8') === actual) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  assert.fail(`${name} differs from its golden file: compare tests/unit/golden/${name}.json with ${name}-changed.json`);
}
