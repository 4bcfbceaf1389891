// The import tests read copies of the coordinators' sample exports (test/fixtures/samples). Where
// the shared originals are present (../shared/samples, next to the checkout), this fails when a
// copy is no longer byte-identical. A clean clone elsewhere has no originals: then it says so.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const shared = resolve(process.env.LISTEBUD_SHARED_SAMPLES ?? '../shared/samples');
const fixtures = resolve('test/fixtures/samples');
const names = ['members-excel-da-windows1252.csv', 'members-excel-da-utf8-bom.csv', 'members-plain-utf8.csv'];

if (!existsSync(shared)) {
  console.log(`sample originals not found at ${shared}; fixture copies not compared`);
  process.exit(0);
}
const drifted = names.filter((name) => !readFileSync(join(fixtures, name)).equals(readFileSync(join(shared, name))));
if (drifted.length) {
  console.error(`fixture copies differ from the shared samples: ${drifted.join(', ')}`);
  process.exit(1);
}
console.log(`fixture copies match the ${names.length} shared samples`);
