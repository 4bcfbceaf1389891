import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { AppModule, type AppContext } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { PinoNestLogger } from './common/logger.js';
import { requestIdMiddleware } from './common/request-id.js';
import { createValidationPipe } from './common/validation.js';
import { LOGGER } from './common/logger.module.js';

export const JSON_BODY_LIMIT = '100kb';
export const IMPORT_BODY_LIMIT = '20mb';

/** Builds the HTTP application; main.ts and the end-to-end tests use exactly this. */
export async function createApp(context: AppContext): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(context), {
    bodyParser: false,
    logger: new PinoNestLogger(context.logger),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestIdMiddleware);
  app.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api/v1/networks/:networkId/members/import', express.raw({ type: () => true, limit: IMPORT_BODY_LIMIT }));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.useGlobalFilters(new HttpExceptionFilter(app.get(LOGGER)));
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('listebud API')
      .setDescription('Members, consent and contact-list distribution for sensitive networks')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('lb_staff')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
