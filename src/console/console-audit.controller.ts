import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditCheckpointsService } from '../audit/audit-checkpoints.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { forbidden, ValidationFailedError } from '../common/domain-error.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { auditPage } from './views/console-audit-pages.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only: admins and auditors read the log; coordinators do not. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/revision')
export class ConsoleAuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly checkpoints: AuditCheckpointsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async page(@Req() req: ConsoleRequest, @Res() res: Response) {
    if (req.staff!.role === 'coordinator') throw forbidden();
    const filter = { from: formText(req.query.from).trim(), to: formText(req.query.to).trim(), action: formText(req.query.action).trim().slice(0, 100), memberId: formText(req.query.memberId).trim(), networkId: formText(req.query.networkId).trim() };
    const problems = [
      ...(['from', 'to'] as const).filter((k) => filter[k] && !DATE.test(filter[k])).map((field) => ({ field, code: 'INVALID_DATE', message: `${field} must be a date (YYYY-MM-DD)` })),
      ...(['memberId', 'networkId'] as const).filter((k) => filter[k] && !UUID.test(filter[k])).map((field) => ({ field, code: 'INVALID_UUID', message: `${field} must be a UUID` })),
    ];
    if (problems.length) throw new ValidationFailedError(problems);
    const page = Math.max(1, Number.parseInt(formText(req.query.page).trim(), 10) || 1);
    const result = await this.audit.search(
      {
        from: filter.from ? new Date(`${filter.from}T00:00:00Z`) : undefined,
        to: filter.to ? new Date(`${filter.to}T00:00:00Z`) : undefined,
        action: filter.action || undefined,
        memberId: filter.memberId || undefined,
        networkId: filter.networkId || undefined,
      },
      page,
      50,
    );
    sendPage(res, auditPage(consoleContext(req, res, this.config.orgName), { publicKey: this.checkpoints.publicKey(), filter, page, pageSize: 50, total: result.total, events: result.items }, this.config.timeZone));
  }
}
