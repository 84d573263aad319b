import request from 'supertest';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { faultProfile, reportFault } from '../support/fault-report';
import { faultSuite, FaultHarness, resilientSend, seededRandom } from '../support/fault-harness';
import { waitUntilFolded } from '../support/folding';
import {
  IndependentReference,
  InputRole,
  ReferenceParameters,
  SPEC_DEFAULT_PARAMETERS,
} from '../support/independent-reference';
import { startEngine, TestClock, tokenFor } from '../support/running-apps';
import { topicOf } from '../support/scenario-feed';
import { independentMismatches } from '../support/verification';

const profile = faultProfile();

/**
 * The engine against the independent reference (test/support/independent-reference.ts,
 * written from the specification without the engine's decoder or domain code):
 * three companies with non-default parameters in three time zones, the business
 * date moved four times during the run (instants at which the companies are on
 * different dates), a parameter change mid-run, re-sent duplicates. After each
 * step every customer's exposure from the API must equal the reference's.
 */

interface Company {
  id: string;
  parameters: ReferenceParameters;
}

const classes = (a: number, b: number, c: number, dishonoured: [number, number, number]) => ({
  A: { maxAvgDaysLate: a, maxDishonouredBills: dishonoured[0] },
  B: { maxAvgDaysLate: b, maxDishonouredBills: dishonoured[1] },
  C: { maxAvgDaysLate: c, maxDishonouredBills: dishonoured[2] },
});
const included = (off: string[]) => ({
  orders: !off.includes('orders'),
  deliveries: !off.includes('deliveries'),
  unpostedInvoices: !off.includes('unpostedInvoices'),
  receivables: !off.includes('receivables'),
  bills: !off.includes('bills'),
});

const COMPANIES: Company[] = [
  {
    id: 'IR1',
    parameters: {
      timeZone: 'Europe/Rome',
      includedComponents: included(['orders']),
      billRiskDays: 5,
      missingLimit: 'zero-block',
      riskClasses: classes(2, 10, 30, [0, 1, 2]),
    },
  },
  {
    id: 'IR2',
    parameters: {
      timeZone: 'America/New_York',
      includedComponents: included(['bills']),
      billRiskDays: 30,
      missingLimit: 'zero-warn',
      riskClasses: classes(8, 25, 60, [0, 1, 3]),
    },
  },
  {
    id: 'IR3',
    parameters: {
      ...SPEC_DEFAULT_PARAMETERS,
      timeZone: 'Asia/Tokyo',
      billRiskDays: 0,
      riskClasses: classes(1, 5, 15, [0, 0, 1]),
    },
  },
];

/** Instants at which Rome, New York and Tokyo are not all on the same date. */
const STEPS = {
  first: '2026-04-10T02:30:00Z', // Rome 04-10, New York 04-09, Tokyo 04-10
  second: '2026-05-20T03:00:00Z', // Rome 05-20, New York 05-19, Tokyo 05-20
  third: '2026-06-15T23:30:00Z', // Rome 06-16, New York 06-15, Tokyo 06-16
  fourth: '2026-10-01T02:00:00Z', // Rome 10-01, New York 09-30, Tokyo 10-01
};

interface Message {
  role: InputRole;
  key: string;
  value: Buffer;
  day: string;
}

/** The generated histories as the bytes sent, each topic in its order, with ~10% re-sent later in the same topic. */
function messagesOf(seed: number, customers: number): Message[] {
  const scenario = generateScenario({
    seed,
    companies: COMPANIES.map((c) => c.id),
    customers,
    eventsPerCustomer: 40,
    startDate: '2026-01-05',
  });
  const random = seededRandom(seed + 1);
  const messages: Message[] = [];
  for (const [role, envelopes] of Object.entries(scenario.streams) as [InputRole, object[]][]) {
    const topic: Message[] = envelopes.map((envelope) => {
      const e = envelope as { companyId: string; customerId: string; occurredAt: string };
      return {
        role,
        key: `${e.companyId}:${e.customerId}`,
        value: Buffer.from(JSON.stringify(envelope)),
        day: e.occurredAt.slice(0, 10),
      };
    });
    const resent = topic
      .filter(() => random() < 0.1)
      .map((m, i) => ({ ...m, day: topic[topic.length - 1 - i].day }));
    messages.push(...topic, ...resent);
  }
  return messages;
}

