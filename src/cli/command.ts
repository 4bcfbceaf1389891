import type { INestApplicationContext, Type } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { CommandOptions } from './cli-args.js';

export interface CliIo {
  readStdin(): Promise<string>;
  /** Progress lines; the final JSON result is printed by the runner. */
  info(line: string): void;
}

/**
 * What a command does once its arguments parsed. Its name, usage and options live in
 * commands.ts, so listing and checking them loads none of the application.
 */
export interface CliCommand {
  /**
   * The Nest modules whose services `run` uses: the runner boots a context with only these, the
   * configuration and the database, instead of the whole application.
   */
  modules?(): Promise<Type[]>;
  run?(app: INestApplicationContext, options: CommandOptions, io: CliIo): Promise<unknown>;
  /** Work that needs the configuration but no database (the audit public key is a file or a setting). */
  runWithConfig?(config: AppConfig, options: CommandOptions, io: CliIo): Promise<unknown>;
  /**
   * For work that needs neither configuration nor a database (an auditor checking an export on
   * their own machine): when it answers true, `runOffline` runs instead of `run`.
   */
  offline?(options: CommandOptions): boolean;
  runOffline?(options: CommandOptions, io: CliIo): Promise<unknown>;
}
