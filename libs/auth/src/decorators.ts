import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Principal } from './principal';
import { Role } from './roles';

export const IS_PUBLIC_KEY = 'credit:auth:public';
export const REQUIRED_ROLES_KEY = 'credit:auth:roles';
/** Name of the OpenAPI security scheme (`DocumentBuilder().addBearerAuth()` uses this name by default). */
export const BEARER_SCHEME = 'bearer';

/** The route (or every route of the controller) needs no token, e.g. /health, /metrics, /docs. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The caller must hold a role that satisfies at least one of `roles` (see the
 * table in roles.ts). On a controller it applies to every handler; a handler's
 * own `@RequireRole` replaces the controller's. Routes with neither this nor
 * `@Public()` are denied (403): secure by default.
 */
export function RequireRole(...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  const wording = roles.map((role) =>
    role === 'admin' || role === 'erp-service' ? role : `${role} or higher`,
  );
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES_KEY, Object.freeze([...roles])),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `Requires role ${wording.join(', or ')}; or company not allowed` }),
  );
}

/** The request fields the auth layer reads and writes (Express-compatible). */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  principal?: Principal;
}

/** The principal the guard attached, or undefined (public route). */
export function getPrincipal(request: AuthenticatedRequest): Principal | undefined {
  return request.principal;
}

/** Handler parameter: the authenticated caller. Throws 401 if used on a route the guard did not authenticate. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = getPrincipal(context.switchToHttp().getRequest<AuthenticatedRequest>());
    if (!principal) throw new UnauthorizedException('authentication required');
    return principal;
  },
);
