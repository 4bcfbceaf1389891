import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import type { StaffActor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { newId, newSecretToken, sha256Hex } from '../common/ids.js';
import { AuthRepository } from './auth.repository.js';
import { StaffSessionEntity } from './staff-session.entity.js';

const wrongCredentials = () => new DomainError('unauthenticated', 'LOGIN_FAILED', 'The e-mail or password is wrong');
const tooManyAttempts = () =>
  new DomainError('too_many', 'LOGIN_THROTTLED', 'Too many failed attempts. Wait a while and try again');

const ADDRESS_FACTOR = 4;

/** Sessions are touched at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AuthRepository,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Keys are keyed hashes, so the attempts table never holds an e-mail or an address in clear. */
  private throttleKey(kind: 'account' | 'address', value: string): string {
    return createHmac('sha256', this.config.sessionSecret ?? '').update(`${kind}:${value.trim().toLowerCase()}`).digest('hex');
  }

  async login(email: string, password: string, clientAddress: string): Promise<{ token: string; actor: StaffActor }> {
    const accountKey = this.throttleKey('account', email);
    const addressKey = this.throttleKey('address', clientAddress);
    const keys = [accountKey, addressKey];
    const since = new Date(this.clock.now().getTime() - this.config.loginWindowMinutes * 60_000);
    // One address may serve several people (an office), so it gets more room than one account,
    // and a success does not reset it (one valid account must not unlock guessing at others).
    const max = this.config.loginMaxFailures;
    if ((await this.repository.recentFailures(accountKey, since, true)) >= max) throw tooManyAttempts();
    if ((await this.repository.recentFailures(addressKey, since, false)) >= max * ADDRESS_FACTOR) throw tooManyAttempts();
    const account = await this.accounts.checkPassword(email, password);
    const now = this.clock.now();
    if (!account) {
      await this.repository.recordAttempt(keys, false, now);
      throw wrongCredentials();
    }
    await this.repository.recordAttempt(keys, true, now);
    const token = newSecretToken('lbs');
    await this.dataSource.transaction(async (tx) => {
      const session = Object.assign(new StaffSessionEntity(), { id: newId(), staffId: account.id, tokenHash: sha256Hex(token), createdAt: now, lastSeenAt: now, endedAt: null });
      await this.repository.insertSession(tx, session);
      await this.audit.record(tx, { type: 'staff', id: account.id, role: account.role, networkIds: [] }, {
        action: 'staff.logged_in',
        subjectType: 'staff',
        subjectId: account.id,
        detail: { sessionId: session.id },
      });
    });
    const actor = await this.accounts.actorFor(account.id);
    if (!actor) throw wrongCredentials();
    return { token, actor };
  }

  /** The staff member behind a session cookie, if the session is live and not idle too long. */
  async actorForSession(token: string): Promise<StaffActor | undefined> {
    const session = await this.repository.findLiveSession(sha256Hex(token));
    if (!session) return undefined;
    const now = this.clock.now();
    if (now.getTime() - session.lastSeenAt.getTime() > this.config.staffSessionIdleMinutes * 60_000) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await this.repository.touchSession(session.id, now);
    return this.accounts.actorFor(session.staffId);
  }

  actorForToken(token: string): Promise<StaffActor | undefined> {
    return this.accounts.actorForToken(token);
  }

  async logout(token: string, actor: StaffActor): Promise<void> {
    const session = await this.repository.findLiveSession(sha256Hex(token));
    if (!session) return;
    await this.dataSource.transaction(async (tx) => {
      await this.repository.endSession(tx, session.id, this.clock.now());
      await this.audit.record(tx, actor, { action: 'staff.logged_out', subjectType: 'staff', subjectId: actor.id, detail: { sessionId: session.id } });
    });
  }
}
