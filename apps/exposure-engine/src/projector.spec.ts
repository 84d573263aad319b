import { CustomerRecord, DEFAULT_PARAMETERS, newCustomerRecord } from '@credit/domain';
import {
  ExposureProjection,
  ProjectionOptions,
  ProjectionQuarantine,
  QuarantineEntry,
  UnstorableValueError,
} from '@credit/postgres';
import { customerKey, outputEvent } from '@credit/contracts';
import { ExposureStore, ProjectionDue, RedisKeys } from '@credit/redis';
import { EngineMetrics } from '@credit/observability';
import { CompanyParametersSource } from './company-parameters';
import { Projector } from './projector';

/** A projection that refuses, like Postgres, every step holding a poisoned customer; `failure` for the others. */
class RefusingProjection {
  readonly steps: string[][] = [];
  readonly written = new Set<string>();
  failure: Error | null = null;

  constructor(private readonly poisoned: ReadonlySet<string>) {}

  async upsert(records: CustomerRecord[], _asOf: Date, options: ProjectionOptions = {}) {
    const keys = [
      ...records.map((r) => customerKey(r.companyId, r.customerId)),
      ...(options.events ?? []).map((e) => customerKey(e.companyId, e.customerId)),
    ];
    this.steps.push(keys);
    if (this.failure) throw this.failure;
    if (keys.some((k) => this.poisoned.has(k))) {
      throw new UnstorableValueError(
        'exposure_document: 22021 invalid byte sequence for encoding "UTF8": 0x00',
      );
    }
    for (const key of keys) this.written.add(key);
    return { advanced: [] };
  }
}

const blocked = (customerId: string) =>
  outputEvent({
    type: 'customer.blocked',
    companyId: 'IT01',
    customerId,
    causationId: 'in-1',
    sequence: 1,
    occurredAt: '2026-03-20T09:00:00.000Z',
    data: { reasons: ['OVERDUE'] },
  });

function projectorWith(customers: number, poisoned: string[], rebuilding = { now: false }) {
  const records = new Map<string, CustomerRecord>();
  for (let c = 0; c < customers; c++) {
    records.set(`IT01:C${c}`, { ...newCustomerRecord('IT01', `C${c}`), version: 5 });
  }
  const due: ProjectionDue[] = [...records.keys()].map((key) => ({ key, version: 5 }));
  const cleared: ProjectionDue[] = [];
  const store = {
    projectionsDue: async () => due,
    pendingHistory: async () => [
      { id: 'h1', value: [blocked(poisoned[0] ?? 'C0'), { eventId: 'not-an-event' }] },
    ],
    records: async (keys: string[]) => new Map(keys.map((k) => [k, records.get(k)!])),
    projected: async (_partition: number, done: ProjectionDue[]) => void cleared.push(...done),
    acknowledgeHistory: async () => undefined,
  } as unknown as ExposureStore;
  const projection = new RefusingProjection(new Set(poisoned.map((c) => `IT01:${c}`)));
  const quarantined: QuarantineEntry[] = [];
  const quarantine = {
    quarantine: async (entry: QuarantineEntry) => void quarantined.push(entry),
  } as unknown as ProjectionQuarantine;
  const metrics = new EngineMetrics();
  const parameters = { get: () => DEFAULT_PARAMETERS } as unknown as CompanyParametersSource;
  const projector = new Projector(
    store,
    projection as unknown as ExposureProjection,
    quarantine,
    { now: () => new Date('2026-03-20T09:00:00Z') },
    parameters,
    metrics,
    // One partition: the fake store answers the same for any.
    new RedisKeys('test:', 1),
    { rebuilding: async () => rebuilding.now },
  );
  return { projector, projection, quarantined, cleared, metrics, due };
}

describe('Projector: a customer Postgres refuses never holds up the others', () => {
  it('writes every other customer, quarantines only the poisoned ones, and clears every due mark', async () => {
    const { projector, projection, quarantined, cleared, metrics, due } = projectorWith(1000, [
      'C17',
      'C600',
    ]);
    expect(await projector.project()).toBe(true);

    expect(quarantined.map((q) => q.customerId).sort()).toEqual(['C17', 'C600']);
    expect(quarantined.find((q) => q.customerId === 'C17')).toMatchObject({
      companyId: 'IT01',
      stateVersion: 5,
      // The typed history entry of the customer; the entry that is no event is left out.
      skippedEventIds: [blocked('C17').eventId],
      reason: expect.stringContaining('22021'),
    });
    expect(projection.written.size).toBe(998);
    expect(projection.written.has('IT01:C17')).toBe(false);
    expect((await metrics.projectionQuarantined.get()).values[0].value).toBe(2);
    // Nothing is retried forever: every mark is cleared, the poisoned ones too.
    expect(cleared).toEqual(due);
    // Bisection, not one transaction per customer: about 2 log2(n) steps per poisoned customer.
    expect(projection.steps.length).toBeLessThan(60);
  });

  it('retries the whole step on any other error (Postgres away), quarantining nobody', async () => {
    const { projector, projection, quarantined, cleared } = projectorWith(10, []);
    projection.failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    await expect(projector.project()).rejects.toThrow('ECONNREFUSED');
    expect(projection.steps).toHaveLength(1);
    expect(quarantined).toEqual([]);
    expect(cleared).toEqual([]);
  });
});

describe('Projector: a partition being rebuilt', () => {
  it('is not projected until its state is whole again; its due marks wait', async () => {
    const rebuilding = { now: true };
    const { projector, projection, cleared, due } = projectorWith(10, [], rebuilding);
    expect(await projector.project()).toBe(false);
    expect(projection.steps).toEqual([]);
    expect(cleared).toEqual([]);

    rebuilding.now = false;
    expect(await projector.project()).toBe(true);
    expect(projection.written.size).toBe(10);
    expect(cleared).toEqual(due);
  });
});
