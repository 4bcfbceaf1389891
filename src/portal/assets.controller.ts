import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth.decorators.js';
import { SITE_CSS } from '../common/web/site-css.js';

@ApiExcludeController()
@Public()
@Controller('assets')
export class AssetsController {
  @Get('site.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  css(): string {
    return SITE_CSS;
  }
}
