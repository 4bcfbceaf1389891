import { DomainError } from '../common/domain-error.js';

export interface ParsedArgs {
  command: string | undefined;
  options: Map<string, string | true>;
}

/** `command --key value --flag`; values never start with `--`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new DomainError('invalid', 'CLI_UNEXPECTED_ARGUMENT', `Unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 2) {
      options.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (rest[i + 1] !== undefined && !rest[i + 1].startsWith('--')) {
      options.set(arg.slice(2), rest[++i]);
    } else {
      options.set(arg.slice(2), true);
    }
  }
  return { command, options };
}

export class CommandOptions {
  constructor(private readonly options: Map<string, string | true>, private readonly known: string[]) {
    for (const key of options.keys()) {
      if (!known.includes(key)) throw new DomainError('invalid', 'CLI_UNKNOWN_OPTION', `Unknown option --${key}`, key);
    }
  }

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
    return this.options.get(name) === true || this.options.get(name) === 'true';
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