async function send(h: FaultHarness, reference: IndependentReference, messages: Message[]): Promise<void> {
  const deliver = resilientSend(h.producer);
  const byRole = new Map<InputRole, Message[]>();
  for (const m of messages) byRole.set(m.role, [...(byRole.get(m.role) ?? []), m]);
  for (const [role, list] of byRole) {
    for (let i = 0; i < list.length; i += 500) {
      const batch = list.slice(i, i + 500);
      await deliver(
        topicOf(h.stack.engine.kafka.topics, role),
        batch.map(({ key, value }) => ({ key, value })),
      );
    }
    for (const m of list) reference.apply(role, m.value);
  }
}

describe(`the engine against an independent reference (${profile.name} profile)`, () => {
  const suite = faultSuite();

  it('agrees on every customer with non-default parameters, three time zones and a moving business date', async () => {
    const h = await suite.harness();
    const clock = new TestClock(new Date(STEPS.first));
    const engine = await startEngine(h.stack, clock);
    const parameters = new Map(COMPANIES.map((c) => [c.id, c.parameters]));
    const reference = new IndependentReference();
    const manager = tokenFor(h.stack, ['credit-manager'], '*', 'parameters-owner');
    const putParameters = async (companyId: string, body: object) => {
      const response = await request(h.api.getHttpServer())
        .put(`/v1/companies/${companyId}/parameters`)
        .set('Authorization', `Bearer ${manager}`)
        .send({ ...body, reason: 'independent reference scenario' });
      expect([companyId, response.status]).toEqual([companyId, 200]);
    };
    const steps: { step: string; problems: string[] }[] = [];
    /** Waits (bounded) until the API shows what the reference says, and records what is left. */
    const agree = async (step: string) => {
      await waitUntilFolded(h.stack, 300_000);
      const expected = reference.exposures(clock.now(), (companyId) => parameters.get(companyId)!);
      const deadline = Date.now() + 60_000;
      let problems = await independentMismatches(h.stack, h.api, expected);
      while (problems.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        problems = await independentMismatches(h.stack, h.api, expected);
      }
      steps.push({ step, problems });
      return expected.size;
    };
    try {
      for (const company of COMPANIES) await putParameters(company.id, company.parameters);
      const messages = messagesOf(909, Math.max(10, Math.round(profile.streamCustomers / 2)));
      const early = messages.filter((m) => m.day < '2026-04-09');
      const late = messages.filter((m) => m.day >= '2026-04-09');

      await send(h, reference, early);
      await agree(`${STEPS.first}: first half of the histories`);

      clock.set(STEPS.second);
      await agree(`${STEPS.second}: the date moved, no event`);

      // Mid-run: IR1 counts orders again, stops counting deliveries and keeps bills at risk longer.
      const changed: ReferenceParameters = {
        ...parameters.get('IR1')!,
        includedComponents: included(['deliveries']),
        billRiskDays: 12,
      };
      parameters.set('IR1', changed);
      await putParameters('IR1', { includedComponents: changed.includedComponents, billRiskDays: 12 });
      clock.set(STEPS.third);
      await send(h, reference, late);
      await agree(`${STEPS.third}: parameters changed, the rest of the histories`);

      clock.set(STEPS.fourth);
      const customers = await agree(`${STEPS.fourth}: the date moved again`);

      const failed = steps.filter((s) => s.problems.length > 0);
      reportFault({
        scenario: 'independent reference: 3 time zones, date moved 4 times',
        faults: 4 + 1,
        events: messages.length,
        customers,
        mismatches: steps.reduce((n, s) => n + s.problems.length, 0),
        lostNotifications: 0,
        notes: `non-default parameters, changed mid-run${failed.length > 0 ? `; mismatched at ${failed.map((s) => s.step.slice(0, 10)).join(', ')}` : ''}`,
      });
      expect(steps.map((s) => [s.step, s.problems.slice(0, 5), s.problems.length])).toEqual(
        steps.map((s) => [s.step, [], 0]),
      );
    } finally {
      await engine.close();
    }
  }, 1_800_000);
});
