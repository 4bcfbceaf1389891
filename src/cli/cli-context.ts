import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../common/logger.module.js';
import { createLogger, PinoNestLogger } from '../common/logger.js';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { openDatabase } from '../database/database-target.js';

/** What every feature module expects around it (AppModule gives the server the same three). */
@Module({})
class CliModule {
  static forCommand(imports: DynamicModule[], modules: Type[]): DynamicModule {
    return { module: CliModule, imports: [...imports, ...modules] };
  }
}

/**
 * Runs `work` in a Nest context holding only the modules a command uses (and what they import),
 * instead of the whole application: loading and wiring every module was most of a command's start.
 */
export async function withCommandContext<T>(
  config: AppConfig,
  modules: Type[],
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  // Logs go to stderr so stdout holds only the result.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2);
  const database = await openDatabase(config, { shareRunningServer: true });
  try {
    const root = CliModule.forCommand(
      [ConfigModule.forRoot(config), CommonModule.forRoot(logger), DatabaseModule.forRoot(database)],
      modules,
    );
    const app = await NestFactory.createApplicationContext(root, { logger: new PinoNestLogger(logger), abortOnError: false });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}
