import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from '../common/time-zone.js';
import type { OrgLogo } from './org-logo.js';
import { imapUrlProblem, parseImapUrl, type ImapMailboxConfig } from './imap-url.js';

export type { ImapMailboxConfig } from './imap-url.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const BUNDLE_STORES = ['local', 's3'] as const;

/** An IP address, or one with a prefix length (CIDR). */
function isAddressOrRange(text: string): boolean {
  const [address, prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

/**
 * Express's `trust proxy`: a hop count, `false`, or addresses, ranges and the names express knows.
 * `true` (trust any proxy) is refused: every client could then choose its own address.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): number | false | string[] => {
    if (value === 'false') return false;
    if (/^\d+$/.test(value) && Number(value) <= 20) return Number(value);
    const parts = value.split(',').map((p) => p.trim());
    if (value !== 'true' && parts.every((p) => PROXY_NAMES.includes(p) || isAddressOrRange(p))) return parts;
    const message = 'must be a hop count (0-20), false, or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal';
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value ? value : undefined));

/**
 * The whole environment the service reads, validated once at start-up. Keys marked `secret` are never
 * printed, not even in the error that lists bad keys.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || (HOST_NAME.test(v) && !/^[\d.]+$/.test(v)), 'must be an IP address or a host name, such as 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  TRUST_PROXY: trustProxy.default(['loopback']),
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  ),
  DATA_DIR: z.string().min(1).default('./var'),
  ORG_NAME: z.string().trim().min(1).max(200).default('listebud'),
  /** A PNG or SVG file (at most 200 KB) shown in the page header and the activation mail. */
  ORG_LOGO_PATH: optionalString,
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  MAIL_FROM: z.string().trim().min(3).default('listebud <no-reply@localhost>'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  TZ: z
    .string()
    .default('Europe/Copenhagen')
    .refine((tz) => isTimeZone(tz), 'is not a known IANA time zone'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(24 * 60),
  LOGIN_MAX_DELAY_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  BUNDLE_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  MEMBER_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  STAFF_TOTP_REQUIRED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  ACCESS_REQUESTS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  PASSWORD_RESETS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
  RETENTION_EDITION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  RETENTION_ACCESS_REQUEST_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Ed25519 private key (PKCS#8 PEM) or a path to one; unset: DATA_DIR/keys/audit-signing.pem. */
  AUDIT_SIGNING_KEY: optionalString,
  BUNDLE_STORE: z.enum(BUNDLE_STORES).default('local'),
  S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()),
  S3_REGION: z.string().trim().regex(/^[a-z0-9-]{1,50}$/, 'must be a region name such as eu-north-1').default('us-east-1'),
  S3_BUCKET: optionalString.pipe(
    z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens').optional(),
  ),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  S3_PREFIX: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/, "must be folder names (letters, digits, '.', '-', '_') separated by '/'").optional(),
  ),
  IMAP_URL: optionalString.pipe(
    z
      .string()
      .refine((v) => imapUrlProblem(v) === null, { error: (issue) => imapUrlProblem(String(issue.input)) ?? 'is not valid' })
      .optional(),
  ),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  IMAP_DONE_FOLDER: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\u0000-\u001f*%]+$/, 'must be a folder name without control characters, * or %')
    .default('Behandlet'),
}).superRefine(s3StoreProblems, { when: () => true });

export const SECRET_KEYS = new Set(['SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL', 'S3_SECRET_ACCESS_KEY', 'AUDIT_SIGNING_KEY', 'IMAP_URL']);

/**
 * What BUNDLE_STORE=s3 needs besides its own keys. Runs even when other keys are bad (`when`), so
 * boot still lists every problem at once; a value that failed its own check arrives here raw.
 */
function s3StoreProblems(input: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (input.BUNDLE_STORE !== 's3') return;
  const problem = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message, input: undefined });
  if (!input.S3_BUCKET) problem('S3_BUCKET', 'is required when BUNDLE_STORE is s3');
  const id = Boolean(input.S3_ACCESS_KEY_ID);
  const secret = Boolean(input.S3_SECRET_ACCESS_KEY);
  if (id && !secret) problem('S3_SECRET_ACCESS_KEY', 'is required with S3_ACCESS_KEY_ID');
  if (secret && !id) problem('S3_ACCESS_KEY_ID', 'is required with S3_SECRET_ACCESS_KEY');
  // Only AWS itself has instance roles and the SDK's credential chain; a compatible store needs keys.
  if (input.S3_ENDPOINT && !id && !secret) {
    problem('S3_ACCESS_KEY_ID', 'is required when S3_ENDPOINT is set');
    problem('S3_SECRET_ACCESS_KEY', 'is required when S3_ENDPOINT is set');
  }
}

/** An S3-compatible object store for bundles (BUNDLE_STORE=s3). */
export interface S3StoreConfig {
  /** Unset: AWS itself. Set: MinIO or another compatible store. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  /** Unset (AWS only): the SDK's default credential chain, e.g. an instance role. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  /** '' or a folder ending in '/', put in front of every key. */
  prefix: string;
}


export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

export type DatabaseMode = 'embedded' | 'postgres';

