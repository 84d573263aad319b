import {
  applyFacts,
  assess,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
  formatMoney,
  MONEY_PATTERN,
} from '@credit/domain';
import {
  decodeInputEvent,
  INPUT_STREAMS,
  InputStream,
  inputMessage,
  customerKey,
  RawEnvelope,
} from '@credit/contracts';
import { demoStory, expectedOutcome } from './demo-story';
import { describeEvent } from './describe';
import { money, percentOf, split } from './money';
import { createRng } from './random';
import { generateScenario, interleave, Scenario, ScenarioOptions } from './scenario';

const OPTIONS: ScenarioOptions = {
  seed: 42,
  companies: ['IT01', 'DE01'],
  customers: 12,
  eventsPerCustomer: 60,
  startDate: '2025-09-01',
};

const decode = (stream: InputStream, envelope: RawEnvelope) => {
  const { key, value } = inputMessage(envelope);
  return decodeInputEvent(stream, key, value);
};

const allEvents = (scenario: Scenario): Array<{ stream: InputStream; envelope: RawEnvelope }> =>
  INPUT_STREAMS.flatMap((stream) => scenario.streams[stream].map((envelope) => ({ stream, envelope })));

/** Every fact of each customer, in the customer's own time order (the stream orders merged on occurredAt). */
function factsByCustomer(scenario: Scenario): Map<string, Fact[]> {
  const events = allEvents(scenario).sort(
    (a, b) =>
      Date.parse(a.envelope.occurredAt) - Date.parse(b.envelope.occurredAt) ||
      a.envelope.eventId.localeCompare(b.envelope.eventId),
  );
  const byCustomer = new Map<string, Fact[]>();
  for (const { stream, envelope } of events) {
    const result = decode(stream, envelope);
    if (!result.ok) throw new Error(result.message);
    const key = customerKey(envelope.companyId, envelope.customerId);
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), result.fact]);
  }
  return byCustomer;
}

