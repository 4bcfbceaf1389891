import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor, StaffRole } from './actor.js';

export const PUBLIC_KEY = 'listebud:public';
export const ROLES_KEY = 'listebud:roles';

/** The route needs no login (health, login itself). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const BEFORE_SECOND_FACTOR_KEY = 'listebud:before-second-factor';

/** The route stays open to a staff session that must still set up TOTP (STAFF_TOTP_REQUIRED). */
export const AllowBeforeSecondFactor = () => SetMetadata(BEFORE_SECOND_FACTOR_KEY, true);

/** Staff roles allowed on the route. A route without @Roles is admin-only: safe by default. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);

export type RequestWithActor = { actor?: Actor };

/** The authenticated actor, resolved by the global auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
