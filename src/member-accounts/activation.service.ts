import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PasswordHasher } from '../accounts/password-hasher.js';
import { passwordProblems } from '../accounts/password-policy.js';
import { AuditService } from '../audit/audit.service.js';
import { BundleQueue } from '../bundles/bundle-queue.js';
import { AgeEncryptor } from '../bundles/crypto/age-encryptor.js';
import { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { forbidden, ValidationFailedError } from '../common/domain-error.js';
import { newId, newSecretToken, sha256Hex } from '../common/ids.js';
import { MembersService } from '../members/members.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { RecipientsService } from '../recipients/recipients.service.js';
import { AccountTokenEntity, type TokenPurpose } from './account-token.entity.js';
import { MemberAccountEntity, type Locale } from './member-account.entity.js';
import { accountAlreadyActive, linkInvalid } from './member-accounts.errors.js';
import { MemberAccountsRepository } from './member-accounts.repository.js';

const LIFETIME_MS: Record<TokenPurpose, number> = {
  activation: 72 * 3600_000,
  password_reset: 2 * 3600_000,
};

/** At most one reset mail per account in this time. */
const RESET_MAIL_INTERVAL_MS = 15 * 60_000;

/** The path of each one-time link; the token is the last segment. */
export const LINK_PATH: Record<TokenPurpose, string> = {
  activation: '/portal/aktiver',
  password_reset: '/portal/nulstil',
};

/** The identity is made and wrapped before the transaction: scrypt takes a second or two. */
interface NewKeys {
  identity: string;
  recipient: string;
  wrappedIdentity: Buffer;
  passwordHash: string;
}

/**
 * Activation (seed flows A and B) and forgotten passwords: one-time links whose GET only shows a
 * form, and whose POST spends the token and makes the member's age identity.
 */
@Injectable()
export class ActivationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MemberAccountsRepository,
    private readonly members: MembersService,
    private readonly recipients: RecipientsService,
    private readonly bundles: BundleQueue,
    private readonly notices: NoticesService,
    private readonly age: AgeEncryptor,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Seed flow B: staff send the activation mail after a phone call. */
  async sendActivation(actor: Actor, memberId: string, locale: Locale = 'da'): Promise<void> {
    if (actor.type === 'staff' && actor.role === 'auditor') throw forbidden();
    await this.members.get(actor, memberId);
    const email = await this.members.emailOf(memberId);
    await this.dataSource.transaction((tx) => this.invite(tx, actor, memberId, email, locale));
  }

  /** Issues an activation link and queues its mail in the caller's transaction. */
  async invite(tx: EntityManager, actor: Actor, memberId: string, email: string, locale: Locale): Promise<void> {
    if (await this.repository.findAccount(memberId, tx)) throw accountAlreadyActive();
    await this.issueLink(tx, actor, memberId, email, locale, 'activation');
  }

  /** For the GET of a link: whether it would still work. Never spends it (mail scanners fetch links). */
  async linkIsValid(purpose: TokenPurpose, token: string): Promise<boolean> {
    const entity = await this.repository.findToken(sha256Hex(token), purpose);
    return !!entity && this.usable(entity);
  }

  async activate(token: string, password: string): Promise<{ memberId: string; identity: string }> {
    this.assertPassword(password);
    await this.requireValidLink('activation', token);
    const keys = await this.newKeys(password);
    return this.dataSource.transaction(async (tx) => {
      const entity = await this.spend(tx, 'activation', token);
      const actor: Actor = { type: 'member', id: entity.memberId };
      if (await this.repository.findAccount(entity.memberId, tx)) throw linkInvalid();
      await this.createAccount(tx, actor, entity.memberId, keys, {});
      return { memberId: entity.memberId, identity: keys.identity };
    });
  }

  /**
   * For `demo:seed` only (the command line acts): an activated account without the mail round trip,
   * so a newcomer can log in at once. Real members always activate through their one-time link.
   */
  async activateForDemo(actor: Actor, memberId: string, password: string): Promise<void> {
    if (actor.type !== 'cli') throw forbidden();
    this.assertPassword(password);
    const keys = await this.newKeys(password);
    await this.dataSource.transaction(async (tx) => {
      if (await this.repository.findAccount(memberId, tx)) throw accountAlreadyActive();
      await this.createAccount(tx, actor, memberId, keys, { via: 'demo_seed' });
    });
  }

  /**
   * Called by the reset queue's worker (PasswordResetRequestsService), never in a request: only an
   * account gets a mail, and at most one per account per 15 minutes.
   */
  async requestReset(email: string, locale: Locale): Promise<void> {
    const account = await this.repository.findAccountByEmail(email.trim().toLowerCase());
    if (!account) return;
    const since = new Date(this.clock.now().getTime() - RESET_MAIL_INTERVAL_MS);
    if (await this.repository.tokenIssuedSince(account.memberId, 'password_reset', since)) return;
    const address = await this.members.emailOf(account.memberId);
    await this.dataSource.transaction((tx) =>
      this.issueLink(tx, { type: 'member', id: account.memberId }, account.memberId, address, locale, 'password_reset'),
    );
  }

  /**
   * A forgotten password means a new identity: the old key is retired, every session ends, and the
   * bundles still valid are re-issued to the new key by the worker.
   */
  async resetPassword(token: string, password: string): Promise<{ memberId: string; identity: string; secondFactor: boolean }> {
    this.assertPassword(password);
    await this.requireValidLink('password_reset', token);
    const keys = await this.newKeys(password);
    return this.dataSource.transaction(async (tx) => {
      const entity = await this.spend(tx, 'password_reset', token);
      const actor: Actor = { type: 'member', id: entity.memberId };
      const account = await this.repository.lockAccount(tx, entity.memberId);
      if (!account) throw linkInvalid();
      await this.recipients.revokeKey(tx, actor, entity.memberId, account.recipientId);
      const recipientId = await this.recipients.addPortalKey(tx, actor, entity.memberId, keys.recipient);
      const now = this.clock.now();
      await this.repository.updateAccount(tx, entity.memberId, {
        passwordHash: keys.passwordHash,
        wrappedIdentity: keys.wrappedIdentity,
        recipientId,
        passwordChangedAt: now,
        updatedAt: now,
      });
      await this.repository.endSessionsOf(tx, entity.memberId, now);
      const reissued = await this.bundles.reissueForMember(tx, actor, entity.memberId);
      await this.audit.record(tx, actor, { action: 'member_account.password_reset', subjectType: 'member', subjectId: entity.memberId, detail: { recipientId, reissuedBundles: reissued } });
      return { memberId: entity.memberId, identity: keys.identity, secondFactor: account.totpEnabledAt !== null };
    });
  }

  /** The account row, its portal key and the audit event, in the caller's transaction. */
  private async createAccount(tx: EntityManager, actor: Actor, memberId: string, keys: NewKeys, detail: Record<string, string>): Promise<void> {
    const recipientId = await this.recipients.addPortalKey(tx, actor, memberId, keys.recipient);
    const now = this.clock.now();
    await this.repository.insertAccount(
      tx,
      Object.assign(new MemberAccountEntity(), {
        memberId,
        passwordHash: keys.passwordHash,
        wrappedIdentity: keys.wrappedIdentity,
        recipientId,
        locale: 'da',
        totpSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        activatedAt: now,
        passwordChangedAt: now,
        updatedAt: now,
      }),
    );
    await this.audit.record(tx, actor, { action: 'member_account.activated', subjectType: 'member', subjectId: memberId, detail: { recipientId, ...detail } });
  }

  private assertPassword(password: string): void {
    const problems = passwordProblems(password, 'password');
    if (problems.length) throw new ValidationFailedError(problems);
  }

  private usable(entity: AccountTokenEntity): boolean {
    return entity.usedAt === null && entity.expiresAt.getTime() > this.clock.now().getTime();
  }

  private async requireValidLink(purpose: TokenPurpose, token: string): Promise<void> {
    if (!(await this.linkIsValid(purpose, token))) throw linkInvalid();
  }

  /** Spends the token under a row lock: of two simultaneous submits, one wins. */
  private async spend(tx: EntityManager, purpose: TokenPurpose, token: string): Promise<AccountTokenEntity> {
    const entity = await this.repository.lockToken(tx, sha256Hex(token), purpose);
    if (!entity || !this.usable(entity)) throw linkInvalid();
    await this.repository.spendToken(tx, entity.id, this.clock.now());
    return entity;
  }

  private async newKeys(password: string): Promise<NewKeys> {
    const { identity, recipient } = await this.age.generateIdentity();
    const [wrappedIdentity, passwordHash] = await Promise.all([this.age.wrapIdentityWithPassphrase(identity, password), this.hasher.hash(password)]);
    return { identity, recipient, wrappedIdentity, passwordHash };
  }

  private async issueLink(tx: EntityManager, actor: Actor, memberId: string, email: string, locale: Locale, purpose: TokenPurpose): Promise<void> {
    const now = this.clock.now();
    const token = newSecretToken(purpose === 'activation' ? 'lba' : 'lbr');
    await this.repository.retireTokens(tx, memberId, purpose, now);
    const entity = Object.assign(new AccountTokenEntity(), {
      id: newId(),
      memberId,
      purpose,
      tokenHash: sha256Hex(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LIFETIME_MS[purpose]),
      usedAt: null,
    });
    await this.repository.insertToken(tx, entity);
    await this.notices.enqueue(tx, { kind: purpose, to: email, locale, memberId, link: `${this.config.baseUrl}${LINK_PATH[purpose]}/${token}` });
    await this.audit.record(tx, actor, {
      action: purpose === 'activation' ? 'member_account.activation_sent' : 'member_account.reset_requested',
      subjectType: 'member',
      subjectId: memberId,
      detail: { tokenId: entity.id, expiresAt: entity.expiresAt.toISOString() },
    });
  }
}