describe('generateScenario', () => {
  const scenario = generateScenario(OPTIONS);

  it.each([1, 2, 42, 1234567, 4_294_967_295])(
    'seed %p: every event decodes on its own stream (no dead letters)',
    (seed) => {
      const generated = generateScenario({ ...OPTIONS, seed, customers: 8 });
      let count = 0;
      for (const { stream, envelope } of allEvents(generated)) {
        const result = decode(stream, envelope);
        if (!result.ok)
          throw new Error(`${envelope.eventId} ${envelope.type}: ${result.reason} ${result.message}`);
        count++;
      }
      expect(count).toBe(2 * 8 * OPTIONS.eventsPerCustomer!);
    },
  );

  it('gives every customer exactly eventsPerCustomer events, keyed <companyId>:<customerId>', () => {
    expect(scenario.customers).toHaveLength(24);
    const perKey = new Map<string, number>();
    for (const { envelope } of allEvents(scenario)) {
      const key = customerKey(envelope.companyId, envelope.customerId);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      expect(inputMessage(envelope).key.toString()).toBe(key);
    }
    expect(perKey.size).toBe(24);
    for (const count of perKey.values()) expect(count).toBe(60);
    for (const c of scenario.customers) expect(c.events).toBe(60);
    expect(scenario.customers.map((c) => `${c.companyId}:${c.customerId}`)).toContain('DE01:C00012');
  });

  it('is deterministic: the same seed gives the same events, another seed differs', () => {
    expect(generateScenario(OPTIONS)).toEqual(scenario);
    const other = generateScenario({ ...OPTIONS, seed: 43 });
    expect(JSON.stringify(other.streams)).not.toEqual(JSON.stringify(scenario.streams));
    const otherIds = new Set(allEvents(other).map((e) => e.envelope.eventId));
    expect(allEvents(scenario).some((e) => otherIds.has(e.envelope.eventId))).toBe(false);
  });

  it('keeps occurredAt non-decreasing in each stream', () => {
    for (const stream of INPUT_STREAMS) {
      const instants = scenario.streams[stream].map((e) => Date.parse(e.occurredAt));
      expect(instants.every((t) => Number.isFinite(t))).toBe(true);
      for (let i = 1; i < instants.length; i++) expect(instants[i]).toBeGreaterThanOrEqual(instants[i - 1]);
    }
  });

  it('gives unique eventIds', () => {
    const ids = allEvents(scenario).map((e) => e.envelope.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length >= 1 && id.length <= 128)).toBe(true);
  });

  it('writes money as strings with two decimals', () => {
    const amounts: string[] = [];
    const collect = (value: unknown, field: string): void => {
      if (Array.isArray(value)) value.forEach((v) => collect(v, field));
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) collect(v, k);
      } else if (field === 'amount') amounts.push(value as string);
    };
    for (const { envelope } of allEvents(scenario)) collect(envelope.data, '');
    expect(amounts.length).toBeGreaterThan(500);
    for (const amount of amounts) {
      expect(typeof amount).toBe('string');
      expect(amount).toMatch(/^[0-9]+\.[0-9]{2}$/);
      expect(amount).toMatch(MONEY_PATTERN);
    }
  });

  it("references only documents, items, entries and bills of the customer's own earlier history", () => {
    for (const [key, facts] of factsByCustomer(scenario)) {
      const seen = {
        orders: new Set<string>(),
        deliveries: new Set<string>(),
        invoices: new Set<string>(),
        entries: new Set<string>(),
        openItems: new Set<string>(),
        bills: new Set<string>(),
      };
      const must = (set: Set<string>, id: string, what: string) => {
        if (!set.has(id)) throw new Error(`${key}: ${what} ${id} is not in its earlier history`);
      };
      for (const f of facts) {
        switch (f.type) {
          case 'order.confirmed':
            seen.orders.add(f.orderId);
            break;
          case 'order.closed':
            must(seen.orders, f.orderId, 'closed order');
            break;
          case 'delivery.issued':
            f.orderRefs.forEach((r) => must(seen.orders, r.orderId, 'delivered order'));
            seen.deliveries.add(f.deliveryId);
            break;
          case 'delivery.cancelled':
            must(seen.deliveries, f.deliveryId, 'cancelled delivery');
            break;
          case 'invoice.issued':
            f.orderRefs.forEach((r) => must(seen.orders, r.orderId, 'invoiced order'));
            f.deliveryRefs.forEach((r) => must(seen.deliveries, r.deliveryId, 'invoiced delivery'));
            seen.invoices.add(f.invoiceId);
            break;
          case 'invoice.cancelled':
            must(seen.invoices, f.invoiceId, 'cancelled invoice');
            break;
          case 'journal.posted':
            for (const line of f.lines) {
              if (line.invoiceRef !== undefined) must(seen.invoices, line.invoiceRef, 'posted invoice');
              for (const s of line.settles ?? []) must(seen.openItems, s.openItemId, 'settled open item');
              if (line.openItemId !== undefined) seen.openItems.add(line.openItemId);
            }
            seen.entries.add(f.entryId);
            break;
          case 'journal.reversed':
            must(seen.entries, f.entryId, 'reversed entry');
            break;
          case 'bill.issued':
            seen.bills.add(f.billId);
            break;
          case 'bill.presented':
          case 'bill.collected':
          case 'bill.dishonoured':
          case 'bill.cancelled':
            must(seen.bills, f.billId, f.type);
            break;
          default:
            break;
        }
      }
    }
  });

  it('covers the lifecycle the engine has to handle', () => {
    const types = new Set(allEvents(scenario).map((e) => e.envelope.type));
    for (const type of [
      'customer.updated',
      'creditLimit.set',
      'order.confirmed',
      'order.closed',
      'delivery.issued',
      'delivery.cancelled',
      'invoice.issued',
      'journal.posted',
      'journal.reversed',
      'bill.issued',
      'bill.presented',
      'bill.collected',
      'bill.dishonoured',
    ]) {
      expect(types).toContain(type);
    }
    const facts = [...factsByCustomer(scenario).values()].flat();
    const kinds = new Set(facts.flatMap((f) => (f.type === 'invoice.issued' ? [f.kind] : [])));
    expect(kinds).toEqual(new Set(['invoice', 'credit-note']));
    const reasons = new Set(facts.flatMap((f) => (f.type === 'order.closed' ? [f.reason] : [])));
    expect(reasons).toEqual(new Set(['cancelled', 'completed', 'short-closed']));
    const instalments = facts.flatMap((f) =>
      f.type === 'journal.posted' && f.lines.some((l) => l.invoiceRef && l.openItemId)
        ? [f.lines.length]
        : [],
    );
    expect(new Set(instalments)).toEqual(new Set([1, 2, 3]));
    // A few customers have no limit at all, the others a mix of warn and block.
    const modes = new Map<string, string>();
    for (const f of facts)
      if (f.type === 'creditLimit.set') modes.set(`${f.companyId}:${f.customerId}`, f.mode);
    expect(new Set(modes.values())).toEqual(new Set(['warn', 'block']));
    const big = generateScenario({ ...OPTIONS, customers: 60, eventsPerCustomer: 5 });
    const withLimit = new Set(big.streams.creditLimits.map((e) => customerKey(e.companyId, e.customerId)));
    expect(withLimit.size).toBeLessThan(big.customers.length);
  });

  it('folds into exposures with every status (the domain accepts the histories)', () => {
    const statuses = new Set<string>();
    for (const facts of factsByCustomer(scenario).values()) {
      const a = assess(applyFacts(emptyDocuments(), facts), '2026-03-01', DEFAULT_PARAMETERS);
      statuses.add(a.status);
      expect(formatMoney(a.total)).toMatch(/^-?[0-9]+\.[0-9]{2}$/);
    }
    expect(statuses.size).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => generateScenario({ ...OPTIONS, companies: ['IT 01'] })).toThrow(/company id "IT 01"/);
    expect(() => generateScenario({ ...OPTIONS, companies: [] })).toThrow(/companies/);
    expect(() => generateScenario({ ...OPTIONS, customers: -1 })).toThrow(/customers/);
    expect(() => generateScenario({ ...OPTIONS, eventsPerCustomer: 0 })).toThrow(/eventsPerCustomer/);
    expect(() => generateScenario({ ...OPTIONS, startDate: '2026-02-30' })).toThrow(/startDate/);
    expect(() => generateScenario({ ...OPTIONS, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('interleave', () => {
  const { streams } = generateScenario({ ...OPTIONS, customers: 4 });

  it('keeps every event once and each stream in its own order', () => {
    const merged = interleave(streams, 7);
    expect(merged).toHaveLength(INPUT_STREAMS.reduce((n, s) => n + streams[s].length, 0));
    for (const stream of INPUT_STREAMS) {
      expect(merged.filter((e) => e.stream === stream).map((e) => e.envelope)).toEqual(streams[stream]);
    }
  });

  it('is seeded: same seed same order, another seed another order', () => {
    const ids = (seed: number) => interleave(streams, seed).map((e) => e.envelope.eventId);
    expect(ids(7)).toEqual(ids(7));
    expect(ids(8)).not.toEqual(ids(7));
  });

  it('handles missing and empty streams', () => {
    expect(interleave({}, 1)).toEqual([]);
    expect(interleave({ documents: [], customers: streams.customers }, 1).map((e) => e.envelope)).toEqual(
      streams.customers,
    );
  });
});

describe('demo story', () => {
  const today = '2026-03-16';
  const story = demoStory({ today, start: new Date('2026-03-16T09:00:00Z'), runTag: 'test' });

  it('is valid, for company IT01, paced over about 20 seconds', () => {
    for (const { stream, envelope } of story.steps) {
      const result = decode(stream, envelope);
      if (!result.ok) throw new Error(`${envelope.type}: ${result.message}`);
      expect(envelope.companyId).toBe('IT01');
    }
    const ids = story.steps.map((s) => s.envelope.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const span =
      Date.parse(story.steps.at(-1)!.envelope.occurredAt) - Date.parse(story.steps[0].envelope.occurredAt);
    expect(span).toBeGreaterThan(15_000);
    expect(span).toBeLessThanOrEqual(20_000);
    expect(story.steps[0].envelope.occurredAt).toBe('2026-03-16T10:00:00.000+01:00');
  });

  it('provably shows a breach: folded through the domain, C002 is EXCEEDED and blocked, C003 WARNING', () => {
    const facts = new Map<string, Fact[]>();
    for (const { stream, envelope } of story.steps) {
      const result = decode(stream, envelope);
      if (!result.ok) throw new Error(result.message);
      facts.set(envelope.customerId, [...(facts.get(envelope.customerId) ?? []), result.fact]);
    }
    const at = (customerId: string) =>
      assess(applyFacts(emptyDocuments(), facts.get(customerId)!), today, DEFAULT_PARAMETERS);

    const breaching = at(story.breaching);
    expect(story.breaching).toBe('C002');
    expect(breaching.status).toBe('EXCEEDED');
    expect(breaching.blocked).toBe(true);
    expect(breaching.blockReasons).toEqual(['LIMIT_EXCEEDED']);
    expect(formatMoney(breaching.total)).toBe('11000.00');

    const warning = at(story.warning);
    expect(warning.status).toBe('WARNING');
    expect(warning.blocked).toBe(false);

    const overdue = at(story.overdue);
    expect(overdue.status).toBe('OK');
    expect(formatMoney(overdue.overdueAmount)).toBe('1830.00');
    expect(overdue.oldestOverdueDays).toBe(15);
    expect(overdue.blockReasons).toEqual(['OVERDUE']);

    expect(at('C001').status).toBe('OK');
    expect(at('C001').blocked).toBe(false);
    expect(at('C005').status).toBe('NO_LIMIT');
    expect(formatMoney(at('C005').components.bills)).toBe('2200.00');
  });

  it('passes through WARNING before it breaches (so the engine publishes both transitions)', () => {
    const mine = story.steps.filter((s) => s.envelope.customerId === 'C002');
    const statuses: string[] = [];
    let docs = emptyDocuments();
    for (const { stream, envelope } of mine) {
      const result = decode(stream, envelope);
      if (!result.ok) throw new Error(result.message);
      docs = applyFacts(docs, [result.fact]);
      const status = assess(docs, today, DEFAULT_PARAMETERS).status;
      if (statuses.at(-1) !== status) statuses.push(status);
    }
    expect(statuses).toEqual(['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED']);
  });

  it('expectedOutcome agrees, and the story is the same for the same options', () => {
    const outcome = expectedOutcome(story);
    expect(outcome.get('C002')!.status).toBe('EXCEEDED');
    expect(outcome.get('C003')!.status).toBe('WARNING');
    expect(demoStory({ today, start: new Date('2026-03-16T09:00:00Z'), runTag: 'test' })).toEqual(story);
  });

  it('prints one readable line per event', () => {
    const lines = story.steps.map((s) => describeEvent(s.envelope));
    expect(lines).toContain('IT01:C002 order.confirmed SO-2003 2500.00');
    expect(lines).toContain('IT01:C001 delivery.issued DDT-1001 2400.00 <- SO-1001 2400.00');
    expect(lines.every((l) => /^IT01:C00[1-5] [a-zA-Z]+\.[a-zA-Z]+ \S/.test(l))).toBe(true);
  });
});

describe('money and random helpers', () => {
  it('formats whole cents exactly', () => {
    expect(money(0)).toBe('0.00');
    expect(money(5)).toBe('0.05');
    expect(money(123456)).toBe('1234.56');
    expect(money(999_999_999_999_99)).toBe('999999999999.99');
    expect(() => money(1.5)).toThrow(RangeError);
    expect(() => money(-1)).toThrow(RangeError);
  });

  it('splits and scales on integers', () => {
    expect(split(1000, 3)).toEqual([333, 333, 334]);
    expect(split(2, 3)).toEqual([0, 0, 2]);
    expect(percentOf(12345, 50)).toBe(6172);
  });

  it('draws integers in range, deterministically', () => {
    const a = createRng(9);
    const b = createRng(9);
    for (let i = 0; i < 1000; i++) {
      const x = a.int(-3, 3);
      expect(x).toBe(b.int(-3, 3));
      expect(x).toBeGreaterThanOrEqual(-3);
      expect(x).toBeLessThanOrEqual(3);
    }
  });
});
