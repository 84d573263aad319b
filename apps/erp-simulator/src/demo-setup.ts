import { mintToken } from '@credit/auth';
import { TokenPolicySettings } from '@credit/config';
import { DEMO_APPROVAL_ROLE, DEMO_COMPANY, DEMO_PEOPLE } from './demo-story';

export interface DemoToken {
  subject: string;
  roles: readonly string[];
  does: string;
  token: string;
}

/** One token per person of the demo, for the demo company, valid 8 hours (or less if the API accepts less). */
export function demoTokens(secret: string, policy: TokenPolicySettings): DemoToken[] {
  return DEMO_PEOPLE.map((person) => ({
    ...person,
    token: mintToken({
      sub: person.subject,
      roles: [...person.roles],
      companies: [DEMO_COMPANY],
      ttlSeconds: Math.min(8 * 3600, policy.maxTtlSeconds),
      secret,
      ...policy,
    }),
  }));
}

/**
 * Seeds the demo's approval role through the risk API, as an admin would:
 * the role with its authority, then its holders. Idempotent (PUTs), so a demo
 * run again changes nothing. The admin token is minted for this only.
 */
export async function seedApprovalRole(
  apiBase: string,
  secret: string,
  policy: TokenPolicySettings,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const admin = mintToken({
    sub: 'demo-setup',
    roles: ['admin'],
    companies: [DEMO_COMPANY],
    ttlSeconds: Math.min(300, policy.maxTtlSeconds),
    secret,
    ...policy,
  });
  const base = `${apiBase}/v1/companies/${DEMO_COMPANY}/approval-roles/${DEMO_APPROVAL_ROLE.name}`;
  const put = async (url: string, body?: object) => {
    const response = await fetchImpl(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${url}: HTTP ${response.status} ${await response.text()}`);
  };
  const { maxExcess, mayReleaseOverdue, maxLimit, members } = DEMO_APPROVAL_ROLE;
  await put(base, { maxExcess, mayReleaseOverdue, maxLimit });
  for (const member of members) await put(`${base}/members/${member}`);
}
