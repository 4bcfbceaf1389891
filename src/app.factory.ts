import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { AppModule, type AppContext } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { PinoNestLogger } from './common/logger.js';
import { requestIdMiddleware } from './common/request-id.js';
import { createValidationPipe } from './common/validation.js';
import { LOGGER } from './common/logger.module.js';
import { AppConfig } from './config/app-config.js';
import { csrfProtection } from './common/web/csrf.js';
import { refuseNul } from './common/input-guard.js';
import type { RequestWithId } from './common/request-id.js';
import { PAGE_ERROR_TEXTS } from './common/web/page-errors.js';
import { FORM_BODY_LIMIT, IMPORT_BODY_LIMIT, IMPORT_FORM_BODY_LIMIT, JSON_BODY_LIMIT } from './common/web/limits.js';
import { pageContext, sendPage } from './portal/portal-context.js';
import { messagePage } from './portal/views/public-pages.js';
import { logoUrl } from './site/logo-url.js';

export { IMPORT_BODY_LIMIT, JSON_BODY_LIMIT } from './common/web/limits.js';

/**
 * Pages load nothing but their own stylesheet; no scripts at all. The OpenAPI explorer at
 * /api/docs needs its own scripts and gets helmet's default policy instead.
 */
const strictHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: true,
  referrerPolicy: { policy: 'no-referrer' },
});
const docsHeaders = helmet({ referrerPolicy: { policy: 'no-referrer' } });

/** Builds the HTTP application; main.ts and the end-to-end tests use exactly this. */
export async function createApp(context: AppContext): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(context), {
    bodyParser: false,
    logger: new PinoNestLogger(context.logger),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', context.config.trustProxy);
  app.use(requestIdMiddleware);
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    (req.path.startsWith('/api/docs') ? docsHeaders : strictHeaders)(req, res, next);
  });
  app.use('/api/v1/networks/:networkId/members/import', express.raw({ type: () => true, limit: IMPORT_BODY_LIMIT }));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  const config = app.get(AppConfig);
  // Every page's header shows the organisation's logo when one is configured (see page-shell.ts).
  const logo = logoUrl(config);
  app.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.locals.logoUrl = logo;
    next();
  });
  // The console's import confirmation carries the checked file back; every other form is small.
  app.use(/^\/console\/netvaerk\/[^/]+\/import\/gem$/, express.urlencoded({ extended: false, limit: IMPORT_FORM_BODY_LIMIT, parameterLimit: 10 }));
  app.use(['/portal', '/console'], express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 200 }));
  app.use(
    refuseNul((req, res, field) => {
      const message = `${field} must not hold a NUL character`;
      if (!/^\/(portal|console)(\/|$)/.test(req.path)) {
        res.status(400).json({ code: 'INVALID_CHARACTER', message, field, requestId: (req as RequestWithId).requestId });
        return;
      }
      const ctx = pageContext(req, res, config.orgName);
      const text = PAGE_ERROR_TEXTS[ctx.locale].invalid;
      sendPage(res, messagePage(ctx, text.title, `${text.message} (${field})`), 400);
    }),
  );
  app.use(
    ['/portal', '/console'],
    csrfProtection(config.sessionSecret ?? '', config.secureCookies, (req, res) => {
      const ctx = pageContext(req, res, config.orgName);
      sendPage(res, messagePage(ctx, ctx.t.csrfTitle, ctx.t.csrf), 403);
    }),
  );
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
