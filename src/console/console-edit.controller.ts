import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { Public } from '../common/auth.decorators.js';
import { DomainError, forbidden, ValidationFailedError, type FieldProblem } from '../common/domain-error.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { formText } from '../common/web/locale.js';
import { ListsService } from '../lists/lists.service.js';
import { MEMBER_FIELDS, type MemberField } from '../members/member-fields.js';
import type { CreateMemberDto } from '../members/dto/member.dto.js';
import { MembersService } from '../members/members.service.js';
import { NetworksService } from '../networks/networks.service.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';
import { consoleContext, sendPage, type ConsoleRequest } from './console-context.js';
import type { ConsoleContext } from './views/console-layout.js';
import { StaffSessionGuard } from './staff-session.guard.js';
import { consoleFormErrors } from './views/console-errors.js';
import {
  addMemberIntro,
  listFormPage,
  listFormValues,
  memberFormPage,
  type ListFormValues,
  type MemberValues,
} from './views/console-form-pages.js';
import { cronOf, SCHEDULE_KINDS, type SchedulePreset } from './views/schedule-words.js';

const staff = (req: ConsoleRequest) => req.staff!;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The form's member fields as the service's input; an empty optional field is stored as nothing. */
function memberInput(v: MemberValues) {
  const opt = (f: MemberField) => (v[f]?.trim() ? v[f] : null);
  return {
    name: v.name ?? '',
    email: v.email ?? '',
    phone: opt('phone'),
    address: opt('address'),
    postalCode: opt('postal_code'),
    city: opt('city'),
    aboutMe: opt('about_me'),
  };
}

/** The list form's values as the lists service's input (the slug is set once, at creation). */
function listInput(v: ListFormValues) {
  const { title, timeZone, requiresApproval } = v;
  return { title, columns: v.columns as MemberField[], timeZone, requiresApproval, schedule: cronOf(v.schedule) };
}

