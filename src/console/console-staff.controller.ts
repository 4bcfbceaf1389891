import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { formText } from '../common/web/locale.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountsService } from '../accounts/accounts.service.js';
import { AppConfig } from '../config/app-config.js';
import { STAFF_ROLES, type StaffRole } from '../common/actor.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { NetworksService } from '../networks/networks.service.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { consoleFormErrors } from './views/console-errors.js';
import { staffPage } from './views/console-distribution-pages.js';

const staff = (req: ConsoleRequest) => req.staff!;

/** Admins manage staff accounts and which networks each coordinator works in. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/medarbejdere')
export class ConsoleStaffController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly networks: NetworksService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Req() req: ConsoleRequest, @Res() res: Response) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const flash = req.query.done === 'created' ? ctx.t.staffCreated : undefined;
    sendPage(res, staffPage(ctx, await this.accounts.list(staff(req)), await this.networks.list(staff(req)), { flash, selfId: staff(req).id }));
  }

  @Post()
  async create(@Req() req: ConsoleRequest, @Res() res: Response) {
    const email = formText(req.body?.email);
    const role = formText(req.body?.role) as StaffRole;
    try {
      if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new DomainError('invalid', 'INVALID_ROLE', 'role must be coordinator, auditor or admin', 'role');
      await this.accounts.createStaff(staff(req), { email, password: formText(req.body?.password), role });
      res.redirect(303, '/console/medarbejdere?done=created');
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
      const ctx = consoleContext(req, res, this.config.orgName);
      const errors = consoleFormErrors(error, ctx.locale, 'email');
      sendPage(res, staffPage(ctx, await this.accounts.list(staff(req)), await this.networks.list(staff(req)), { values: { email, role }, selfId: staff(req).id, errors }), 400);
    }
  }

  @Post(':staffId/netvaerk')
  async setNetworks(@Param('staffId', UuidPipe) staffId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    const raw = req.body?.networkIds as unknown;
    const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).map((id) => new UuidPipe().transform(id, { type: 'body', data: 'networkIds' }));
    await this.accounts.setNetworks(staff(req), staffId, ids);
    res.redirect(303, '/console/medarbejdere');
  }

  /** Ends the account's sessions and revokes its API tokens at once (see AccountsService.setDisabled). */
  @Post(':staffId/deaktiver')
  async disable(@Param('staffId', UuidPipe) staffId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.accounts.setDisabled(staff(req), staffId, true);
    res.redirect(303, '/console/medarbejdere');
  }

  @Post(':staffId/aktiver')
  async enable(@Param('staffId', UuidPipe) staffId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    await this.accounts.setDisabled(staff(req), staffId, false);
    res.redirect(303, '/console/medarbejdere');
  }
}
