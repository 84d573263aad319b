import fc from 'fast-check';
import { decodeState, encodeState } from '../src';

/** Values of the shapes the engine stores: objects, arrays, Maps, bigint money, strings of any content. */
const stateArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.bigInt(),
    fc.string(),
    fc.constantFrom('~', '~~', '~1', '~~1', '$m', '$n'),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.string().filter((k) => k !== '$m' && k !== '$n' && k !== '__proto__'),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
    fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
  ),
})).value;

describe('state codec', () => {
  it('decodes what it encodes, whatever the strings contain', () => {
    fc.assert(
      fc.property(stateArb, (value) => {
        expect(decodeState(encodeState(value))).toEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes what JSON.stringify writes of the marked form, byte for byte', () => {
    // The reference: the same marks through JSON.stringify's replacer, which the codec avoids for speed.
    const marked = (_key: string, value: unknown): unknown =>
      typeof value === 'bigint'
        ? `~${value}`
        : typeof value === 'string' && value.startsWith('~')
          ? `~${value}`
          : value instanceof Map
            ? { $m: [...value] }
            : value;
    const withOddities = fc.oneof(
      stateArb,
      fc.record({ skipped: fc.constant(undefined), kept: stateArb }),
      fc.array(fc.oneof(fc.constant(undefined), fc.double(), stateArb), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(withOddities, (value) => {
        expect(encodeState(value)).toBe(JSON.stringify(value, marked));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes money as a marked string and escapes real strings that start with the mark', () => {
    expect(encodeState({ amount: 52082n, note: '~52082', plain: 'x' })).toBe(
      '{"amount":"~52082","note":"~~52082","plain":"x"}',
    );
    expect(decodeState('{"amount":"~-15","note":"~~52082"}')).toEqual({ amount: -15n, note: '~52082' });
  });
});
