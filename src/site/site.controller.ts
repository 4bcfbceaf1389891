import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth.decorators.js';
import { resolveLocale } from '../common/web/locale.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_FAVICON } from './favicon.js';
import { frontPage } from './front-page.js';
import { logoUrl } from './logo-url.js';

/** What the server's own address serves: the front page, the favicon and the organisation's logo. */
@ApiExcludeController()
@Public()
@Controller()
export class SiteController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  front(@Req() req: Request, @Res() res: Response): void {
    res.status(200).type('html').send(frontPage(resolveLocale(req, res), this.config.orgName, logoUrl(this.config)));
  }

  @Get('favicon.ico')
  favicon(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.status(200).type('image/x-icon').send(DEFAULT_FAVICON);
  }

  /** The logo's URL carries its content hash (`?v=`), so a changed file is fetched again at once. */
  @Get('assets/logo')
  logo(@Res() res: Response): void {
    const logo = this.config.orgLogo;
    if (!logo) throw new NotFoundException();
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).type(logo.contentType).send(logo.bytes);
  }
}
