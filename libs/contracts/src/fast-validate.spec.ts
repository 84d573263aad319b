import fc from 'fast-check';
import { compileFastValidator, fastInputValidator } from './fast-validate';
import { INPUT_EVENT_TYPES, InputEventType, inputEventSchema, inputValidator } from './schemas';
import { validEventArb } from './testing/arbitraries';

/**
 * The fast path must give ajv's answer on every input: ajv, compiled from the same schemas, is the
 * oracle. Valid events come from the shared arbitraries; mutated ones change one to three places of
 * a valid event (wrong types, missing and forbidden fields, bad money, lengths at their limits,
 * unstorable text, impossible dates), then travel through JSON like a Kafka message.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings of `n` units of one kind: the lengths of the contract's limits and either side of them. */
const LENGTHS = [0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 253, 254, 255, 256, 257, 499, 500, 501];
const LONG_LENGTHS = [999, 1000, 1001];
const UNITS = ['a', '\u{1F600}', 'é', '0', '\u0000', '\ud800', '\udc00'];

const SPECIAL_VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  1.5,
  80.5,
  100,
  101,
  3650,
  3651,
  3660,
  3661,
  1e21,
  '',
  ' ',
  'x',
  '0',
  '0.0',
  '00.00',
  '0.01',
  '-0.01',
  '-1.00',
  '1.001',
  '1.',
  '.5',
  '+1',
  '1e3',
  ' 1',
  '1 ',
  '1234567890123',
  '12345678901234',
  '1234567890123.99',
  'debit',
  'credit',
  'invoice',
  'credit-note',
  'order',
  'delivery',
  'warn',
  'block',
  'riba',
  'cancelled',
  '2026-02-28',
  '2026-02-29',
  '2024-02-29',
  '2026-13-01',
  '2026-1-01',
  '2026-03-01T10:15:00Z',
  '2026-03-01T10:15:00+01:00',
  '2026-03-01T24:00:00Z',
  '2026-03-01T10:15:00',
  '2026-03-01T10:15:00.1234567890Z',
  '2026-02-30T10:15:00Z',
  'a\u0000b',
  'a\ud800',
  '\udc00a',
  '\ud83d\ude00',
  '\ude00\ud83d',
  'ACME_01',
  'acme/01.x',
  'bad id!',
  [],
  [{}],
  {},
  { orderId: 'o', amount: '1.00' },
  { openItemId: 'i', amount: '1.00' },
];

/** Every path of a JSON value (the root included), as lists of keys and indices. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) paths(value[key], [...prefix, key], out);
  }
  return out;
}

const FIELD_NAMES = [
  'settles',
  'openItemId',
  'dueDate',
  'temporaryAmount',
  'temporaryUntil',
  'amount',
  'side',
  'orderRefs',
  'deliveryRefs',
  'schemaVersion',
  'eventId',
  'data',
  'lines',
  'x_extra',
];

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'insertChar'; at: number; position: number; unit: string }
  | { kind: 'truncate'; at: number; keep: number }
  | { kind: 'repeat'; at: number; count: number }
  | { kind: 'nudge'; at: number; to: { delta: number } | { value: number } };

const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...LENGTHS), fc.constantFrom(...UNITS))
      .map(([n, unit]) => unit.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...LONG_LENGTHS), fc.constantFrom('a', '\u{1F600}', '\u0000'))
      .map(([n, unit]) => unit.repeat(n)),
  },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 4000 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json> },
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: valueArb }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.constantFrom(...FIELD_NAMES),
    value: valueArb,
  }),
  fc.record({
    kind: fc.constant('insertChar' as const),
    at: fc.nat(),
    position: fc.nat(),
    unit: fc.constantFrom(...UNITS, '.', '-', '9', ' ', 'T', 'Z'),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 12 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), count: fc.integer({ min: 2, max: 9 }) }),
  fc.record({
    kind: fc.constant('nudge' as const),
    at: fc.nat(),
    to: fc.oneof(
      fc.constantFrom(-1, 1, 0.5, -3650).map((delta) => ({ delta })),
      // The contract's numeric limits and their neighbours.
      fc
        .constantFrom(-1, -0, 0, 1, 2, 99, 100, 101, 3649, 3650, 3651, 3659, 3660, 3661)
        .map((value) => ({ value })),
    ),
  }),
);

const isObjectNode = (node: Json): node is { [key: string]: Json } =>
  node !== null && typeof node === 'object' && !Array.isArray(node);

/** The places a mutation of this kind can change: so that each mutation lands where it means something. */
function candidates(root: Json, kind: Mutation['kind']): (string | number)[][] {
  const all = paths(root);
  switch (kind) {
    case 'add':
      return all.filter((path) => isObjectNode(get(root, path)));
    case 'insertChar':
    case 'truncate':
    case 'repeat':
      return all.filter((path) => typeof get(root, path) === 'string');
    case 'nudge':
      return all.filter((path) => typeof get(root, path) === 'number');
    default:
      return all;
  }
}