/** Typed, validated configuration. Injected everywhere; nothing else reads `process.env`. */
export class AppConfig {
  readonly port: number;
  /** The interface the server listens on; 127.0.0.1 unless a container or proxy set-up says otherwise. */
  readonly host: string;
  /** Express's `trust proxy`: which hops may name the client address in X-Forwarded-For. */
  readonly trustProxy: number | false | string | string[];
  readonly baseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly orgName: string;
  /** Path of the organisation's logo; `loadConfig` reads and checks the file into `orgLogo`. */
  readonly orgLogoPath: string | undefined;
  orgLogo: OrgLogo | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly timeZone: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly staffSessionIdleMinutes: number;
  readonly loginMaxFailures: number;
  /** How long failed logins count towards the delays. */
  readonly loginWindowMinutes: number;
  /** The longest delay after repeated failed logins. */
  readonly loginMaxDelayMinutes: number;
  /** How long a worker's claim on a bundle lasts; a crashed worker's claims lapse after this. */
  readonly bundleLeaseSeconds: number;
  readonly memberSessionIdleMinutes: number;
  /** Staff must set up and use a TOTP second factor before they can do anything. */
  readonly staffTotpRequired: boolean;
  /** Tries per e-mail before the outbox marks it failed (visible to coordinators). */
  readonly mailMaxAttempts: number;
  /** Access requests accepted per client address and hour; more get a "try later" page. */
  readonly accessRequestsPerHour: number;
  /** "Forgotten password" requests accepted per client address and hour; more get a "try later" page. */
  readonly passwordResetsPerHour: number;
  /** Editions older than this many months lose their contact values (the daily retention job). */
  readonly retentionEditionMonths: number;
  /** Access requests older than this many days are deleted (the daily retention job). */
  readonly retentionAccessRequestDays: number;
  /** Where bundles are kept: DATA_DIR/bundles, or an S3-compatible object store all instances share. */
  readonly bundleStore: (typeof BUNDLE_STORES)[number];
  /** Set exactly when bundleStore is s3. */
  readonly s3: S3StoreConfig | undefined;
  /** The audit checkpoints' signing key as PEM text or a file path; every instance must use the same key. */
  readonly auditSigningKey: string | undefined;
  /** Unset: no mailbox is read; access requests come only by the web form and from staff. */
  readonly imap: ImapMailboxConfig | undefined;
  /** How often the mailbox is checked; with IDLE, also the longest wait before a new look. */
  readonly imapPollSeconds: number;
  /** Where handled request mails are moved; created when missing. */
  readonly imapDoneFolder: string;
  /** Filled in by `resolveSessionSecret` before the app starts. */
  sessionSecret: string | undefined;

  constructor(parsed: ParsedConfig) {
    this.port = parsed.PORT;
    this.host = parsed.HOST;
    const proxies = parsed.TRUST_PROXY;
    this.trustProxy = Array.isArray(proxies) && proxies.length === 1 ? proxies[0] : proxies;
    this.baseUrl = (parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
    this.databaseUrl = parsed.DATABASE_URL;
    this.dataDir = parsed.DATA_DIR;
    this.orgName = parsed.ORG_NAME;
    this.orgLogoPath = parsed.ORG_LOGO_PATH;
    this.smtpUrl = parsed.SMTP_URL;
    this.mailFrom = parsed.MAIL_FROM;
    this.timeZone = parsed.TZ;
    this.logLevel = parsed.LOG_LEVEL;
    this.staffSessionIdleMinutes = parsed.STAFF_SESSION_IDLE_MINUTES;
    this.loginMaxFailures = parsed.LOGIN_MAX_FAILURES;
    this.loginWindowMinutes = parsed.LOGIN_WINDOW_MINUTES;
    this.loginMaxDelayMinutes = parsed.LOGIN_MAX_DELAY_MINUTES;
    this.bundleLeaseSeconds = parsed.BUNDLE_LEASE_SECONDS;
    this.memberSessionIdleMinutes = parsed.MEMBER_SESSION_IDLE_MINUTES;
    this.staffTotpRequired = parsed.STAFF_TOTP_REQUIRED;
    this.mailMaxAttempts = parsed.MAIL_MAX_ATTEMPTS;
    this.accessRequestsPerHour = parsed.ACCESS_REQUESTS_PER_HOUR;
    this.passwordResetsPerHour = parsed.PASSWORD_RESETS_PER_HOUR;
    this.retentionEditionMonths = parsed.RETENTION_EDITION_MONTHS;
    this.retentionAccessRequestDays = parsed.RETENTION_ACCESS_REQUEST_DAYS;
    this.auditSigningKey = parsed.AUDIT_SIGNING_KEY;
    this.sessionSecret = parsed.SESSION_SECRET;
    this.bundleStore = parsed.BUNDLE_STORE;
    this.imap = parsed.IMAP_URL ? parseImapUrl(parsed.IMAP_URL) : undefined;
    this.imapPollSeconds = parsed.IMAP_POLL_SECONDS;
    this.imapDoneFolder = parsed.IMAP_DONE_FOLDER;
    this.s3 =
      parsed.BUNDLE_STORE === 's3'
        ? {
            endpoint: parsed.S3_ENDPOINT,
            region: parsed.S3_REGION,
            bucket: parsed.S3_BUCKET!,
            credentials: parsed.S3_ACCESS_KEY_ID && parsed.S3_SECRET_ACCESS_KEY ? { accessKeyId: parsed.S3_ACCESS_KEY_ID, secretAccessKey: parsed.S3_SECRET_ACCESS_KEY } : undefined,
            forcePathStyle: parsed.S3_FORCE_PATH_STYLE ?? parsed.S3_ENDPOINT !== undefined,
            prefix: parsed.S3_PREFIX ? parsed.S3_PREFIX.replace(/\/?$/, '/') : '',
          }
        : undefined;
  }

  get databaseMode(): DatabaseMode {
    return this.databaseUrl ? 'postgres' : 'embedded';
  }

  /** Cookies get the Secure flag whenever the service is reached over https. */
  get secureCookies(): boolean {
    return this.baseUrl.startsWith('https://');
  }
}
