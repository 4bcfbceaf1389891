import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { CommandOptions, parseArgs } from './cli/cli-args.js';
import type { CliCommand } from './cli/command.js';
import { adminCreateCommand } from './cli/commands/admin-create.command.js';
import { auditVerifyCommand } from './cli/commands/audit-verify.command.js';
import { auditCheckpointCommand } from './cli/commands/audit-checkpoint.command.js';
import { auditExportCommand } from './cli/commands/audit-export.command.js';
import { auditPublicKeyCommand } from './cli/commands/audit-public-key.command.js';
import { auditTraceCommand } from './cli/commands/audit-trace.command.js';
import { demoSeedCommand } from './cli/commands/demo-seed.command.js';
import { membersImportCommand } from './cli/commands/members-import.command.js';
import { networksCreateCommand } from './cli/commands/networks-create.command.js';
import { tokensCreateCommand } from './cli/commands/tokens-create.command.js';
import { bundlesGetCommand } from './cli/commands/bundles-get.command.js';
import { editionsShowCommand } from './cli/commands/editions-show.command.js';
import { publishCommand } from './cli/commands/publish.command.js';
import { recipientsAddCommand } from './cli/commands/recipients-add.command.js';
import { reportProcessingCommand } from './cli/commands/report-processing.command.js';
import { DomainError } from './common/domain-error.js';
import { createLogger, PinoNestLogger } from './common/logger.js';
import { ConfigError, loadConfig, resolveInstallationSecrets } from './config/load-config.js';
import { openDatabase } from './database/database-target.js';

const COMMANDS: CliCommand[] = [
  adminCreateCommand,
  tokensCreateCommand,
  networksCreateCommand,
  membersImportCommand,
  demoSeedCommand,
  recipientsAddCommand,
  publishCommand,
  editionsShowCommand,
  bundlesGetCommand,
  auditVerifyCommand,
  auditExportCommand,
  auditCheckpointCommand,
  auditPublicKeyCommand,
  auditTraceCommand,
  reportProcessingCommand,
];

function usage(): string {
  return ['Usage: npm run --silent cli -- <command> [options]', '', 'Commands:', ...COMMANDS.map((c) => `  ${c.usage}`)].join('\n');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function describeFailure(error: unknown): string {
  if (error instanceof DomainError) {
    const lines = [`${error.code}: ${error.message}`];
    for (const p of error.problems) {
      lines.push(`  ${p.row !== undefined ? `row ${p.row}, ` : ''}${p.field ?? ''}${p.field ? ': ' : ''}${p.message} (${p.code})`);
    }
    return lines.join('\n');
  }
  if (error instanceof ConfigError) return error.message;
  return `Unexpected failure: ${(error as Error)?.message ?? String(error)}`;
}

/** Prints the result as the last line of stdout; `{ ok: false }` exits 1. */
function report(result: unknown): number {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return (result as { ok?: unknown })?.ok === false ? 1 : 0;
}

/** On success the last line of stdout is one JSON object; on failure a message on stderr and exit 1. */
async function main(): Promise<number> {
  const { command: name, options } = parseArgs(process.argv.slice(2));
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`${name ? `Unknown command "${name}"\n\n` : ''}${usage()}\n`);
    return 2;
  }
  const commandOptions = new CommandOptions(options, command.options);
  const io = { readStdin, info: (line: string) => process.stdout.write(`${line}\n`) };
  if (command.runOffline && command.offline?.(commandOptions)) return report(await command.runOffline(commandOptions, io));
  const config = loadConfig();
  resolveInstallationSecrets(config);
  // Logs go to stderr so stdout holds only the result.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  const database = await openDatabase(config, { shareRunningServer: true });
  try {
    const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, database, logger }), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    try {
      return report(await command.run(app, commandOptions, io));
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(1);
  });
