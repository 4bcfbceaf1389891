import 'reflect-metadata';
import { parseCommandLine, UsageError, type CommandOptions } from './cli/cli-args.js';
import type { CliCommand, CliIo } from './cli/command.js';
import { COMMANDS, type CommandSpec } from './cli/commands.js';
import { DomainError } from './common/domain-error.js';

// Only the chosen command's code is imported (commands.ts knows the rest by name), so `--help`, the
// command list and a mistyped option answer at once, and a command loads only its part of the app.

const PROGRAM = 'npm run --silent cli --';

function usage(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage}`),
    '',
    `${PROGRAM} <command> --help describes a command and its options.`,
  ].join('\n');
}

/** Wraps at spaces so a description reads in an 80-column terminal. */
function wrap(text: string, width = 78): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.value ? ` ${o.value}` : ''}`, o.description]);
  options.push(['-h, --help', 'this help']);
  const width = Math.max(...options.map(([left]) => left.length));
  return [
    `Usage: ${PROGRAM} ${spec.usage}`,
    '',
    ...wrap(spec.description),
    '',
    'Options:',
    ...options.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`),
    '',
    ...wrap(
      'On success the last line of standard output is one JSON object; on failure a message goes to standard error ' +
        '(exit 1; exit 2 for a mistake on the command line).',
    ),
  ].join('\n');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function describeFailure(error: unknown): Promise<string> {
  if (error instanceof DomainError) {
    const lines = [`${error.code}: ${error.message}`];
    for (const p of error.problems) {
      lines.push(`  ${p.row !== undefined ? `row ${p.row}, ` : ''}${p.field ?? ''}${p.field ? ': ' : ''}${p.message} (${p.code})`);
    }
    return lines.join('\n');
  }
  const { ConfigError } = await import('./config/load-config.js');
  if (error instanceof ConfigError) return error.message;
  return `Unexpected failure: ${(error as Error)?.message ?? String(error)}`;
}

/** Prints the result as the last line of stdout; `{ ok: false }` exits 1. */
function report(result: unknown): number {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return (result as { ok?: unknown })?.ok === false ? 1 : 0;
}

async function execute(command: CliCommand, options: CommandOptions): Promise<number> {
  const io: CliIo = { readStdin, info: (line: string) => process.stdout.write(`${line}\n`) };
  if (command.runOffline && command.offline?.(options)) return report(await command.runOffline(options, io));
  const { loadConfig, resolveInstallationSecrets } = await import('./config/load-config.js');
  const config = loadConfig();
  if (command.runWithConfig) return report(await command.runWithConfig(config, options, io));
  resolveInstallationSecrets(config);
  const [{ withCommandContext }, modules] = await Promise.all([import('./cli/cli-context.js'), command.modules?.() ?? []]);
  return withCommandContext(config, modules, async (app) => report(await command.run!(app, options, io)));
}

/** On success the last line of stdout is one JSON object; on failure a message on stderr and exit 1 (2: bad usage). */
async function main(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  if (name === '--help' || name === '-h' || name === 'help') {
    const spec = COMMANDS.find((c) => c.name === argv[0]);
    process.stdout.write(`${spec ? commandHelp(spec) : usage()}\n`);
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    process.stderr.write(`${name ? `Unknown command "${name}"\n\n` : ''}${usage()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseCommandLine(spec, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\nUsage: ${PROGRAM} ${spec.usage}\n(${PROGRAM} ${spec.name} --help for more)\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${commandHelp(spec)}\n`);
    return 0;
  }
  return execute(await spec.load(), parsed.options);
}

main()
  .then((code) => process.exit(code))
  .catch(async (error: unknown) => {
    process.stderr.write(`${await describeFailure(error)}\n`);
    process.exit(1);
  });
