import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from './clock.js';

export const LOGGER = Symbol('LOGGER');

@Global()
@Module({})
export class CommonModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: CommonModule,
      providers: [{ provide: LOGGER, useValue: logger }, Clock],
      exports: [LOGGER, Clock],
    };
  }
}
