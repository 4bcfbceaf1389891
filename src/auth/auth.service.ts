import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import type { StaffActor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { newId, newSecretToken, sha256Hex } from '../common/ids.js';
import { AuthRepository } from './auth.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { TotpService } from './totp.service.js';
import { StaffTotpSteps } from './totp-steps.js';
import { StaffSessionEntity } from './staff-session.entity.js';

const wrongCredentials = () => new DomainError('unauthenticated', 'LOGIN_FAILED', 'The e-mail or password is wrong');
const secondFactorRequired = () => new DomainError('unauthenticated', 'SECOND_FACTOR_REQUIRED', 'Give the code from your authenticator app', 'code');
const totpNotStarted = () => new DomainError('conflict', 'TOTP_NOT_STARTED', 'Start the TOTP set-up first');
const totpCodeWrong = () => new DomainError('invalid', 'TOTP_CODE_WRONG', 'The code is wrong or too old', 'code');
const totpCodeRequired = () => new DomainError('invalid', 'TOTP_CODE_REQUIRED', 'Two-step login is on: give a current code to replace it', 'code');
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
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpService,
    private readonly totpSteps: StaffTotpSteps,
  ) {}

  /**
   * Password, then the TOTP code for accounts that have one. With STAFF_TOTP_REQUIRED an account
   * without TOTP gets a session that may only set it up (`setupPending`).
   */
  async login(email: string, password: string, clientAddress: string, code?: string): Promise<{ token: string; actor: StaffActor; setupPending: boolean }> {
    await this.throttle.assertAllowed('staff', email, clientAddress);
    const account = await this.accounts.checkPassword(email, password);
    const now = this.clock.now();
    if (!account) {
      await this.throttle.record('staff', email, clientAddress, false);
      throw wrongCredentials();
    }
    if (account.totpEnabledAt) {
      if (code === undefined) throw secondFactorRequired();
      if (!(await this.spendCode(account.id, account.totpSecret, code))) {
        await this.throttle.record('staff', email, clientAddress, false);
        throw wrongCredentials();
      }
    }
    await this.throttle.record('staff', email, clientAddress, true);
    const setupPending = this.config.staffTotpRequired && !account.totpEnabledAt;
    const token = newSecretToken('lbs');
    await this.dataSource.transaction(async (tx) => {
      const session = Object.assign(new StaffSessionEntity(), { id: newId(), staffId: account.id, tokenHash: sha256Hex(token), createdAt: now, lastSeenAt: now, endedAt: null, secondFactorPending: setupPending, secondFactorPassed: account.totpEnabledAt !== null });
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
    return { token, actor, setupPending };
  }

  /** The staff member behind a session cookie, if the session is live and not idle too long. */
  async actorForSession(token: string): Promise<{ actor: StaffActor; setupPending: boolean } | undefined> {
    const session = await this.repository.findLiveSession(sha256Hex(token));
    if (!session) return undefined;
    const now = this.clock.now();
    if (now.getTime() - session.lastSeenAt.getTime() > this.config.staffSessionIdleMinutes * 60_000) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await this.repository.touchSession(session.id, now);
    const actor = await this.accounts.actorFor(session.staffId);
    return actor ? { actor, setupPending: session.secondFactorPending } : undefined;
  }

  /**
   * Starts (or restarts) TOTP set-up: a new secret, in force only once a code from it is confirmed.
   * While two-step login is on, only a current code from the old secret may replace it: a stolen
   * session alone must not be able to switch the second step off.
   */
  async startTotp(actor: StaffActor, code?: string): Promise<{ secret: string; otpauthUri: string }> {
    const { sealed, enabled } = await this.accounts.totpOf(actor.id);
    if (enabled) {
      if (!code) throw totpCodeRequired();
      if (!(await this.spendCode(actor.id, sealed, code))) throw totpCodeWrong();
    }
    const secret = this.totp.newSecret();
    await this.dataSource.transaction(async (tx) => {
      await this.accounts.setTotp(tx, actor, this.totp.seal(actor.id, secret), null);
      await this.totpSteps.forget(tx, actor.id);
    });
    return { secret, otpauthUri: this.totp.uri(secret, 'listebud staff') };
  }

  async totpEnabled(staffId: string): Promise<boolean> {
    return (await this.accounts.totpOf(staffId)).enabled;
  }

  async confirmTotp(actor: StaffActor, code: string): Promise<void> {
    const { sealed, enabled } = await this.accounts.totpOf(actor.id);
    if (!sealed || enabled) throw totpNotStarted();
    if (!(await this.spendCode(actor.id, sealed, code))) throw totpCodeWrong();
    await this.dataSource.transaction(async (tx) => {
      await this.accounts.setTotp(tx, actor, sealed, this.clock.now());
      await this.repository.clearSecondFactorPending(tx, actor.id);
    });
  }

  /** Whether the code is right and not used before; a right code is spent at once. */
  private async spendCode(staffId: string, sealed: string | null, code: string): Promise<boolean> {
    const secret = sealed ? this.totp.open(staffId, sealed) : undefined;
    if (!secret) return false;
    const step = await this.totp.match(secret, code, await this.totpSteps.last(staffId));
    return step !== undefined && (await this.totpSteps.consume(staffId, step));
  }

  /** Whether the live session's login included the TOTP code (API tokens need that where TOTP is on). */
  async sessionPassedSecondFactor(token: string): Promise<boolean> {
    return (await this.repository.findLiveSession(sha256Hex(token)))?.secondFactorPassed ?? false;
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
