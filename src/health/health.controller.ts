import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth.decorators.js';
import { DatabaseTarget } from '../database/database-target.js';
import { MailboxHealthService } from '../mail-intake/mailbox-health.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly target: DatabaseTarget,
    private readonly mailbox: MailboxHealthService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({
    schema: { example: { status: 'ok', database: 'embedded', migrations: 'up to date', mailbox: 'off' } },
    description: "mailbox: 'off' (IMAP_URL unset), 'ok', 'unreachable' (the reader cannot connect or log in), 'unknown' (no recent report)",
  })
  async health(@Res({ passthrough: true }) res: Response) {
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await this.dataSource.showMigrations();
      // The mailbox is a side door for access requests: it being down does not make the service unavailable.
      const mailbox = await this.mailbox.state();
      return { status: 'ok', database: this.target.mode, migrations: pending ? 'pending' : 'up to date', mailbox };
    } catch {
      res.status(503);
      return { status: 'unavailable', database: this.target.mode };
    }
  }
}
