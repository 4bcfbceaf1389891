export const STAFF_ROLES = ['admin', 'coordinator', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who is acting. Every mutating service method takes one and writes it into the audit event. */
export type Actor =
  | { type: 'staff'; id: string; role: StaffRole; networkIds: readonly string[] }
  | { type: 'member'; id: string }
  | { type: 'system' }
  | { type: 'cli' };

export type StaffActor = Extract<Actor, { type: 'staff' }>;

export const CLI_ACTOR: Actor = { type: 'cli' };
export const SYSTEM_ACTOR: Actor = { type: 'system' };

export function actorId(actor: Actor): string | null {
  return actor.type === 'staff' || actor.type === 'member' ? actor.id : null;
}

/** Staff with full reach (admin) and the command line operate on every network. */
export function canReachNetwork(actor: Actor, networkId: string): boolean {
  if (actor.type === 'cli' || actor.type === 'system') return true;
  if (actor.type !== 'staff') return false;
  if (actor.role === 'admin') return true;
  return actor.role === 'coordinator' && actor.networkIds.includes(networkId);
}
