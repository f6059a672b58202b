// Empties the closure invoke shims a module keeps for nothing. wasm-bindgen 0.2.130 puts an
// `invoke` shim in the function table for every closure type any imported js-sys function
// takes (typed arrays' forEach, Promise's then, ...; the effect of wasm-bindgen issue 2535),
// and since the table is exported, wasm-opt keeps them and all they call: 42 of the module's 47,
// 10 KB raw. JavaScript calls a closure through a named export, which wasm-bindgen makes only
// for the closure types the module uses (`... externref shim`); no Rust code calls a shim. So
// a shim that is not exported, has no externref shim and is called by no function is dead: its
// body becomes `unreachable` (it stays in the table, three bytes long), and wasm-opt then drops
// what only it called. Runs between wasm-bindgen (--keep-debug, for the names) and wasm-opt.
//   node tools/dead-closure-shims.mjs <in.wasm> <out.wasm>
import binaryen from 'binaryen';
import { readFileSync, writeFileSync } from 'node:fs';

const SHIM = /^wasm_bindgen(\[[0-9a-f]+\])?::convert::closures::_::invoke::<.*>$/;

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node tools/dead-closure-shims.mjs <in.wasm> <out.wasm>');
const module = binaryen.readBinary(readFileSync(input));
// (Its features come from the module's target_features section: set them all and binaryen
// writes encodings browsers don't read yet, such as compact imports.)

const functions = Array.from({ length: module.getNumFunctions() }, (_, i) => binaryen.getFunctionInfo(module.getFunctionByIndex(i)));
const names = new Set(functions.map((f) => f.name));
const exported = new Set(Array.from({ length: module.getNumExports() }, (_, i) => binaryen.getExportInfo(module.getExportByIndex(i)).value));
// Every function some function calls directly (quoted names are how the text format writes
// names with spaces and brackets; none of the shims' names has a quote or a backslash).
const called = new Set();
for (const [, quoted, plain] of module.emitText().matchAll(/\((?:return_)?call \$(?:"([^"\\]*)"|([^\s)"]+))/g)) called.add(quoted ?? plain);

const shims = functions.filter((f) => !f.module && SHIM.test(f.name));
const dead = shims.filter((f) => !exported.has(f.name) && !names.has(`${f.name} externref shim`) && !called.has(f.name));
const live = shims.length - dead.length;
// The names are wasm-bindgen's and rustc's: if they change, say so rather than do nothing.
if (shims.length === 0 || live === 0) {
  throw new Error(`${input}: found ${shims.length} closure invoke shims, ${live} in use; expected both above 0 (built without --keep-debug, or wasm-bindgen names them otherwise now)`);
}
for (const f of dead) {
  module.removeFunction(f.name);
  module.addFunction(f.name, f.params, f.results, [], module.unreachable());
}
writeFileSync(output, module.emitBinary());
console.log(`  ${dead.length} of ${shims.length} closure invoke shims emptied (${live} in use)`);
