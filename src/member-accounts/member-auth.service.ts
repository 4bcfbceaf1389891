import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PasswordHasher } from '../accounts/password-hasher.js';
import { passwordProblems } from '../accounts/password-policy.js';
import { AuditService } from '../audit/audit.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { AgeEncryptor } from '../bundles/crypto/age-encryptor.js';
import { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { ValidationFailedError } from '../common/domain-error.js';
import { newId, newSecretToken, sha256Hex } from '../common/ids.js';
import { MembersService } from '../members/members.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { MemberAccountEntity, type Locale } from './member-account.entity.js';
import { currentPasswordWrong, loginFailed, memberSessionRequired } from './member-accounts.errors.js';
import { MemberAccountsRepository } from './member-accounts.repository.js';
import { MemberSessionEntity } from './member-session.entity.js';
import { newSessionKey, openSecret, sealSecret } from '../common/secret-box.js';

/** Sessions are touched at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;

/** A member's live session, resolved from the cookie. */
export interface MemberSession {
  sessionId: string;
  memberId: string;
  locale: Locale;
  /** true until the TOTP code is given (members who turned TOTP on). */
  secondFactorPending: boolean;
  /** The member's age identity, opened with the key from the cookie; it is never stored in clear. */
  identity(): string;
}

/** The cookie holds the session token and the key that seals the identity: `token.key`. */
function splitCookie(value: string): { token: string; key: Buffer } | undefined {
  const match = /^(lbm_[A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  return { token: match[1], key: Buffer.from(match[2], 'base64url') };
}

/** Member login, sessions and password changes. The password given at login unlocks the identity. */
@Injectable()
export class MemberAuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MemberAccountsRepository,
    private readonly members: MembersService,
    private readonly notices: NoticesService,
    private readonly throttle: LoginThrottle,
    private readonly age: AgeEncryptor,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the password, unwraps the identity with it and opens a session. Unknown e-mail, wrong
   * password and a throttled account all look alike to the caller; each failure is audited, and the
   * failure that locks an account sends its owner a notice.
   */
  async login(email: string, password: string, clientAddress: string): Promise<{ cookie: string; session: MemberSession }> {
    const normalised = email.trim().toLowerCase();
    const account = await this.repository.findAccountByEmail(normalised);
    try {
      await this.throttle.assertAllowed('member', normalised, clientAddress);
    } catch (error) {
      await this.auditFailure(account?.memberId ?? null, 'throttled');
      throw error;
    }
    const ok = account ? await this.hasher.verify(account.passwordHash, password) : await this.hasher.verifyNothing(password);
    if (!account || !ok) {
      const { delaysStarted } = await this.throttle.record('member', normalised, clientAddress, false);
      await this.auditFailure(account?.memberId ?? null, 'wrong_credentials', delaysStarted && account ? account : undefined);
      throw loginFailed();
    }
    const identity = await this.age.unwrapIdentity(account.wrappedIdentity, password);
    await this.throttle.record('member', normalised, clientAddress, true);
    return this.startSession(account.memberId, identity, account.totpEnabledAt !== null);
  }

  /** Opens a session for a member whose identity is already in hand (right after activation or reset). */
  async startSession(memberId: string, identity: string, secondFactor = false): Promise<{ cookie: string; session: MemberSession }> {
    const token = newSecretToken('lbm');
    const key = newSessionKey();
    const now = this.clock.now();
    const id = newId();
    const entity = Object.assign(new MemberSessionEntity(), {
      id,
      memberId,
      tokenHash: sha256Hex(token),
      sealedIdentity: sealSecret(key, id, identity),
      secondFactorPending: secondFactor,
      createdAt: now,
      lastSeenAt: now,
      endedAt: null,
    });
    await this.dataSource.transaction(async (tx) => {
      await this.repository.insertSession(tx, entity);
      await this.audit.record(tx, { type: 'member', id: memberId }, { action: 'member.logged_in', subjectType: 'member', subjectId: memberId, detail: { sessionId: id, secondFactorPending: secondFactor } });
    });
    const account = await this.repository.findAccount(memberId);
    return { cookie: `${token}.${key.toString('base64url')}`, session: this.view(entity, key, account?.locale ?? 'da') };
  }

  /** The live session behind a cookie, or undefined (unknown, ended, idle too long, or a bad key). */
  async resolve(cookie: string): Promise<MemberSession | undefined> {
    const parts = splitCookie(cookie);
    if (!parts) return undefined;
    const entity = await this.repository.findLiveSession(sha256Hex(parts.token));
    if (!entity) return undefined;
    const now = this.clock.now();
    const idle = now.getTime() - entity.lastSeenAt.getTime();
    if (idle > this.config.memberSessionIdleMinutes * 60_000) {
      // Found idle: end it now rather than wait for the clean-up, and wipe what it held.
      await this.repository.endIdleSessions(this.idleSince(now), now, entity.id);
      return undefined;
    }
    if (!entity.sealedIdentity || openSecret(parts.key, entity.id, entity.sealedIdentity) === undefined) return undefined;
    if (idle > TOUCH_INTERVAL_MS) await this.repository.touchSession(entity.id, now);
    const account = await this.repository.findAccount(entity.memberId);
    if (!account) return undefined;
    return this.view(entity, parts.key, account.locale);
  }

  /**
   * The periodic clean-up: sessions idle longer than the limit end, and no ended session keeps its
   * sealed identity. Answers how many sessions it wiped.
   */
  async endIdleSessions(): Promise<number> {
    const now = this.clock.now();
    return this.repository.endIdleSessions(this.idleSince(now), now);
  }

  private idleSince(now: Date): Date {
    return new Date(now.getTime() - this.config.memberSessionIdleMinutes * 60_000);
  }

  async logout(session: MemberSession): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.repository.endSession(tx, session.sessionId, this.clock.now());
      await this.audit.record(tx, { type: 'member', id: session.memberId }, { action: 'member.logged_out', subjectType: 'member', subjectId: session.memberId, detail: { sessionId: session.sessionId } });
    });
  }

  /** Re-wraps the same identity under the new password; other sessions end. */
  async changePassword(session: MemberSession, currentPassword: string, newPassword: string): Promise<void> {
    const problems = passwordProblems(newPassword, 'newPassword');
    if (problems.length) throw new ValidationFailedError(problems);
    const account = await this.requireAccount(session.memberId);
    if (!(await this.hasher.verify(account.passwordHash, currentPassword))) throw currentPasswordWrong();
    const [wrappedIdentity, passwordHash] = await Promise.all([this.age.wrapIdentityWithPassphrase(session.identity(), newPassword), this.hasher.hash(newPassword)]);
    await this.dataSource.transaction(async (tx) => {
      const now = this.clock.now();
      await this.repository.updateAccount(tx, session.memberId, { wrappedIdentity, passwordHash, passwordChangedAt: now, updatedAt: now });
      await this.repository.endSessionsOf(tx, session.memberId, now, session.sessionId);
      await this.audit.record(tx, { type: 'member', id: session.memberId }, { action: 'member_account.password_changed', subjectType: 'member', subjectId: session.memberId, detail: {} });
    });
  }

  async setLocale(session: MemberSession, locale: Locale): Promise<void> {
    if (locale === session.locale) return;
    await this.dataSource.transaction(async (tx) => {
      await this.repository.updateAccount(tx, session.memberId, { locale, updatedAt: this.clock.now() });
      await this.audit.record(tx, { type: 'member', id: session.memberId }, { action: 'member_account.locale_changed', subjectType: 'member', subjectId: session.memberId, detail: { locale } });
    });
  }

  async account(memberId: string): Promise<{ activatedAt: string; passwordChangedAt: string; locale: Locale; totp: boolean; recipientFingerprint: string }> {
    const a = await this.requireAccount(memberId);
    return {
      activatedAt: a.activatedAt.toISOString(),
      passwordChangedAt: a.passwordChangedAt.toISOString(),
      locale: a.locale,
      totp: a.totpEnabledAt !== null,
      recipientFingerprint: createHash('sha256').update(a.recipientId).digest('hex').slice(0, 16),
    };
  }

  /**
   * Erasure (crypto-shredding), in the caller's transaction: the wrapped identity, the sessions and
   * the link tokens are deleted, so no copy of the database opens a bundle of the member again and
   * they can no longer log in. Call before the member's keys are deleted (the account points to one).
   */
  async shredAccount(tx: EntityManager, actor: Actor, memberId: string): Promise<{ account: boolean; sessions: number; tokens: number }> {
    const result = await this.repository.deleteAllOf(tx, memberId);
    if (result.account || result.sessions || result.tokens) {
      await this.audit.record(tx, actor, { action: 'member_account.shredded', subjectType: 'member', subjectId: memberId, detail: result });
    }
    return result;
  }

  /** Whether the member has activated a portal account (staff see it, to know whether to send a link). */
  async hasAccount(memberId: string): Promise<boolean> {
    return (await this.repository.findAccount(memberId)) !== null;
  }

  private async requireAccount(memberId: string): Promise<MemberAccountEntity> {
    const account = await this.repository.findAccount(memberId);
    if (!account) throw memberSessionRequired();
    return account;
  }

  private view(entity: MemberSessionEntity, key: Buffer, locale: Locale): MemberSession {
    return {
      sessionId: entity.id,
      memberId: entity.memberId,
      locale,
      secondFactorPending: entity.secondFactorPending,
      identity: () => {
        const identity = entity.sealedIdentity ? openSecret(key, entity.id, entity.sealedIdentity) : undefined;
        if (identity === undefined) throw memberSessionRequired();
        return identity;
      },
    };
  }

  private async auditFailure(memberId: string | null, reason: 'wrong_credentials' | 'throttled', lockedAccount?: MemberAccountEntity): Promise<void> {
    const actor: Actor = { type: 'system' };
    const email = lockedAccount ? await this.members.emailOf(lockedAccount.memberId) : undefined;
    await this.dataSource.transaction(async (tx) => {
      await this.audit.record(tx, actor, { action: 'member.login_failed', subjectType: 'member', subjectId: memberId, detail: { reason } });
      if (lockedAccount && email) {
        await this.notices.enqueue(tx, { kind: 'login_lockout', to: email, locale: lockedAccount.locale, memberId: lockedAccount.memberId });
        const detail = { failures: this.config.loginMaxFailures };
        await this.audit.record(tx, actor, { action: 'member_account.login_delayed', subjectType: 'member', subjectId: lockedAccount.memberId, detail });
      }
    });
  }
}
