import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth.decorators.js';
import { PORTAL_CSS } from './views/portal-css.js';

@ApiExcludeController()
@Public()
@Controller('assets')
export class AssetsController {
  @Get('portal.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  css(): string {
    return PORTAL_CSS;
  }
}
