import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, notFound, ValidationFailedError } from '../common/domain-error.js';
import { newId, newSecretToken, sha256Hex } from '../common/ids.js';
import { AuditService } from '../audit/audit.service.js';
import { staffNotFound } from './accounts.errors.js';
import { AccountsRepository } from './accounts.repository.js';
import type { TokenDto, TokenInfoDto } from './dto/staff.dto.js';
import { ApiTokenEntity } from './staff-account.entity.js';

export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;
const DAY_MS = 86_400_000;

/** How the caller asking for a token proved who they are. */
export type TokenRequester = { via: 'cli' } | { via: 'token' } | { via: 'session'; secondFactorPassed: boolean };

const tokenNotFound = () => notFound('API_TOKEN_NOT_FOUND', 'The API token');
const tokenNeedsSession = () =>
  new DomainError('forbidden', 'TOKEN_NEEDS_SESSION', 'Create API tokens from a logged-in session, not with another token');
const secondFactorSessionRequired = () =>
  new DomainError('forbidden', 'SECOND_FACTOR_SESSION_REQUIRED', 'Log in again with your two-step code before you create an API token');

const toInfo = (t: ApiTokenEntity): TokenInfoDto => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/**
 * Personal API tokens for scripts: they expire (90 days by default), their owner and admins list
 * and revoke them, and only their hash is stored. A token never makes another token (it could
 * extend itself for ever), and an account with two-step login makes them only from a session
 * whose login included the code.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AccountsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Actor,
    staffId: string,
    name: string,
    expiresInDays: number | undefined,
    requester: TokenRequester,
  ): Promise<TokenDto> {
    const isSelf = actor.type === 'staff' && actor.id === staffId;
    if (!isSelf && actor.type !== 'cli') throw forbidden();
    if (requester.via === 'token') throw tokenNeedsSession();
    const problems = [];
    if (typeof name !== 'string' || !name.trim() || name.length > 100) {
      problems.push({ field: 'name', code: 'INVALID_NAME', message: 'name must be 1 to 100 characters' });
    }
    const days = expiresInDays ?? TOKEN_DEFAULT_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS) {
      const message = `expiresInDays must be a whole number from 1 to ${TOKEN_MAX_DAYS}`;
      problems.push({ field: 'expiresInDays', code: 'INVALID_EXPIRY', message });
    }
    if (problems.length) throw new ValidationFailedError(problems);
    const account = await this.repository.findById(staffId);
    if (!account || account.disabledAt) throw staffNotFound();
    if (requester.via === 'session' && account.totpEnabledAt && !requester.secondFactorPassed) throw secondFactorSessionRequired();
    const token = newSecretToken('lb');
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const entity = Object.assign(new ApiTokenEntity(), {
        id: newId(),
        staffId,
        name: name.trim(),
        tokenHash: sha256Hex(token),
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt: new Date(now.getTime() + days * DAY_MS),
      });
      await this.repository.insertToken(tx, entity);
      const detail = { tokenId: entity.id, expiresAt: entity.expiresAt.toISOString() };
      await this.audit.record(tx, actor, { action: 'api_token.created', subjectType: 'staff', subjectId: staffId, detail });
      return { id: entity.id, name: entity.name, token, expiresAt: entity.expiresAt.toISOString() };
    });
  }

  /** A staff member's tokens, newest first, live or not: their own, or anyone's for an admin. */
  async list(actor: Actor, staffId: string): Promise<TokenInfoDto[]> {
    if (!(actor.type === 'staff' && (actor.id === staffId || actor.role === 'admin'))) throw forbidden();
    return (await this.repository.tokensOf(staffId)).map(toInfo);
  }

  /** Revokes a live token: the owner's own, or anyone's for an admin; other tokens do not exist for the caller. */
  async revoke(actor: Actor, tokenId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const token = await this.repository.findTokenForUpdate(tx, tokenId);
      const mayRevoke = actor.type === 'cli' || (actor.type === 'staff' && (actor.role === 'admin' || actor.id === token?.staffId));
      if (!token || token.revokedAt || !mayRevoke) throw tokenNotFound();
      await this.repository.revokeToken(tx, tokenId, this.clock.now());
      const event = { action: 'api_token.revoked', subjectType: 'staff', subjectId: token.staffId, detail: { tokenId } };
      await this.audit.record(tx, actor, event);
    });
  }

  /** The staff id behind a live, unexpired token; marks it used. */
  async staffIdFor(token: string): Promise<string | undefined> {
    const now = this.clock.now();
    const entity = await this.repository.findLiveToken(sha256Hex(token), now);
    if (!entity) return undefined;
    await this.repository.touchToken(entity.id, now);
    return entity.staffId;
  }
}
