import { Module } from '@nestjs/common';
import { SiteController } from './site.controller.js';

/** The server's front page, favicon and logo: the organisation's face before anyone logs in. */
@Module({ controllers: [SiteController] })
export class SiteModule {}
