/**
 * Roles carried in the `roles` claim of an access token.
 *
 * `viewer` < `approver` < `credit-manager` < `admin` form a hierarchy: each
 * role includes every role before it. `erp-service` (ERP integrations) is NOT
 * in the hierarchy: it is granted the `viewer` level (read exposures) and its
 * own `erp-service` level (post credit checks), and nothing else.
 *
 * What each held role satisfies (rows: held role, columns: required role):
 *
 * | held \ required  | viewer | approver | credit-manager | admin | erp-service |
 * |------------------|:------:|:--------:|:--------------:|:-----:|:-----------:|
 * | viewer           |   x    |          |                |       |             |
 * | approver         |   x    |    x     |                |       |             |
 * | credit-manager   |   x    |    x     |       x        |       |             |
 * | admin            |   x    |    x     |       x        |   x   |             |
 * | erp-service      |   x    |          |                |       |      x      |
 *
 * A route that humans and integrations may both call names both, e.g.
 * `@RequireRole('erp-service', 'approver')` (any of the listed roles).
 */
export const ROLES = ['viewer', 'approver', 'credit-manager', 'admin', 'erp-service'] as const;

export type Role = (typeof ROLES)[number];

/** The table above, as data: the required roles each held role satisfies. */
export const ROLE_GRANTS: Readonly<Record<Role, readonly Role[]>> = Object.freeze({
  viewer: ['viewer'],
  approver: ['viewer', 'approver'],
  'credit-manager': ['viewer', 'approver', 'credit-manager'],
  admin: ['viewer', 'approver', 'credit-manager', 'admin'],
  'erp-service': ['viewer', 'erp-service'],
});

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Keeps the known roles (deduplicated, in ROLES order); unknown strings are dropped. */
export function knownRoles(values: readonly unknown[]): Role[] {
  return ROLES.filter((role) => values.includes(role));
}

/** True when at least one of `userRoles` grants `required`. Unknown role strings grant nothing. */
export function satisfies(userRoles: readonly string[], required: Role): boolean {
  return userRoles.some((held) => isRole(held) && ROLE_GRANTS[held].includes(required));
}

/** True when the user satisfies at least one of `required` (the semantics of `@RequireRole(a, b)`). */
export function satisfiesAny(userRoles: readonly string[], required: readonly Role[]): boolean {
  return required.some((role) => satisfies(userRoles, role));
}
