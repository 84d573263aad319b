import { Cents, formatMoney } from '@credit/domain';

/**
 * The authority to decide holds (release by exception, "evasione in deroga").
 * Pure: the caller loads the approval roles assigned to the user in the hold's
 * company and the hold; these functions say whether the decision is allowed.
 *
 * - A user's authority is the union of its approval roles in that company: the
 *   largest maxExcess (null = unlimited wins), and mayReleaseOverdue if any role
 *   has it.
 * - Release: maxExcess >= hold excess (equality allowed) and, when the hold's
 *   reasons contain OVERDUE, mayReleaseOverdue.
 * - Reject: any approval role in the company (rejecting never lets a document
 *   through, so no amount or overdue permission is needed).
 */

/** One approval role assigned to the user. maxExcess in cents; null = unlimited. */
export interface ApprovalGrant {
  name: string;
  maxExcess: Cents | null;
  mayReleaseOverdue: boolean;
}

/** The user's combined authority in one company. */
export interface EffectiveAuthority {
  /** Role names, sorted. */
  roles: string[];
  /** Largest excess the user may release; null = unlimited. */
  maxExcess: Cents | null;
  mayReleaseOverdue: boolean;
}

/** What a hold asks of its decider. */
export interface HoldRequirement {
  /** max(0, exposure after - limit), in cents. */
  excess: Cents;
  /** The hold's reasons: LIMIT_EXCEEDED, LIMIT_EXPIRED, OVERDUE. */
  reasons: readonly string[];
}

export type MissingAuthority = 'APPROVAL_ROLE' | 'MAX_EXCESS' | 'OVERDUE_PERMISSION';

export type AuthorityVerdict =
  | { allowed: true; authority: EffectiveAuthority }
  | { allowed: false; authority: EffectiveAuthority | null; missing: MissingAuthority[]; message: string };

/** The union of the grants; null when there is none. */
export function effectiveAuthority(grants: readonly ApprovalGrant[]): EffectiveAuthority | null {
  if (grants.length === 0) return null;
  let maxExcess: Cents | null = 0n;
  let mayReleaseOverdue = false;
  for (const grant of grants) {
    if (grant.maxExcess === null || maxExcess === null) maxExcess = null;
    else if (grant.maxExcess > maxExcess) maxExcess = grant.maxExcess;
    mayReleaseOverdue ||= grant.mayReleaseOverdue;
  }
  return { roles: grants.map((g) => g.name).sort(), maxExcess, mayReleaseOverdue };
}

export const needsOverduePermission = (reasons: readonly string[]): boolean => reasons.includes('OVERDUE');

const noRole = (companyId: string): AuthorityVerdict => ({
  allowed: false,
  authority: null,
  missing: ['APPROVAL_ROLE'],
  message: `you hold no approval role in company ${companyId}`,
});

const describeRoles = (grants: readonly ApprovalGrant[]): string =>
  [...grants]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(
      (g) =>
        `${g.name}: max excess ${g.maxExcess === null ? 'unlimited' : formatMoney(g.maxExcess)}` +
        `${g.mayReleaseOverdue ? ', may release overdue' : ''}`,
    )
    .join('; ');

/** May a user with these grants release this hold? */
export function releaseVerdict(
  grants: readonly ApprovalGrant[],
  hold: HoldRequirement,
  companyId: string,
): AuthorityVerdict {
  const authority = effectiveAuthority(grants);
  if (authority === null) return noRole(companyId);
  const missing: MissingAuthority[] = [];
  const problems: string[] = [];
  if (authority.maxExcess !== null && authority.maxExcess < hold.excess) {
    missing.push('MAX_EXCESS');
    problems.push(
      `the hold exceeds the limit by ${formatMoney(hold.excess)} but your approval roles allow releasing ` +
        `at most ${formatMoney(authority.maxExcess)}`,
    );
  }
  if (needsOverduePermission(hold.reasons) && !authority.mayReleaseOverdue) {
    missing.push('OVERDUE_PERMISSION');
    problems.push(
      'the customer is blocked for overdue items and none of your approval roles may release overdue customers',
    );
  }
  if (missing.length === 0) return { allowed: true, authority };
  return {
    allowed: false,
    authority,
    missing,
    message: `not enough authority to release: ${problems.join('; and ')} (your roles: ${describeRoles(grants)})`,
  };
}

/** May a user with these grants reject a hold? Any approval role in the company suffices. */
export function rejectVerdict(grants: readonly ApprovalGrant[], companyId: string): AuthorityVerdict {
  const authority = effectiveAuthority(grants);
  return authority === null ? noRole(companyId) : { allowed: true, authority };
}
