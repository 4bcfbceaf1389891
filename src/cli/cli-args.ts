import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomainError } from '../common/domain-error.js';
import type { CommandSpec } from './commands.js';

/** The command line itself is wrong (unknown option, missing value): exit 2 before anything starts. */
export class UsageError extends Error {}

export type ParsedCommandLine = { help: true } | { help: false; options: CommandOptions };

/** `--key value`, `--key=value` and `--flag`, checked against the command's options by node:util. */
export function parseCommandLine(spec: CommandSpec, argv: string[]): ParsedCommandLine {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.value ? 'string' : 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    // No option is `multiple`, so every value is one string or boolean.
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
  if (values.help === true) return { help: true };
  const map = new Map<string, string | true>();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== false) map.set(name, value);
  return { help: false, options: new CommandOptions(map) };
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option ${option}`;
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `Unexpected argument "${quoted}" (options are written --option value)`;
  if (/does not take an argument/.test(error.message)) return `${option} is a flag and takes no value`;
  // "argument missing", or "ambiguous": the next word is another option, so this one has no value.
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${option} needs a value`;
  return error.message.split('\n')[0];
}

/** The parsed options with the checks a command asks for; a bad value is a domain error (exit 1). */
export class CommandOptions {
  constructor(private readonly options: Map<string, string | true>) {}

  required(name: string): string {
    const value = this.options.get(name);
    if (typeof value !== 'string' || value === '') {
      throw new DomainError('invalid', 'CLI_MISSING_OPTION', `--${name} is required`, name);
    }
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.options.get(name);
    if (value === true) throw new DomainError('invalid', 'CLI_MISSING_VALUE', `--${name} needs a value`, name);
    return value;
  }

  /** A required id; a malformed one is a clear error rather than a database error. */
  uuid(name: string): string {
    const value = this.required(name);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw new DomainError('invalid', 'CLI_BAD_ID', `--${name} must be an id (a UUID)`, name);
    }
    return value.toLowerCase();
  }

  flag(name: string): boolean {
    return this.options.get(name) === true;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DomainError('invalid', 'CLI_BAD_NUMBER', `--${name} must be a whole number from ${min} to ${max}`, name);
    }
    return value;
  }
}
