import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditCheckpointsService } from '../audit/audit-checkpoints.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { forbidden } from '../common/domain-error.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { auditPage } from './views/console-audit-pages.js';
import { problemText } from './views/console-errors.js';

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
    const ctx = consoleContext(req, res, this.config.orgName);
    const filter = { from: formText(req.query.from).trim(), to: formText(req.query.to).trim(), action: formText(req.query.action).trim().slice(0, 100), memberId: formText(req.query.memberId).trim(), networkId: formText(req.query.networkId).trim() };
    // A bad filter is a form error naming the field (not a missing page); the log is then shown unfiltered.
    const problems = [
      ...(['from', 'to'] as const).filter((k) => filter[k] && !isDate(filter[k])).map((field) => ({ field, code: 'INVALID_DATE' })),
      ...(['memberId', 'networkId'] as const)
        .filter((k) => filter[k] && !UUID.test(filter[k]))
        .map((field) => ({ field, code: 'INVALID_UUID' })),
    ];
    const errors = problems.map((p) => ({ field: p.field, message: problemText(p, ctx.locale) }));
    const page = errors.length ? 1 : Math.max(1, Number.parseInt(formText(req.query.page).trim(), 10) || 1);
    const valid = errors.length === 0;
    const result = await this.audit.search(
      {
        from: valid && filter.from ? new Date(`${filter.from}T00:00:00Z`) : undefined,
        to: valid && filter.to ? new Date(`${filter.to}T00:00:00Z`) : undefined,
        action: (valid && filter.action) || undefined,
        memberId: (valid && filter.memberId) || undefined,
        networkId: (valid && filter.networkId) || undefined,
      },
      page,
      50,
    );
    const view = { publicKey: this.checkpoints.publicKey(), filter, page, pageSize: 50, total: result.total, events: result.items, errors };
    sendPage(res, auditPage(ctx, view, this.config.timeZone), valid ? 200 : 400);
  }
}

/** A real calendar date as YYYY-MM-DD (what <input type="date"> sends). */
function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
