import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { type Actor, type StaffActor, type StaffRole } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, ValidationFailedError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { networksNotFound, onlyCoordinatorsHaveNetworks, staffEmailTaken, staffNotFound } from './accounts.errors.js';
import { AccountsRepository } from './accounts.repository.js';
import { ApiTokensService } from './api-tokens.service.js';
import type { StaffDto, TokenDto } from './dto/staff.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import { isValidEmail } from '../common/email.js';
import { StaffAccountEntity } from './staff-account.entity.js';

const cannotDisableSelf = () => new DomainError('conflict', 'STAFF_CANNOT_DISABLE_SELF', 'An admin cannot disable their own account');
const toStaffDto = (a: StaffAccountEntity, networkIds: string[]): StaffDto => ({
  id: a.id,
  email: a.email,
  role: a.role,
  networkIds,
  createdAt: a.createdAt.toISOString(),
  disabledAt: a.disabledAt?.toISOString() ?? null,
});

export interface NewStaff {
  email: string;
  password: string;
  role: StaffRole;
  networkIds?: string[];
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly tokens: ApiTokensService,
  ) {}

  private assertAdmin(actor: Actor): void {
    if (actor.type === 'staff' ? actor.role !== 'admin' : actor.type !== 'cli') throw forbidden();
  }

  async createStaff(actor: Actor, input: NewStaff): Promise<StaffDto> {
    this.assertAdmin(actor);
    const email = input.email.trim().toLowerCase();
    const problems = [...passwordProblems(input.password)];
    if (!isValidEmail(email)) problems.unshift({ field: 'email', code: 'INVALID_EMAIL', message: 'email must be a valid e-mail address' });
    if (problems.length) throw new ValidationFailedError(problems);
    const networkIds = [...new Set(input.networkIds ?? [])].sort();
    if (networkIds.length && input.role !== 'coordinator') throw onlyCoordinatorsHaveNetworks();
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.dataSource.transaction(async (tx) => {
        if (await this.repository.findByEmail(email, tx)) throw staffEmailTaken();
        if ((await this.repository.countExistingNetworks(networkIds, tx)) !== networkIds.length) throw networksNotFound();
        const now = this.clock.now();
        const account = Object.assign(new StaffAccountEntity(), { id: newId(), email, passwordHash, role: input.role, disabledAt: null, totpSecret: null, totpEnabledAt: null, createdAt: now, updatedAt: now });
        await this.repository.insert(tx, account);
        await this.repository.replaceNetworks(tx, account.id, networkIds);
        await this.audit.record(tx, actor, {
          action: 'staff.created',
          subjectType: 'staff',
          subjectId: account.id,
          detail: { role: account.role, networkIds },
        });
        return toStaffDto(account, networkIds);
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') throw staffEmailTaken();
      throw error;
    }
  }

  async list(actor: Actor): Promise<StaffDto[]> {
    this.assertAdmin(actor);
    const accounts = await this.repository.list();
    return Promise.all(
      accounts.map(async (a) => toStaffDto(a, await this.repository.networkIdsOf(a.id))),
    );
  }

  async setNetworks(actor: Actor, staffId: string, networkIds: string[]): Promise<StaffDto> {
    this.assertAdmin(actor);
    const ids = [...new Set(networkIds)].sort();
    return this.dataSource.transaction(async (tx) => {
      const account = await this.repository.findById(staffId, tx);
      if (!account) throw staffNotFound();
      if (ids.length && account.role !== 'coordinator') throw onlyCoordinatorsHaveNetworks();
      if ((await this.repository.countExistingNetworks(ids, tx)) !== ids.length) throw networksNotFound();
      const before = await this.repository.networkIdsOf(staffId, tx);
      await this.repository.replaceNetworks(tx, staffId, ids);
      await this.audit.record(tx, actor, { action: 'staff.networks_changed', subjectType: 'staff', subjectId: staffId, detail: { before, after: ids } });
      return toStaffDto(account, ids);
    });
  }

  /** An API token for the account with this e-mail, made on the command line (`tokens:create`); see ApiTokensService. */
  async createToken(actor: Actor, staffEmail: string, name: string, expiresInDays?: number): Promise<TokenDto> {
    if (actor.type !== 'cli') throw forbidden();
    const account = await this.repository.findByEmail(staffEmail.trim().toLowerCase());
    if (!account) throw staffNotFound();
    return this.tokens.create(actor, account.id, name, expiresInDays, { via: 'cli' });
  }
  /**
   * Disables an account and ends its sessions and tokens in the same transaction, so nothing it
   * held keeps working (enabling it later brings back the password login only).
   */
  async setDisabled(actor: Actor, staffId: string, disabled: boolean): Promise<StaffDto> {
    this.assertAdmin(actor);
    if (disabled && actor.type === 'staff' && actor.id === staffId) throw cannotDisableSelf();
    return this.dataSource.transaction(async (tx) => {
      const account = await this.repository.findByIdForUpdate(tx, staffId);
      if (!account) throw staffNotFound();
      const now = this.clock.now();
      if (disabled && !account.disabledAt) {
        await this.repository.setDisabled(tx, staffId, now, now);
        const sessionsEnded = await this.repository.endAllSessions(tx, staffId, now);
        const tokensRevoked = await this.repository.revokeAllTokens(tx, staffId, now);
        const detail = { sessionsEnded, tokensRevoked };
        await this.audit.record(tx, actor, { action: 'staff.disabled', subjectType: 'staff', subjectId: staffId, detail });
        account.disabledAt = now;
      } else if (!disabled && account.disabledAt) {
        await this.repository.setDisabled(tx, staffId, null, now);
        await this.audit.record(tx, actor, { action: 'staff.enabled', subjectType: 'staff', subjectId: staffId, detail: {} });
        account.disabledAt = null;
      }
      return toStaffDto(account, await this.repository.networkIdsOf(staffId, tx));
    });
  }
  /** The account behind an e-mail and password, or undefined; same work whether or not it exists. */
  async checkPassword(email: string, password: string): Promise<StaffAccountEntity | undefined> {
    const account = await this.repository.findByEmail(email.trim().toLowerCase());
    if (!account || account.disabledAt) {
      await this.hasher.verifyNothing(password);
      return undefined;
    }
    return (await this.hasher.verify(account.passwordHash, password)) ? account : undefined;
  }

  /** The staff member's sealed TOTP secret and whether it is in force. */
  async totpOf(staffId: string): Promise<{ sealed: string | null; enabled: boolean }> {
    const account = await this.repository.findById(staffId);
    if (!account) throw staffNotFound();
    return { sealed: account.totpSecret, enabled: account.totpEnabledAt !== null };
  }

  /** Stores a (sealed) TOTP secret: pending set-up when `enabledAt` is null, in force otherwise. */
  async setTotp(tx: EntityManager, actor: StaffActor, sealed: string | null, enabledAt: Date | null): Promise<void> {
    await this.repository.updateTotp(tx, actor.id, { totpSecret: sealed, totpEnabledAt: enabledAt }, this.clock.now());
    await this.audit.record(tx, actor, {
      action: enabledAt ? 'staff.totp_enabled' : 'staff.totp_setup_started',
      subjectType: 'staff',
      subjectId: actor.id,
      detail: {},
    });
  }

  async findIdByEmail(email: string): Promise<string | undefined> {
    return (await this.repository.findByEmail(email.trim().toLowerCase()))?.id;
  }

  async actorFor(staffId: string): Promise<StaffActor | undefined> {
    const account = await this.repository.findById(staffId);
    if (!account || account.disabledAt) return undefined;
    const networkIds = account.role === 'coordinator' ? await this.repository.networkIdsOf(account.id) : [];
    return { type: 'staff', id: account.id, role: account.role, networkIds };
  }

  async actorForToken(token: string): Promise<StaffActor | undefined> {
    const staffId = await this.tokens.staffIdFor(token);
    return staffId ? this.actorFor(staffId) : undefined;
  }
  async describe(staffId: string): Promise<StaffDto> {
    const account = await this.repository.findById(staffId);
    if (!account) throw staffNotFound();
    return toStaffDto(account, await this.repository.networkIdsOf(staffId));
  }
}
