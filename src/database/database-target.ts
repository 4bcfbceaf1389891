import type { AppConfig, DatabaseMode } from '../config/app-config.js';
import { prepareDataDir } from './data-dir.js';
import { EmbeddedPostgres, findRunningEmbedded } from './embedded-postgres.js';
import { databaseUser } from './postgres-binaries.js';

export interface ConnectionSettings {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  database?: string;
}

export interface DatabaseTargetOptions {
  close?: () => Promise<void>;
  /** Resolves if the database this process started ends on its own. */
  lost?: Promise<void>;
  /** What start-up repaired, for the log. */
  notices?: string[];
}

/** Where the database is and how to let go of it; resolved before Nest starts. */
export class DatabaseTarget {
  constructor(
    readonly mode: DatabaseMode,
    readonly connection: ConnectionSettings,
    private readonly options: DatabaseTargetOptions = {},
  ) {}

  get notices(): string[] {
    return this.options.notices ?? [];
  }

  get lost(): Promise<void> {
    return this.options.lost ?? new Promise(() => undefined);
  }

  close(): Promise<void> {
    return this.options.close?.() ?? Promise.resolve();
  }
}

export interface OpenDatabaseOptions {
  /** The CLI may share the database of a running server on the same DATA_DIR; the server may not. */
  shareRunningServer?: boolean;
}

export async function openDatabase(config: AppConfig, options: OpenDatabaseOptions = {}): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    prepareDataDir(config.dataDir);
    return new DatabaseTarget('postgres', { url: config.databaseUrl });
  }
  if (options.shareRunningServer) {
    const running = findRunningEmbedded(prepareDataDir(config.dataDir, await databaseUser()));
    if (running) return new DatabaseTarget('embedded', embeddedSettings(running.socketDir, running.port));
  }
  const embedded = await EmbeddedPostgres.start(config.dataDir);
  return new DatabaseTarget('embedded', embeddedSettings(embedded.endpoint.socketDir, embedded.endpoint.port), {
    close: () => embedded.stop(),
    lost: embedded.lost(),
    notices: embedded.notices,
  });
}

function embeddedSettings(socketDir: string, port: number): ConnectionSettings {
  return { host: socketDir, port, username: 'postgres', database: 'postgres' };
}
