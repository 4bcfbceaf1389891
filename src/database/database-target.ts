import type { AppConfig, DatabaseMode } from '../config/app-config.js';
import { EmbeddedPostgres, findRunningEmbedded } from './embedded-postgres.js';

export interface ConnectionSettings {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  database?: string;
}

/** Where the database is and how to let go of it; resolved before Nest starts. */
export class DatabaseTarget {
  constructor(
    readonly mode: DatabaseMode,
    readonly connection: ConnectionSettings,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  close(): Promise<void> {
    return this.onClose();
  }
}

export interface OpenDatabaseOptions {
  /** The CLI may share the database of a running server on the same DATA_DIR; the server may not. */
  shareRunningServer?: boolean;
}

export async function openDatabase(config: AppConfig, options: OpenDatabaseOptions = {}): Promise<DatabaseTarget> {
  if (config.databaseUrl) return new DatabaseTarget('postgres', { url: config.databaseUrl });
  if (options.shareRunningServer) {
    const running = findRunningEmbedded(config.dataDir);
    if (running) return new DatabaseTarget('embedded', embeddedSettings(running.socketDir, running.port));
  }
  const embedded = await EmbeddedPostgres.start(config.dataDir);
  return new DatabaseTarget('embedded', embeddedSettings(embedded.endpoint.socketDir, embedded.endpoint.port), () =>
    embedded.stop(),
  );
}

function embeddedSettings(socketDir: string, port: number): ConnectionSettings {
  return { host: socketDir, port, username: 'postgres', database: 'postgres' };
}
