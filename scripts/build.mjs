// `npm run build` compiles src/ and migrations/ into dist/ (tsc, incremental). With --if-changed it
// compiles only when an input differs from the last successful build, so `npm start`, `npm run cli`,
// `npm test` and `npm run bench` start in well under a second when nothing changed.
//
// "Differs" means the list of input files with their sizes and modification times is not the one
// recorded after the last build, rather than "newer than a stamp": a deleted or added file, or one
// restored with an older time (tar, cp -p, git stash), also counts. The list is taken before tsc
// runs, so an edit made during a build makes the next run build again. A failed build records
// nothing, so the next run builds (and shows the errors) again.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RECORD = join(root, 'dist', '.build-inputs.json');
const INPUT_DIRS = ['src', 'migrations'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Every input as "path size mtime", sorted; spec files are not compiled (tsconfig.build.json). */
export function snapshotInputs() {
  const entries = [];
  const add = (path) => {
    const info = statSync(path, { throwIfNoEntry: false });
    entries.push(`${relative(root, path)} ${info ? `${info.size} ${info.mtimeMs}` : 'missing'}`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.spec.ts')) add(path);
    }
  };
  for (const dir of INPUT_DIRS) walk(join(root, dir));
  for (const file of INPUT_FILES) add(join(root, file));
  return entries.sort();
}

function recorded() {
  try {
    return JSON.parse(readFileSync(RECORD, 'utf8'));
  } catch {
    return undefined;
  }
}

function build() {
  const inputs = snapshotInputs();
  rmSync(RECORD, { force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) return result.status ?? 1;
  mkdirSync(dirname(RECORD), { recursive: true });
  writeFileSync(RECORD, `${JSON.stringify(inputs)}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifChanged = process.argv.includes('--if-changed');
  const previous = ifChanged ? recorded() : undefined;
  if (previous && JSON.stringify(previous) === JSON.stringify(snapshotInputs())) process.exit(0);
  // stderr: `npm run --silent cli` keeps stdout for the command's result.
  if (ifChanged) process.stderr.write(`Compiling into dist/ (${previous ? 'sources changed' : 'no earlier build'})…\n`);
  process.exit(build());
}
