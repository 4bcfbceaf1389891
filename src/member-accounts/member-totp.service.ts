import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { TotpService } from '../auth/totp.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { memberSessionRequired, totpCodeWrong, totpNotStarted } from './member-accounts.errors.js';
import { MemberAccountsRepository } from './member-accounts.repository.js';
import type { MemberAccountEntity } from './member-account.entity.js';
import type { MemberSession } from './member-auth.service.js';

export type TotpStatus = { state: 'off' } | { state: 'pending'; secret: string; uri: string } | { state: 'on' };

/** Optional two-step login for members: a code from an authenticator app after the password. */
@Injectable()
export class MemberTotpService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MemberAccountsRepository,
    private readonly totp: TotpService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async status(memberId: string): Promise<TotpStatus> {
    const account = await this.repository.findAccount(memberId);
    if (!account) throw memberSessionRequired();
    if (account.totpEnabledAt) return { state: 'on' };
    const secret = account.totpSecret ? this.totp.open(memberId, account.totpSecret) : undefined;
    return secret ? { state: 'pending', secret, uri: this.totp.uri(secret, 'listebud') } : { state: 'off' };
  }

  /**
   * A new secret to add to the app; it counts only once a code from it is confirmed. While two-step
   * login is on, only a current code from the old secret may replace it (a session alone may not).
   */
  async start(session: MemberSession, code = ''): Promise<void> {
    const account = await this.repository.findAccount(session.memberId);
    if (!account) throw memberSessionRequired();
    if (account.totpEnabledAt) await this.requireCode(session.memberId, account.totpSecret ?? '', code);
    const totpSecret = this.totp.seal(session.memberId, this.totp.newSecret());
    await this.change(session.memberId, 'member_account.totp_setup_started', { totpSecret, totpEnabledAt: null, totpLastStep: null });
  }

  async confirm(session: MemberSession, code: string): Promise<void> {
    const account = await this.repository.findAccount(session.memberId);
    if (!account?.totpSecret || account.totpEnabledAt) throw totpNotStarted();
    await this.requireCode(session.memberId, account.totpSecret, code);
    await this.change(session.memberId, 'member_account.totp_enabled', { totpEnabledAt: this.clock.now() });
  }

  async disable(session: MemberSession, code: string): Promise<void> {
    const account = await this.repository.findAccount(session.memberId);
    if (!account?.totpSecret || !account.totpEnabledAt) throw totpNotStarted();
    await this.requireCode(session.memberId, account.totpSecret, code);
    await this.change(session.memberId, 'member_account.totp_disabled', { totpSecret: null, totpEnabledAt: null });
  }

  /** The second step of a login: the session becomes a full one. Failures are throttled and audited. */
  async passSecondFactor(session: MemberSession, code: string, clientAddress: string): Promise<void> {
    if (!session.secondFactorPending) return;
    const account = await this.repository.findAccount(session.memberId);
    if (!account?.totpSecret || !account.totpEnabledAt) throw memberSessionRequired();
    const key = `totp:${session.memberId}`;
    await this.throttle.assertAllowed('member', key, clientAddress);
    const ok = await this.spendCode(session.memberId, account.totpSecret, account.totpLastStep, code);
    await this.throttle.record('member', key, clientAddress, ok);
    const actor: Actor = { type: 'member', id: session.memberId };
    await this.dataSource.transaction(async (tx) => {
      if (ok) await this.repository.updateSession(tx, session.sessionId, { secondFactorPending: false });
      await this.audit.record(tx, ok ? actor : { type: 'system' }, {
        action: ok ? 'member.second_factor_passed' : 'member.login_failed',
        subjectType: 'member',
        subjectId: session.memberId,
        detail: ok ? { sessionId: session.sessionId } : { reason: 'wrong_second_factor' },
      });
    });
    if (!ok) throw totpCodeWrong();
  }

  private async requireCode(memberId: string, sealed: string, code: string): Promise<void> {
    const account = await this.repository.findAccount(memberId);
    if (!(await this.spendCode(memberId, sealed, account?.totpLastStep ?? null, code))) throw totpCodeWrong();
  }

  /** Whether the code is right and newer than the last one used; a right code is spent at once. */
  private async spendCode(memberId: string, sealed: string, lastStep: string | null, code: string): Promise<boolean> {
    const secret = this.totp.open(memberId, sealed);
    if (!secret) return false;
    const step = await this.totp.match(secret, code, lastStep === null ? null : Number(lastStep));
    return step !== undefined && (await this.repository.consumeTotpStep(memberId, step));
  }

  private async change(memberId: string, action: string, patch: Pick<Partial<MemberAccountEntity>, 'totpSecret' | 'totpEnabledAt' | 'totpLastStep'>): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.repository.updateAccount(tx, memberId, { ...patch, updatedAt: this.clock.now() });
      await this.audit.record(tx, { type: 'member', id: memberId }, { action, subjectType: 'member', subjectId: memberId, detail: {} });
    });
  }
}
