/**
 * What the signed-in user may do with a hold, so that the desk can disable the
 * buttons and say why. The API decides (apps/risk-api/src/holds/authority.ts);
 * this mirrors its rules (docs/api.md, "Holds") for the page only.
 */
export interface ApprovalRole {
  name: string;
  maxExcess: string | null;
  mayReleaseOverdue: boolean;
}

export interface HoldFacts {
  excess: string;
  reasons: string[];
  requestedBy: string | null;
  /** The caller that sent the check; excluded from deciding like the requester. */
  sentBy: string | null;
}

export type Refusal =
  | { code: 'ROLE' }
  | { code: 'APPROVAL_ROLE' }
  | { code: 'REQUESTER' }
  | { code: 'MAX_EXCESS'; maxExcess: string }
  | { code: 'OVERDUE_PERMISSION' };

export interface Abilities {
  release: Refusal | null;
  reject: Refusal | null;
}

const cents = (value: string): bigint => {
  const [units, fraction = ''] = value.replace('-', '').split('.');
  const c = BigInt(units) * 100n + BigInt((fraction + '00').slice(0, 2));
  return value.startsWith('-') ? -c : c;
};

/** `canDecide` = the token holds approver or higher; `roles` = the approval roles of the user in the company. */
export function abilities(
  hold: HoldFacts,
  user: { subject: string; canDecide: boolean; roles: ApprovalRole[] },
): Abilities {
  if (!user.canDecide) return { release: { code: 'ROLE' }, reject: { code: 'ROLE' } };
  if (user.roles.length === 0)
    return { release: { code: 'APPROVAL_ROLE' }, reject: { code: 'APPROVAL_ROLE' } };
  if (hold.requestedBy === user.subject || hold.sentBy === user.subject)
    return { release: { code: 'REQUESTER' }, reject: { code: 'REQUESTER' } };
  const unlimited = user.roles.some((r) => r.maxExcess === null);
  const maxExcess = user.roles.reduce<string>(
    (max, r) => (r.maxExcess !== null && cents(r.maxExcess) > cents(max) ? r.maxExcess : max),
    '0.00',
  );
  let release: Refusal | null = null;
  if (!unlimited && cents(maxExcess) < cents(hold.excess)) release = { code: 'MAX_EXCESS', maxExcess };
  else if (hold.reasons.includes('OVERDUE') && !user.roles.some((r) => r.mayReleaseOverdue))
    release = { code: 'OVERDUE_PERMISSION' };
  return { release, reject: null };
}

/**
 * Limit governance (four eyes, spec section 11): what the signed-in user may do
 * with a pending limit request. Mirrors the API's rules for the page only: a
 * credit manager decides; the requester never decides its own request; the
 * decider's authority is the largest `maxLimit` of its approval roles in the
 * company (null = unlimited, no role = 0) and must cover the requested amount
 * and, when higher, the temporary amount.
 */
export interface LimitRole {
  name: string;
  /** As the API gives it (ApprovalRoleDto): null = unlimited. */
  maxLimit: string | null;
}

export interface LimitRequestFacts {
  amount: string;
  temporaryAmount: string | null;
  requestedBy: string;
}

export type LimitRefusal =
  { code: 'LIMIT_ROLE' } | { code: 'LIMIT_REQUESTER' } | { code: 'MAX_LIMIT'; maxLimit: string };

/** The largest maxLimit of `roles` (null = unlimited); "0.00" without any role. */
export function limitAuthority(roles: LimitRole[]): string | null {
  if (roles.some((r) => r.maxLimit === null)) return null;
  return roles.reduce<string>(
    (max, r) => (r.maxLimit !== null && cents(r.maxLimit) > cents(max) ? r.maxLimit : max),
    '0.00',
  );
}

/** `canDecide` = the token holds credit-manager or higher; `roles` = the user's approval roles in the company. */
export function limitRequestAbilities(
  request: LimitRequestFacts,
  user: { subject: string; canDecide: boolean; roles: LimitRole[] },
): { approve: LimitRefusal | null; reject: LimitRefusal | null } {
  const both = (r: LimitRefusal) => ({ approve: r, reject: r });
  if (!user.canDecide) return both({ code: 'LIMIT_ROLE' });
  if (request.requestedBy === user.subject) return both({ code: 'LIMIT_REQUESTER' });
  const authority = limitAuthority(user.roles);
  const needed =
    request.temporaryAmount !== null && cents(request.temporaryAmount) > cents(request.amount)
      ? request.temporaryAmount
      : request.amount;
  if (authority !== null && cents(authority) < cents(needed))
    return both({ code: 'MAX_LIMIT', maxLimit: authority });
  return { approve: null, reject: null };
}
