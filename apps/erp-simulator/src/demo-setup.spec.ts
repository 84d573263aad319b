import { parseMoney } from '@credit/domain';
import { verifyAccessToken } from '@credit/auth';
import { LABELS } from '../../risk-desk/src/i18n';
import { demoTokens, seedApprovalRole } from './demo-setup';
import { DEMO_APPROVAL_ROLE, DEMO_HELD_ORDER, demoStory, expectedOutcome, releaseSteps } from './demo-story';

const SECRET = 'x'.repeat(40);
const POLICY = { maxTtlSeconds: 86_400 };

describe('the demo a person can act in', () => {
  it('prints a token for a viewer, an approver and a credit manager of the demo company', () => {
    const tokens = demoTokens(SECRET, POLICY);
    expect(tokens.map((t) => [t.subject, t.roles])).toEqual([
      ['demo-viewer', ['viewer']],
      ['demo-approver', ['approver']],
      ['demo-credit-manager', ['credit-manager']],
    ]);
    for (const t of tokens) {
      const principal = verifyAccessToken(t.token, { secret: SECRET, maxTtlSeconds: 86_400 });
      expect(principal).toEqual({ subject: t.subject, roles: t.roles, companies: ['IT01'] });
    }
  });

  it('seeds the approval role, then its holders, as an admin that grants nothing to itself', async () => {
    const calls: { url: string; body: unknown; auth: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({
        url,
        body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
        auth: String((init.headers as Record<string, string>).authorization),
      });
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    await seedApprovalRole('http://api', SECRET, POLICY, fakeFetch);
    expect(calls.map((c) => c.url)).toEqual([
      'http://api/v1/companies/IT01/approval-roles/demo-releaser',
      'http://api/v1/companies/IT01/approval-roles/demo-releaser/members/demo-approver',
      'http://api/v1/companies/IT01/approval-roles/demo-releaser/members/demo-credit-manager',
    ]);
    expect(calls[0].body).toEqual({ maxExcess: '5000.00', mayReleaseOverdue: false, maxLimit: '50000.00' });
    const admin = verifyAccessToken(calls[0].auth.replace('Bearer ', ''), {
      secret: SECRET,
      maxTtlSeconds: 86_400,
    });
    expect(admin).toMatchObject({ subject: 'demo-setup', roles: ['admin'] });
  });

  it('holds an order the seeded role may release: blocked for the limit only, the excess within its authority', () => {
    const today = '2026-03-16';
    const story = demoStory({ today, start: new Date('2026-03-16T09:00:00Z'), runTag: 'test' });
    const last = story.steps.at(-1)!.envelope;
    expect(last).toMatchObject({
      type: 'document.checkRequested',
      customerId: DEMO_HELD_ORDER.customerId,
      data: { documentId: DEMO_HELD_ORDER.documentId },
    });
    const before = expectedOutcome({ ...story, steps: story.steps.slice(0, -1) }).get(
      DEMO_HELD_ORDER.customerId,
    )!;
    expect(before.blockReasons).toEqual(['LIMIT_EXCEEDED']);
    const excess = before.total + parseMoney(DEMO_HELD_ORDER.amount) - before.limitAmount!;
    expect(excess).toBeGreaterThan(0n);
    expect(excess).toBeLessThanOrEqual(parseMoney(DEMO_APPROVAL_ROLE.maxExcess));
    expect(DEMO_APPROVAL_ROLE.members).not.toContain(DEMO_HELD_ORDER.requestedBy);
  });

  it('says step by step how to release it, with the words the desk shows', () => {
    const steps = releaseSteps('http://127.0.0.1:3000/desk/').join('\n');
    for (const label of [LABELS.en.signIn, LABELS.en.navHolds, LABELS.en.release, LABELS.en.navSettings])
      expect(steps).toContain(`"${label}"`);
    expect(steps).toContain('SO-2004');
    expect(steps).toContain('demo-approver');
  });
});
