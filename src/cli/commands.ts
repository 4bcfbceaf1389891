import type { CliCommand } from './command.js';

/** An option with a `value` placeholder takes a value (`--out PATH`); one without is a flag. */
export interface OptionSpec {
  value?: string;
  description: string;
}

/**
 * Everything the command line accepts, without importing any command: `--help`, the command list
 * and argument checking stay instant, and only the chosen command's code (and its part of the
 * application) is loaded.
 */
export interface CommandSpec {
  name: string;
  /** The line in the command list. */
  usage: string;
  description: string;
  options: Record<string, OptionSpec>;
  load(): Promise<CliCommand>;
}

const UUID = 'an id (a UUID)';

export const COMMANDS: CommandSpec[] = [
  {
    name: 'admin:create',
    usage: 'admin:create --email E   (password read from standard input)',
    description: 'Creates an administrator; the password (12 or more characters) is read from standard input.',
    options: { email: { value: 'E', description: "the administrator's e-mail address" } },
    load: async () => (await import('./commands/admin-create.command.js')).adminCreateCommand,
  },
  {
    name: 'tokens:create',
    usage: 'tokens:create --email E --name N [--expires-in-days D]',
    description: 'Creates a personal API token for a staff account and prints it once (with its expiry).',
    options: {
      email: { value: 'E', description: "the staff account's e-mail address" },
      name: { value: 'N', description: 'what the token is for, shown in the token list' },
      'expires-in-days': { value: 'D', description: 'days until the token expires (default 90, at most 365)' },
    },
    load: async () => (await import('./commands/tokens-create.command.js')).tokensCreateCommand,
  },
  {
    name: 'networks:create',
    usage: 'networks:create --slug S --name N',
    description: 'Creates a network.',
    options: {
      slug: { value: 'S', description: 'lower-case letters, digits and single hyphens (max 60)' },
      name: { value: 'N', description: 'the display name (1 to 200 characters)' },
    },
    load: async () => (await import('./commands/networks-create.command.js')).networksCreateCommand,
  },
  {
    name: 'members:import',
    usage: 'members:import --network SLUG --file PATH [--dry-run]',
    description: 'Imports members from CSV or XLSX, all or nothing; they join the network without consent.',
    options: {
      network: { value: 'SLUG', description: 'the network the members join' },
      file: { value: 'PATH', description: 'a CSV (Danish Excel, UTF-8) or XLSX file, at most 20 MB' },
      'dry-run': { description: 'check every row and report, writing nothing' },
    },
    load: async () => (await import('./commands/members-import.command.js')).membersImportCommand,
  },
  {
    name: 'demo:seed',
    usage: 'demo:seed [--members N] [--networks K] [--accounts A] [--seed S]',
    description: 'Synthetic networks, members with consent, portal accounts and a coordinator, all sharing one demo age key.',
    options: {
      members: { value: 'N', description: 'members to create (default 50)' },
      networks: { value: 'K', description: 'networks to create (default 2)' },
      accounts: { value: 'A', description: 'demo members with an activated portal account (default 3)' },
      seed: { value: 'S', description: 'makes the names and choices reproducible' },
    },
    load: async () => (await import('./commands/demo-seed.command.js')).demoSeedCommand,
  },
  {
    name: 'recipients:add',
    usage: 'recipients:add --member EMAIL --recipient "age1... | ssh-ed25519 AAAA..."',
    description: "Registers a member's public key.",
    options: {
      member: { value: 'EMAIL', description: "the member's e-mail address" },
      recipient: { value: 'R', description: 'an age recipient (age1…) or an ssh-ed25519 public key' },
    },
    load: async () => (await import('./commands/recipients-add.command.js')).recipientsAddCommand,
  },
  {
    name: 'publish',
    usage: 'publish --network SLUG [--list SLUG] [--force]',
    description: 'Takes an edition of a list now and builds every bundle (sharing the work with a running server).',
    options: {
      network: { value: 'SLUG', description: 'the network' },
      list: { value: 'SLUG', description: 'the list; without it the network must have exactly one' },
      force: { description: 'publish even when content and recipients are unchanged since the last edition' },
    },
    load: async () => (await import('./commands/publish.command.js')).publishCommand,
  },
  {
    name: 'editions:show',
    usage: 'editions:show --edition ID',
    description: "An edition's state and progress.",
    options: { edition: { value: 'ID', description: UUID } },
    load: async () => (await import('./commands/editions-show.command.js')).editionsShowCommand,
  },
  {
    name: 'bundles:get',
    usage: 'bundles:get --edition ID --member EMAIL --out PATH',
    description: "Writes a member's encrypted bundle (.age) as stored; only the member's key opens it.",
    options: {
      edition: { value: 'ID', description: UUID },
      member: { value: 'EMAIL', description: "the member's e-mail address" },
      out: { value: 'PATH', description: 'the file to write (mode 0600)' },
    },
    load: async () => (await import('./commands/bundles-get.command.js')).bundlesGetCommand,
  },
  {
    name: 'audit:verify',
    usage: 'audit:verify [--file EXPORT.jsonl --public-key KEY]   (KEY: PEM file, or base64/hex key as /api/v1/audit/public-key serves it)',
    description:
      'Re-computes the audit hash chain and checks the signed checkpoints: of the live database, or with --file of an ' +
      'exported log, offline, with no configuration or database. Exit 1 when the log is not intact.',
    options: {
      file: { value: 'EXPORT.jsonl', description: 'an audit:export JSONL file to check instead of the database' },
      'public-key': { value: 'KEY', description: "the service's public key: a PEM file, or the key in base64 or hex" },
    },
    load: async () => (await import('./commands/audit-verify.command.js')).auditVerifyCommand,
  },
  {
    name: 'audit:export',
    usage:
      'audit:export --format jsonl|csv --out PATH [--from DATE] [--to DATE] [--network-id ID] [--member-id ID] [--action A] ' +
      '[--actor-id ID]',
    description: 'Writes the audit log, or part of it, to a file (mode 0600) with the checkpoints that sign it.',
    options: {
      format: { value: 'jsonl|csv', description: 'jsonl can be checked with audit:verify --file' },
      out: { value: 'PATH', description: 'the file to write' },
      from: { value: 'DATE', description: 'events at or after, such as 2026-01-31 or 2026-01-31T12:00:00Z' },
      to: { value: 'DATE', description: 'events before' },
      'network-id': { value: 'ID', description: 'only events about this network' },
      'member-id': { value: 'ID', description: 'only events about this member' },
      action: { value: 'A', description: 'only this action, such as member.created' },
      'actor-id': { value: 'ID', description: 'only events by this staff account' },
    },
    load: async () => (await import('./commands/audit-export.command.js')).auditExportCommand,
  },
  {
    name: 'audit:checkpoint',
    usage: 'audit:checkpoint',
    description: 'Signs the head of the audit log now (the server also does so every hour).',
    options: {},
    load: async () => (await import('./commands/audit-checkpoint.command.js')).auditCheckpointCommand,
  },
  {
    name: 'audit:public-key',
    usage: 'audit:public-key',
    description: 'Prints the public key auditors verify checkpoints with (PEM, then the JSON result).',
    options: {},
    load: async () => (await import('./commands/audit-public-key.command.js')).auditPublicKeyCommand,
  },
  {
    name: 'audit:trace',
    usage: 'audit:trace --file LEAKED.xlsx|LEAKED.pdf',
    description: 'Which edition, recipient and time a leaked XLSX or PDF came from, from the audit log.',
    options: { file: { value: 'LEAKED.xlsx|LEAKED.pdf', description: 'the leaked file' } },
    load: async () => (await import('./commands/audit-trace.command.js')).auditTraceCommand,
  },
  {
    name: 'report:processing',
    usage: "report:processing --from YYYY-MM-DD --to YYYY-MM-DD   (to is exclusive; dates in the organisation's time zone)",
    description: 'Records of processing (art. 30) for a period, per network and month, from the audit log.',
    options: {
      from: { value: 'YYYY-MM-DD', description: 'first day' },
      to: { value: 'YYYY-MM-DD', description: 'the day after the last (exclusive)' },
    },
    load: async () => (await import('./commands/report-processing.command.js')).reportProcessingCommand,
  },
];
