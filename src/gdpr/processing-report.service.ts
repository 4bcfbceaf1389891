import { Injectable } from '@nestjs/common';
import { AuditService, type AuditEventView } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError, type FieldProblem } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { RecipientsLedger } from '../editions/recipients-ledger.js';
import { MEMBER_FIELDS } from '../members/member-fields.js';
import { NetworksService } from '../networks/networks.service.js';
import type { ProcessingReportDto, ProcessingReportRowDto } from './dto/gdpr.dto.js';

const PAGE = 1000;
/** A report covers at most this long a period. */
const MAX_DAYS = 3 * 366;

/** How far the zone is ahead of UTC at this instant, in milliseconds. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Midnight of a calendar day in the zone, as an instant. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const utc = Date.UTC(year, month - 1, day);
  const first = utc - zoneOffsetMs(new Date(utc), timeZone);
  return new Date(utc - zoneOffsetMs(new Date(first), timeZone));
}

/** `YYYY-MM-DD`, `YYYY-MM` (midnight in the zone) or an ISO 8601 instant with its offset. */
export function parseReportTime(value: string, field: string, timeZone: string): Date | FieldProblem {
  const day = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(value.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3] ?? '1')];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) return zonedMidnight(y, m, d, timeZone);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    const at = new Date(value.trim());
    if (!Number.isNaN(at.getTime())) return at;
  }
  return { field, code: 'INVALID_DATE', message: `${field} must be a date (YYYY-MM-DD or YYYY-MM) or an ISO 8601 time with its offset` };
}

/**
 * Records of processing (art. 30): what was distributed, per network and month, read from the audit
 * log (`edition.published`, `bundle.built`) and the editions' rows (the fields they showed). Counts,
 * ids and field names only: the report holds no contact data.
 */
@Injectable()
export class ProcessingReportService {
  constructor(
    private readonly audit: AuditService,
    private readonly editions: RecipientsLedger,
    private readonly networks: NetworksService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** From the API or the command line: the period as typed, checked here, each bad field named. */
  async reportFor(actor: Actor, fromText: string | undefined, toText: string | undefined): Promise<ProcessingReportDto> {
    const tz = this.config.timeZone;
    const problems: FieldProblem[] = [];
    const read = (value: string | undefined, field: string) => {
      if (value === undefined || value.trim() === '') {
        problems.push({ field, code: 'REQUIRED', message: `${field} is required (YYYY-MM-DD)` });
        return undefined;
      }
      const parsed = parseReportTime(value, field, tz);
      if (parsed instanceof Date) return parsed;
      problems.push(parsed);
      return undefined;
    };
    const from = read(fromText, 'from');
    const to = read(toText, 'to');
    if (from && to && to.getTime() <= from.getTime()) problems.push({ field: 'to', code: 'INVALID_PERIOD', message: 'to must be after from' });
    else if (from && to && to.getTime() - from.getTime() > MAX_DAYS * 24 * 3600_000) {
      problems.push({ field: 'to', code: 'PERIOD_TOO_LONG', message: `the period may be at most ${MAX_DAYS} days` });
    }
    if (problems.length) throw new ValidationFailedError(problems);
    return this.report(actor, from!, to!);
  }

  async report(actor: Actor, from: Date, to: Date): Promise<ProcessingReportDto> {
    if (actor.type === 'member' || (actor.type === 'staff' && actor.role === 'coordinator')) throw forbidden();
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: this.config.timeZone, year: 'numeric', month: '2-digit' });
    const monthOf = (iso: string) => month.format(new Date(iso)).slice(0, 7);
    const groups = new Map<string, { networkId: string; month: string; published: Set<string>; editions: Set<string>; recipients: Set<string>; bundles: Set<string> }>();
    const group = (networkId: string, at: string) => {
      const key = `${networkId} ${monthOf(at)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { networkId, month: monthOf(at), published: new Set(), editions: new Set(), recipients: new Set(), bundles: new Set() }));
      return g;
    };
    for (const e of await this.events('edition.published', from, to)) {
      if (!e.networkId || !e.subjectId) continue;
      const g = group(e.networkId, e.at);
      g.published.add(e.subjectId);
      g.editions.add(e.subjectId);
    }
    for (const e of await this.events('bundle.built', from, to)) {
      const detail = (e.detail ?? {}) as { editionId?: string; memberId?: string };
      if (!e.networkId || !e.subjectId) continue;
      const g = group(e.networkId, e.at);
      g.bundles.add(e.subjectId);
      if (detail.memberId) g.recipients.add(detail.memberId);
      if (detail.editionId) g.editions.add(detail.editionId);
    }
    const fields = await this.editions.fieldsShared([...new Set([...groups.values()].flatMap((g) => [...g.editions]))]);
    const names = new Map((await this.networks.list(actor)).map((n) => [n.id, n.name]));
    const rows: ProcessingReportRowDto[] = [...groups.values()].map((g) => {
      const shared = new Set([...g.editions].flatMap((id) => fields.get(id)?.fields ?? []));
      return {
        networkId: g.networkId,
        networkName: names.get(g.networkId) ?? '',
        month: g.month,
        editionsPublished: g.published.size,
        recipients: g.recipients.size,
        bundlesBuilt: g.bundles.size,
        fieldsShared: MEMBER_FIELDS.filter((f) => shared.has(f)),
        editionIds: [...g.published].sort(),
      };
    });
    rows.sort((a, b) => a.month.localeCompare(b.month) || a.networkName.localeCompare(b.networkName, 'da') || a.networkId.localeCompare(b.networkId));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      timeZone: this.config.timeZone,
      generatedAt: this.clock.now().toISOString(),
      source: 'audit log (edition.published, bundle.built) and the editions\' rows (fields shown)',
      rows,
    };
  }

  private async events(action: string, from: Date, to: Date): Promise<AuditEventView[]> {
    const all: AuditEventView[] = [];
    for (let page = 1; ; page++) {
      const { items } = await this.audit.search({ action, from, to }, page, PAGE);
      all.push(...items);
      if (items.length < PAGE) return all;
    }
  }
}