/** Everyday edits that need no file and no API: one member, a member's contact details, a list. */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleEditController {
  constructor(
    private readonly networks: NetworksService,
    private readonly members: MembersService,
    private readonly lists: ListsService,
    private readonly config: AppConfig,
  ) {}

  @Get('netvaerk/:networkId/medlemmer/ny')
  async newMember(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const network = await this.networks.reachable(staff(req), networkId);
    const ctx = consoleContext(req, res, this.config.orgName);
    sendPage(res, memberFormPage(ctx, { ...this.newMemberForm(ctx, networkId, network.name), values: {} }));
  }

  @Post('netvaerk/:networkId/medlemmer/ny')
  async createMember(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const network = await this.networks.reachable(staff(req), networkId);
    const values = this.memberValues(req);
    const input = memberInput(values);
    try {
      // Creating takes absent optional fields where an update takes null.
      const optional = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
      const given = { ...optional, name: input.name, email: input.email } as CreateMemberDto;
      const member = await this.members.create(staff(req), networkId, given);
      res.redirect(303, `/console/medlemmer/${member.id}?done=created`);
    } catch (error) {
      const ctx = consoleContext(req, res, this.config.orgName);
      const errors = this.formErrors(error, ctx.locale, 'email');
      sendPage(res, memberFormPage(ctx, { ...this.newMemberForm(ctx, networkId, network.name), values, errors }), 400);
    }
  }

  @Get('medlemmer/:memberId/ret')
  async editMember(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const m = await this.members.get(staff(req), memberId);
    if (m.erasedAt) return res.redirect(303, `/console/medlemmer/${memberId}`);
    const values: MemberValues = {
      name: m.name,
      email: m.email,
      phone: m.phone ?? '',
      address: m.address ?? '',
      postal_code: m.postalCode ?? '',
      city: m.city ?? '',
      about_me: m.aboutMe ?? '',
    };
    const ctx = consoleContext(req, res, this.config.orgName);
    sendPage(res, memberFormPage(ctx, { ...this.editMemberForm(ctx, memberId, m.name), values }));
  }

  /** Through the members service: the change is audited (which fields, never their values). */
  @Post('medlemmer/:memberId/ret')
  async updateMember(@Param('memberId', UuidPipe) memberId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const values = this.memberValues(req);
    try {
      await this.members.update(staff(req), memberId, memberInput(values));
      res.redirect(303, `/console/medlemmer/${memberId}?done=updated`);
    } catch (error) {
      const ctx = consoleContext(req, res, this.config.orgName);
      const errors = this.formErrors(error, ctx.locale, 'email');
      const m = await this.members.get(staff(req), memberId);
      sendPage(res, memberFormPage(ctx, { ...this.editMemberForm(ctx, memberId, m.name), values, errors }), 400);
    }
  }

  @Get('netvaerk/:networkId/lister/ny')
  async newList(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    await this.networks.reachable(staff(req), networkId);
    const values: ListFormValues = {
      title: '',
      slug: '',
      columns: ['name', 'email', 'phone'],
      timeZone: this.config.timeZone,
      requiresApproval: false,
      schedule: { kind: 'monthly', day: 1, hour: 7 },
    };
    this.sendListForm(req, res, { networkId }, values);
  }

  @Post('netvaerk/:networkId/lister/ny')
  async createList(@Param('networkId', UuidPipe) networkId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    await this.networks.reachable(staff(req), networkId);
    const values = this.listValues(req);
    try {
      const problems = this.listProblems(values, true);
      if (problems.length) throw new ValidationFailedError(problems);
      const list = await this.lists.create(staff(req), networkId, { slug: values.slug, ...listInput(values) });
      res.redirect(303, `/console/lister/${list.id}?done=saved`);
    } catch (error) {
      this.sendListForm(req, res, { networkId }, values, error);
    }
  }

  @Get('lister/:listId/ret')
  async editList(@Param('listId', UuidPipe) listId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const list = await this.lists.get(staff(req), listId);
    this.sendListForm(req, res, { listId }, listFormValues(list));
  }

  @Post('lister/:listId/ret')
  async updateList(@Param('listId', UuidPipe) listId: string, @Req() req: ConsoleRequest, @Res() res: Response) {
    this.assertWriter(req);
    const list = await this.lists.get(staff(req), listId);
    const values = { ...this.listValues(req), slug: list.slug };
    try {
      const problems = this.listProblems(values, false);
      if (problems.length) throw new ValidationFailedError(problems);
      await this.lists.update(staff(req), listId, listInput(values));
      res.redirect(303, `/console/lister/${listId}?done=saved`);
    } catch (error) {
      this.sendListForm(req, res, { listId }, values, error);
    }
  }

  private newMemberForm(ctx: ConsoleContext, networkId: string, networkName: string) {
    const at = `/console/netvaerk/${networkId}`;
    return { title: ctx.t.addMemberTitle, intro: addMemberIntro(ctx, networkName), action: `${at}/medlemmer/ny`, back: at };
  }

  private editMemberForm(ctx: ConsoleContext, memberId: string, name: string) {
    const at = `/console/medlemmer/${memberId}`;
    return { title: name, intro: ctx.t.editMemberTitle, action: `${at}/ret`, back: at };
  }

  private sendListForm(
    req: ConsoleRequest,
    res: Response,
    at: { networkId?: string; listId?: string },
    values: ListFormValues,
    error?: unknown,
  ) {
    const ctx = consoleContext(req, res, this.config.orgName);
    const errors = error === undefined ? undefined : this.formErrors(error, ctx.locale, 'title');
    const isNew = !!at.networkId;
    const action = isNew ? `/console/netvaerk/${at.networkId}/lister/ny` : `/console/lister/${at.listId}/ret`;
    const back = isNew ? `/console/netvaerk/${at.networkId}/lister` : `/console/lister/${at.listId}`;
    const title = isNew ? ctx.t.newListTitle : ctx.t.editListTitle;
    sendPage(res, listFormPage(ctx, { title, action, back, values, isNew, errors }), errors ? 400 : 200);
  }

  private memberValues(req: ConsoleRequest): MemberValues {
    return Object.fromEntries(MEMBER_FIELDS.map((f) => [f, formText(req.body?.[f]).slice(0, 4000)]));
  }

  private listValues(req: ConsoleRequest): ListFormValues {
    const raw = req.body?.columns as unknown;
    const columns = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const kind = formText(req.body?.scheduleKind);
    const int = (name: string) => (/^\d{1,2}$/.test(formText(req.body?.[name]).trim()) ? Number(formText(req.body?.[name]).trim()) : NaN);
    const hour = int('hour');
    let schedule: SchedulePreset;
    if (kind === 'monthly') schedule = { kind, day: int('day'), hour };
    else if (kind === 'weekly') schedule = { kind, weekday: int('weekday'), hour };
    else if (kind === 'daily') schedule = { kind, hour };
    else if (kind === 'cron') schedule = { kind, cron: formText(req.body?.cron).trim().slice(0, 200) };
    else schedule = { kind: 'manual' };
    return {
      title: formText(req.body?.title).trim(),
      slug: formText(req.body?.slug).trim(),
      columns,
      timeZone: formText(req.body?.timeZone).trim() || this.config.timeZone,
      requiresApproval: formText(req.body?.requiresApproval) === '1',
      schedule,
    };
  }

  /** What the API's DTO checks, for the form (the service checks the schedule and the time zone). */
  private listProblems(v: ListFormValues, isNew: boolean): FieldProblem[] {
    const p: FieldProblem[] = [];
    const add = (field: string, code: string) => p.push({ field, code, message: code });
    if (!v.title) add('title', 'REQUIRED');
    else if (v.title.length > 200) add('title', 'TOO_LONG');
    if (isNew && (!SLUG.test(v.slug) || v.slug.length > 60)) add('slug', 'INVALID_SLUG');
    const known = (c: string) => (MEMBER_FIELDS as readonly string[]).includes(c);
    if (v.columns.length === 0 || !v.columns.every(known)) add('columns', 'INVALID_COLUMNS');
    const s = v.schedule;
    if (!(SCHEDULE_KINDS as readonly string[]).includes(s.kind)) add('schedule', 'INVALID_SCHEDULE');
    if ((s.kind === 'monthly' || s.kind === 'weekly' || s.kind === 'daily') && !(s.hour >= 0 && s.hour <= 23)) add('hour', 'INVALID_HOUR');
    if (s.kind === 'monthly' && !(s.day >= 1 && s.day <= 28)) add('day', 'INVALID_DAY');
    if (s.kind === 'weekly' && !(s.weekday >= 0 && s.weekday <= 6)) add('weekday', 'INVALID_SCHEDULE');
    if (s.kind === 'cron' && !s.cron) add('schedule', 'INVALID_SCHEDULE');
    return p;
  }

  private formErrors(error: unknown, locale: 'da' | 'en', fallbackField: string) {
    if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
    return consoleFormErrors(error, locale, fallbackField);
  }

  private assertWriter(req: ConsoleRequest) {
    if (staff(req).role === 'auditor') throw forbidden();
  }
}
