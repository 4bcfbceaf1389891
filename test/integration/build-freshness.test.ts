import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// scripts/build.mjs in a tiny project of its own (its real tsc, this repository's node_modules), so
// each build takes a second: `npm start`, `npm run cli` and `npm test` rely on it never skipping a
// build that a change needs.
let project: string;

function buildIfChanged(): { code: number | null; compiled: boolean; stderr: string } {
  const result = spawnSync(process.execPath, [join(project, 'scripts', 'build.mjs'), '--if-changed'], { cwd: project, encoding: 'utf8' });
  return { code: result.status, compiled: /Compiling into dist/.test(result.stderr), stderr: result.stderr + result.stdout };
}

const emitted = (file: string) => readFileSync(join(project, 'dist', file), 'utf8');

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'listebud-build-'));
  mkdirSync(join(project, 'scripts'));
  mkdirSync(join(project, 'src'));
  mkdirSync(join(project, 'migrations'));
  copyFileSync(resolve('scripts/build.mjs'), join(project, 'scripts', 'build.mjs'));
  // The real tsconfig.build.json's settings, on the smallest library so each tsc run stays short.
  const build = JSON.parse(readFileSync(resolve('tsconfig.build.json'), 'utf8'));
  build.compilerOptions = { ...build.compilerOptions, types: [], lib: ['es5'] };
  writeFileSync(join(project, 'tsconfig.build.json'), JSON.stringify(build));
  symlinkSync(resolve('node_modules'), join(project, 'node_modules'));
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist' };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, rootDir: '.' }, include: ['src'] }));
  writeFileSync(join(project, 'package.json'), '{"type":"module"}');
  writeFileSync(join(project, 'package-lock.json'), '{}');
  writeFileSync(join(project, 'src', 'a.ts'), 'export const answer: number = 1;\n');
  writeFileSync(join(project, 'migrations', 'm.ts'), 'export const step = 1;\n');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

// A dozen tsc runs; on a loaded machine each can take seconds.
jest.setTimeout(180_000);

describe('scripts/build.mjs --if-changed', () => {
  it('builds the first time and not again while nothing changed', () => {
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('src/a.js')).toContain('answer = 1');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: false });
  });

  it('builds again after a source changes, even when the change carries an older time', () => {
    writeFileSync(join(project, 'src', 'a.ts'), 'export const answer: number = 2;\n');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('src/a.js')).toContain('answer = 2');
    // Same size, and older than the last build, as tar or cp -p can leave a file.
    writeFileSync(join(project, 'src', 'a.ts'), 'export const answer: number = 3;\n');
    utimesSync(join(project, 'src', 'a.ts'), new Date('2020-01-01'), new Date('2020-01-01'));
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('src/a.js')).toContain('answer = 3;');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: false });
  });

  it('builds again for a new file, a migration and a compiler setting', () => {
    writeFileSync(join(project, 'src', 'b.ts'), 'export const more = 1;\n');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('src/b.js')).toContain('more = 1');
    writeFileSync(join(project, 'migrations', 'm.ts'), 'export const step = 2;\n');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('migrations/m.js')).toContain('step = 2');
    const config = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8'));
    config.compilerOptions.removeComments = true;
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config));
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: false });
  });

  it('does not count a failed build: the next run builds and fails again', () => {
    writeFileSync(join(project, 'src', 'a.ts'), "export const answer: number = 'not a number';\n");
    const failed = buildIfChanged();
    expect(failed).toMatchObject({ compiled: true });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/TS2322/);
    expect(buildIfChanged()).toMatchObject({ compiled: true, code: failed.code });
    writeFileSync(join(project, 'src', 'a.ts'), 'export const answer: number = 4;\n');
    expect(buildIfChanged()).toMatchObject({ code: 0, compiled: true });
    expect(emitted('src/a.js')).toContain('answer = 4');
  });
});
