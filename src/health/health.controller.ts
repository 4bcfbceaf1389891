import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth.decorators.js';
import { DatabaseTarget } from '../database/database-target.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly target: DatabaseTarget,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'embedded', migrations: 'up to date' } } })
  async health(@Res({ passthrough: true }) res: Response) {
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await this.dataSource.showMigrations();
      return { status: 'ok', database: this.target.mode, migrations: pending ? 'pending' : 'up to date' };
    } catch {
      res.status(503);
      return { status: 'unavailable', database: this.target.mode };
    }
  }
}
