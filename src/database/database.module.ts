import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { DatabaseTarget } from './database-target.js';
import { runMigrations } from './migrate.js';

/** Pool size per process; the embedded server accepts more connections than this. */
const POOL_SIZE = 10;

export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  return {
    type: 'postgres',
    ...target.connection,
    migrations,
    autoLoadEntities: true,
    synchronize: false,
    migrationsRun: false,
    extra: { max: POOL_SIZE, application_name: 'listebud', onConnect: keepErrorListener },
  } as DataSourceOptions;
}

/**
 * Gives every pooled client an 'error' listener for its whole life. pg-pool takes its own listener off
 * when it hands a client out and TypeORM adds one only a microtask later, so a server that ends the
 * connection in the same socket read as the log-in's ReadyForQuery (a restart, pg_terminate_backend)
 * emitted 'error' with no listener and crashed the process. Nothing is lost: the client is marked
 * unusable, its query fails, and the pool drops it on release.
 */
function keepErrorListener(client: { on(event: 'error', listener: () => void): unknown }): void {
  client.on('error', () => undefined);
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(target: DatabaseTarget): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(target),
          // Migrations run before anything else may touch the schema, under an advisory lock.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: DatabaseTarget, useValue: target }],
      exports: [DatabaseTarget],
    };
  }
}
