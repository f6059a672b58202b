// The engine's contract (strategies, span kinds, limits) as `cargo run --example contract`
// prints it; ./build.sh test writes it to artifacts/contract.json before the unit tests run.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../../artifacts/contract.json', import.meta.url));

export function engineContract() {
  if (!existsSync(FILE)) {
    throw new Error('artifacts/contract.json is missing: run ./build.sh test, or cargo run --example contract > artifacts/contract.json');
  }
  return JSON.parse(readFileSync(FILE, 'utf8'));
}
