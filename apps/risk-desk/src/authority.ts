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