function get(root: Json, path: (string | number)[]): Json {
  let value = root;
  for (const step of path) value = (value as Record<string | number, Json>)[step];
  return value;
}

function set(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const parent = get(root, path.slice(0, -1)) as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return root;
}

function mutate(root: Json, mutation: Mutation): Json {
  const all = candidates(root, mutation.kind);
  if (all.length === 0) return root;
  const path = all[mutation.at % all.length];
  const target = get(root, path);
  switch (mutation.kind) {
    case 'delete':
      return set(root, path, undefined);
    // A copy: fast-check may hand the same value to two mutations, and one inserted into the other is a cycle.
    case 'replace':
      return set(root, path, structuredClone(mutation.value));
    case 'add':
      (target as { [key: string]: Json })[mutation.key] = structuredClone(mutation.value);
      return root;
    case 'nudge':
      return set(
        root,
        path,
        'delta' in mutation.to ? (target as number) + mutation.to.delta : mutation.to.value,
      );
    case 'insertChar': {
      if (typeof target !== 'string') return root;
      const at = mutation.position % (target.length + 1);
      return set(root, path, target.slice(0, at) + mutation.unit + target.slice(at));
    }
    case 'truncate':
      return typeof target === 'string' ? set(root, path, target.slice(0, mutation.keep)) : root;
    case 'repeat':
      return typeof target === 'string' ? set(root, path, target.repeat(mutation.count)) : root;
  }
}

/** Through JSON, as a message would arrive (lone surrogates survive as \u escapes). */
const wire = (value: Json): unknown => JSON.parse(JSON.stringify(value));

const ajvSays = (type: InputEventType, value: unknown): boolean => inputValidator(type)(value) as boolean;

describe('fast validation path == ajv', () => {
  it('compiles every input event schema (no keyword it does not know)', () => {
    for (const type of INPUT_EVENT_TYPES) expect(typeof fastInputValidator(type)).toBe('function');
    expect(() => compileFastValidator({ type: 'string', propertyNames: {} })).toThrow(/propertyNames/);
  });

  it('accepts every valid event ajv accepts (10,000 generated events)', () => {
    fc.assert(
      fc.property(validEventArb(), ({ envelope }) => {
        const value = wire(envelope as unknown as Json);
        const type = envelope.type as InputEventType;
        expect(ajvSays(type, value)).toBe(true);
        expect(fastInputValidator(type)(value)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives ajv answer on 50,000 mutated events, and both answers occur for every type', () => {
    const seen = new Map<string, { valid: number; invalid: number }>();
    fc.assert(
      fc.property(
        validEventArb(),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        ({ envelope }, mutations) => {
          let value = wire(envelope as unknown as Json) as Json;
          for (const mutation of mutations) value = mutate(value, mutation);
          const input = wire(value);
          const type = envelope.type as InputEventType;
          const expected = ajvSays(type, input);
          if (fastInputValidator(type)(input) !== expected) {
            throw new Error(`${type}: ajv says ${expected} for ${JSON.stringify(input)}`);
          }
          const counts = seen.get(type) ?? { valid: 0, invalid: 0 };
          counts[expected ? 'valid' : 'invalid']++;
          seen.set(type, counts);
        },
      ),
      { numRuns: 50_000 },
    );
    for (const type of INPUT_EVENT_TYPES) {
      expect([type, (seen.get(type)?.valid ?? 0) > 0]).toEqual([type, true]);
      expect([type, (seen.get(type)?.invalid ?? 0) > 0]).toEqual([type, true]);
    }
  });

  it('agrees at the exact limits of lengths counted in code points, and on storable text', () => {
    const schema = inputEventSchema('customer.updated');
    const fast = compileFastValidator(schema);
    const base = {
      eventId: 'e-1',
      type: 'customer.updated',
      schemaVersion: 1,
      occurredAt: '2026-03-01T10:15:00Z',
      companyId: 'ACME',
      customerId: 'C1',
    };
    const names = [
      'a'.repeat(256),
      'a'.repeat(257),
      '\u{1F600}'.repeat(256),
      '\u{1F600}'.repeat(257),
      '\ud800'.repeat(2),
      'a\udc00',
      '\ud83d\ude00\ude00',
      'x\u0000',
      '',
    ];
    for (const name of names) {
      const value = { ...base, data: { name } };
      expect([name.length, fast(value)]).toEqual([name.length, ajvSays('customer.updated', value)]);
    }
  });
});
