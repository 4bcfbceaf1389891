// `npm run bench`: every benchmark, each in its own process (so peak memory is per benchmark), then
// one table and bench/results.json. Every figure is a ratio against a reference measured in the same
// run, because the machines are shared and noisy; where there is nothing to run against (peak
// memory, growth, a latency budget) the reference is the limit itself and says so in the unit.
// `npm run bench -- --quick` is a smoke run with small sizes (a minute or two); its figures are
// named by their sizes and carry no targets of the full run.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const SIZES = quick
  ? { members: [50, 200, 500], rows: 10_000, seconds: 3, filler: 300 }
  : { members: [200, 2000, 5000], rows: 100_000, seconds: 10, filler: 1000 };
const [, MID, MAX] = SIZES.members;

/** Runs one benchmark; its output goes through, and its last line is its JSON result. */
function run(script, args) {
  return new Promise((resolve) => {
    console.log(`\n== ${script} ${args.join(' ')}`);
    const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.trim()) last = line;
    });
    child.on('close', (code) => {
      if (pending.trim()) last = pending;
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(last));
      } catch (error) {
        console.error(`${script} failed (${error.message}); its figures are left empty`);
        resolve(null);
      }
    });
  });
}

/** Four significant digits: enough for noisy figures, and small references do not round to 0.01. */
const round = (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : +x.toPrecision(4));

/** One row of the table and of results.json; `met` is null where no target applies. */
function figure(name, value, unit, reference, target, check) {
  const ratio = value === null || reference === null ? null : round(value / reference);
  const met = target === null ? null : value === null ? false : check(value, ratio);
  return { name, value: round(value), unit, reference: round(reference), ratio, target, met };
}

const results = [];
const failed = [];

const distribution = {};
for (const members of SIZES.members) {
  distribution[members] = await run('distribution.bench.mjs', ['--members', String(members)]);
  if (!distribution[members]) failed.push(`distribution ${members}`);
}
for (const members of SIZES.members) {
  const d = distribution[members];
  const gated = !quick && members === MID;
  results.push(
    figure(`distribution.ratio_to_age_cli.${members}`, d?.wallSeconds ?? null, 's (reference: age CLI, same total bytes)', d?.ageCliSeconds ?? null, gated ? 'ratio <= 3' : null, (_, r) => r <= 3),
  );
}
results.push(
  figure(`distribution.peak_rss_mb.${MAX}`, distribution[MAX]?.peakRssMb ?? null, 'MB (reference: the 512 MB limit)', 512, quick ? null : 'value <= 512 MB', (v) => v <= 512),
);
const growth = distribution[MID] && distribution[MAX] ? distribution[MAX].wallSeconds / distribution[MID].wallSeconds : null;
results.push(
  figure(`distribution.time_growth_${MID}_to_${MAX}`, growth, `x (reference: linear, ${MAX}/${MID})`, MAX / MID, quick ? null : 'value <= 3 (linear is 2.5)', (v) => v <= 3),
);

const imported = await run('import.bench.mjs', ['--rows', String(SIZES.rows)]);
if (!imported) failed.push('import');
results.push(
  figure(`import.ratio_to_copy.${SIZES.rows}`, imported?.importSeconds ?? null, 's (reference: psql COPY of the same file)', imported?.copySeconds ?? null, quick ? null : 'ratio <= 3', (_, r) => r <= 3),
);

const download = await run('download.bench.mjs', ['--seconds', String(SIZES.seconds), '--filler', String(SIZES.filler)]);
if (!download) failed.push('download');
const mib = (bytes) => (bytes === undefined ? null : bytes / 2 ** 20);
results.push(
  figure('download.ratio_to_nginx', mib(download?.listebudBytesPerSec), 'MiB/s decrypted (reference: nginx serving the .age file)', mib(download?.nginxBytesPerSec), quick ? null : 'ratio >= 0.2', (_, r) => r >= 0.2),
  figure('download.members_list_api_p99_ms', download?.listP99Ms ?? null, 'ms p99 at 16 connections (reference: the 200 ms budget)', download?.listBudgetMs ?? 200, quick ? null : 'value <= 200 ms', (v) => v <= 200),
);

// Start-up against `node -e 0`: 3 s for the service and 1.5 s for a command at ~50 ms for Node.
const startup = await run('startup.bench.mjs', ['--runs', quick ? '2' : '5']);
if (!startup) failed.push('startup');
results.push(
  figure('startup.server_seconds', startup?.serverSeconds ?? null, 's built, until /health answers (reference: node -e 0)',
    startup?.nodeSeconds ?? null, quick ? null : 'ratio <= 60', (_, r) => r <= 60),
  figure('startup.cli_seconds', startup?.cliSeconds ?? null, 's for audit:public-key, built (reference: node -e 0)',
    startup?.nodeSeconds ?? null, quick ? null : 'ratio <= 30', (_, r) => r <= 30),
);

const columns = ['name', 'value', 'reference', 'ratio', 'target', 'met'];
const cell = (r, c) => (c === 'met' ? (r.met === null ? '-' : r.met ? 'yes' : 'NO') : r[c] === null ? '-' : String(r[c]));
const widths = columns.map((c) => Math.max(c.length, ...results.map((r) => cell(r, c).length)));
const line = (cells) => cells.map((text, i) => (i === 0 || i === 4 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
console.log(`\n${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
for (const r of results) console.log(line(columns.map((c) => cell(r, c))));
console.log('\nunits:');
for (const r of results) console.log(`  ${r.name}: ${r.unit}`);

const out = join(here, 'results.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
const targeted = results.filter((r) => r.met !== null);
console.log(`\n${targeted.filter((r) => r.met).length} of ${targeted.length} targets met${quick ? ' (quick run: no targets)' : ''}; written to ${out}`);
if (failed.length) {
  console.error(`benchmarks that did not finish: ${failed.join(', ')}`);
  process.exit(1);
}
