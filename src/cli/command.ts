import type { INestApplicationContext } from '@nestjs/common';
import type { CommandOptions } from './cli-args.js';

export interface CliIo {
  readStdin(): Promise<string>;
  /** Progress lines; the final JSON result is printed by the runner. */
  info(line: string): void;
}

export interface CliCommand {
  name: string;
  usage: string;
  options: string[];
  run(app: INestApplicationContext, options: CommandOptions, io: CliIo): Promise<unknown>;
  /**
   * For work that needs neither configuration nor a database (an auditor checking an export on
   * their own machine): when it answers true, `runOffline` runs instead of `run`.
   */
  offline?(options: CommandOptions): boolean;
  runOffline?(options: CommandOptions, io: CliIo): Promise<unknown>;
}
