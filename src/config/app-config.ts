import { z } from 'zod';
import { isTimeZone } from '../common/time-zone.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  ),
  DATA_DIR: z.string().min(1).default('./var'),
  ORG_NAME: z.string().trim().min(1).max(200).default('listebud'),
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
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  BUNDLE_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  MEMBER_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  STAFF_TOTP_REQUIRED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  ACCESS_REQUESTS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
});

export const SECRET_KEYS = new Set(['SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL']);


export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

export type DatabaseMode = 'embedded' | 'postgres';

/** Typed, validated configuration. Injected everywhere; nothing else reads `process.env`. */
export class AppConfig {
  readonly port: number;
  readonly baseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly orgName: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly timeZone: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly staffSessionIdleMinutes: number;
  readonly loginMaxFailures: number;
  readonly loginWindowMinutes: number;
  /** How long a worker's claim on a bundle lasts; a crashed worker's claims lapse after this. */
  readonly bundleLeaseSeconds: number;
  readonly memberSessionIdleMinutes: number;
  /** Staff must set up and use a TOTP second factor before they can do anything. */
  readonly staffTotpRequired: boolean;
  /** Tries per e-mail before the outbox marks it failed (visible to coordinators). */
  readonly mailMaxAttempts: number;
  /** Access requests accepted per client address and hour; more get a "try later" page. */
  readonly accessRequestsPerHour: number;
  /** Filled in by `resolveSessionSecret` before the app starts. */
  sessionSecret: string | undefined;

  constructor(parsed: ParsedConfig) {
    this.port = parsed.PORT;
    this.baseUrl = (parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
    this.databaseUrl = parsed.DATABASE_URL;
    this.dataDir = parsed.DATA_DIR;
    this.orgName = parsed.ORG_NAME;
    this.smtpUrl = parsed.SMTP_URL;
    this.mailFrom = parsed.MAIL_FROM;
    this.timeZone = parsed.TZ;
    this.logLevel = parsed.LOG_LEVEL;
    this.staffSessionIdleMinutes = parsed.STAFF_SESSION_IDLE_MINUTES;
    this.loginMaxFailures = parsed.LOGIN_MAX_FAILURES;
    this.loginWindowMinutes = parsed.LOGIN_WINDOW_MINUTES;
    this.bundleLeaseSeconds = parsed.BUNDLE_LEASE_SECONDS;
    this.memberSessionIdleMinutes = parsed.MEMBER_SESSION_IDLE_MINUTES;
    this.staffTotpRequired = parsed.STAFF_TOTP_REQUIRED;
    this.mailMaxAttempts = parsed.MAIL_MAX_ATTEMPTS;
    this.accessRequestsPerHour = parsed.ACCESS_REQUESTS_PER_HOUR;
    this.sessionSecret = parsed.SESSION_SECRET;
  }

  get databaseMode(): DatabaseMode {
    return this.databaseUrl ? 'postgres' : 'embedded';
  }

  /** Cookies get the Secure flag whenever the service is reached over https. */
  get secureCookies(): boolean {
    return this.baseUrl.startsWith('https://');
  }
}
