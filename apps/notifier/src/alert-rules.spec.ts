import type { SalesAgentRow, SubscriptionRow } from '@credit/postgres';
import {
  CustomerContext,
  excessOf,
  NotifiedEvent,
  parseNotifiedEvent,
  recipientOf,
  retryDelayMs,
  subscriptionMatches,
} from './alert-rules';
import { webhookSignature } from './channels';

const subscription = (over: Partial<SubscriptionRow> = {}): SubscriptionRow => ({
  companyId: 'IT01',
  subscriptionId: 's1',
  channel: 'email',
  target: 'credito@example.com',
  eventTypes: ['exposure.statusChanged', 'customer.blocked'],
  filter: {},
  digest: 'immediate',
  secret: null,
  enabled: true,
  updatedBy: 'cm',
  updatedAt: new Date(0),
  ...over,
});

const context = (over: Partial<CustomerContext> = {}): CustomerContext => ({
  name: 'Rossi',
  salesAgentId: 'AG-07',
  riskClass: 'C',
  total: 150_000n,
  limitAmount: 100_000n,
  ...over,
});

const statusChanged = (total: string, limit: string | null): NotifiedEvent => ({
  eventId: 'e1',
  type: 'exposure.statusChanged',
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C1',
  data: { from: 'OK', to: 'EXCEEDED', total, limit, utilizationPct: null, components: {} },
});

describe('alert rules', () => {
  it('matches on event type, customer, agent, risk class and minimum excess', () => {
    const event = statusChanged('1500.00', '1000.00');
    expect(subscriptionMatches(subscription(), event, context())).toBe(true);
    expect(subscriptionMatches(subscription({ enabled: false }), event, context())).toBe(false);
    expect(subscriptionMatches(subscription({ eventTypes: ['overdue.changed'] }), event, context())).toBe(
      false,
    );
    expect(subscriptionMatches(subscription({ filter: { customerIds: ['C2'] } }), event, context())).toBe(
      false,
    );
    expect(
      subscriptionMatches(subscription({ filter: { salesAgentIds: ['AG-07'] } }), event, context()),
    ).toBe(true);
    expect(
      subscriptionMatches(
        subscription({ filter: { salesAgentIds: ['AG-07'] } }),
        event,
        context({ salesAgentId: null }),
      ),
    ).toBe(false);
    expect(subscriptionMatches(subscription({ filter: { riskClasses: ['A', 'B'] } }), event, context())).toBe(
      false,
    );
    expect(subscriptionMatches(subscription({ filter: { minExcess: '500.00' } }), event, context())).toBe(
      true,
    );
    expect(subscriptionMatches(subscription({ filter: { minExcess: '500.01' } }), event, context())).toBe(
      false,
    );
    // No limit: no excess, so a minimum excess never matches.
    expect(
      subscriptionMatches(
        subscription({ filter: { minExcess: '0.00' } }),
        statusChanged('10.00', null),
        context(),
      ),
    ).toBe(false);
  });

  it('takes the excess from the event, or from the live state for events without figures', () => {
    expect(excessOf(statusChanged('1500.00', '1000.00'), context())).toBe(50_000n);
    const blocked: NotifiedEvent = {
      ...statusChanged('0', null),
      type: 'customer.blocked',
      data: { reasons: ['OVERDUE'] },
    };
    expect(excessOf(blocked, context({ total: 120_000n, limitAmount: 100_000n }))).toBe(20_000n);
    const held: NotifiedEvent = {
      ...blocked,
      type: 'document.held',
      data: {
        documentType: 'order',
        documentId: 'O1',
        amount: '10.00',
        exposureAfter: '1200.00',
        limit: '1000.00',
      },
    };
    expect(excessOf(held, context())).toBe(20_000n);
  });

  it("resolves sales-agent to the agent's e-mail, and says why when it cannot", () => {
    const agents = new Map<string, SalesAgentRow>([
      [
        'IT01:AG-07',
        {
          companyId: 'IT01',
          agentId: 'AG-07',
          name: 'G',
          email: 'g@example.com',
          updatedBy: 'a',
          updatedAt: new Date(0),
        },
      ],
    ]);
    const toAgent = subscription({ target: 'sales-agent' });
    expect(recipientOf(toAgent, context(), agents)).toEqual({ recipient: 'g@example.com' });
    expect(recipientOf(toAgent, context({ salesAgentId: 'AG-99' }), agents)).toEqual({
      problem: expect.stringContaining('AG-99 is not registered'),
    });
    expect(recipientOf(toAgent, context({ salesAgentId: null }), agents)).toEqual({
      problem: expect.stringContaining('no sales agent'),
    });
    expect(recipientOf(subscription(), context(), agents)).toEqual({ recipient: 'credito@example.com' });
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 30_000, 3_600_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000,
    ]);
  });

  it('reads only events with the output envelope', () => {
    expect(parseNotifiedEvent(Buffer.from('not json'))).toBeNull();
    expect(parseNotifiedEvent(Buffer.from('{"eventId":"e"}'))).toBeNull();
    expect(parseNotifiedEvent(Buffer.from(JSON.stringify(statusChanged('1.00', '1.00'))))?.eventId).toBe(
      'e1',
    );
  });

  it('signs a webhook body with HMAC-SHA256 of the raw body (RFC 4231 test case 2)', () => {
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
