import fc from 'fast-check';
import {
  formatMoney,
  max,
  min,
  MONEY_PATTERN,
  MoneyFormatError,
  parseMoney,
  percentage,
  sum,
  ZERO,
} from '../src';

describe('parseMoney (spec §2: ^-?[0-9]{1,13}(\\.[0-9]{1,2})?$, exact)', () => {
  it.each([
    ['0', 0n],
    ['1', 100n],
    ['1.5', 150n],
    ['1.05', 105n],
    ['1350.50', 135050n],
    ['-12.34', -1234n],
    ['-0.5', -50n],
    ['-0.05', -5n],
    ['0.01', 1n],
    ['007.10', 710n],
    ['9999999999999.99', 999999999999999n],
    ['-9999999999999.99', -999999999999999n],
    ['1234567890123', 123456789012300n],
  ])('parses %j as %p cents', (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  it('has no negative zero', () => {
    expect(parseMoney('-0')).toBe(0n);
    expect(parseMoney('-0.00')).toBe(0n);
    expect(formatMoney(parseMoney('-0.00'))).toBe('0.00');
  });

  it.each([
    '1.234',
    '1e3',
    '1E3',
    ' 1',
    '1 ',
    '',
    '-',
    '.5',
    '1.',
    '+1',
    '--1',
    '1,50',
    '1.2.3',
    '10000000000000',
    '12345678901234.00',
    '0x10',
    'NaN',
    'Infinity',
    '1\n',
    '\n1',
    '١٢',
  ])('rejects %j', (text) => {
    expect(() => parseMoney(text)).toThrow(MoneyFormatError);
  });

  it.each([1, 1.5, 0, 10n, null, undefined, {}, ['1']])(
    'rejects the non-string %p (JSON numbers are not money)',
    (value) => {
      expect(() => parseMoney(value as unknown as string)).toThrow(MoneyFormatError);
    },
  );

  it('names the pattern and the value in its error', () => {
    expect(() => parseMoney('1e3')).toThrow(/1e3/);
    expect(new MoneyFormatError('x').message).toContain(MONEY_PATTERN.source);
  });

  it('accepts exactly the strings of the pattern and round-trips them', () => {
    const moneyText = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,13}$/),
        fc.option(fc.stringMatching(/^[0-9]{1,2}$/), { nil: undefined }),
      )
      .map(([neg, units, frac]) => `${neg ? '-' : ''}${units}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(moneyText, (text) => {
        const cents = parseMoney(text);
        // the formatted value denotes the same number, with exactly two decimals
        expect(formatMoney(cents)).toMatch(/^-?[0-9]+\.[0-9]{2}$/);
        expect(parseMoney(formatMoney(cents))).toBe(cents);
        expect(Number(formatMoney(cents))).toBeCloseTo(Number(text), 2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatMoney (spec §2: strings with exactly two decimals)', () => {
  it.each([
    [0n, '0.00'],
    [5n, '0.05'],
    [50n, '0.50'],
    [-50n, '-0.50'],
    [-5n, '-0.05'],
    [100n, '1.00'],
    [135050n, '1350.50'],
    [-123456n, '-1234.56'],
    [999999999999999n, '9999999999999.99'],
    // sums may exceed 13 digits: still exact
    [99999999999999999999n, '999999999999999999.99'],
  ])('formats %p as %j', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });
});

describe('sum / max / min', () => {
  it('sums exactly beyond 2^53', () => {
    const amounts = Array.from({ length: 1000 }, () => parseMoney('9999999999999.99'));
    expect(formatMoney(sum(amounts))).toBe('9999999999999990.00');
    // a float would have lost the cents
    expect(formatMoney(sum([parseMoney('9999999999999.99'), parseMoney('0.01'), parseMoney('-0.03')]))).toBe(
      '9999999999999.97',
    );
  });
  it('sums nothing to zero and accepts any iterable', () => {
    expect(sum([])).toBe(ZERO);
    expect(sum(new Set([1n, 2n, 3n]))).toBe(6n);
  });
  it('picks the larger and the smaller amount', () => {
    expect(max(-1n, 0n)).toBe(0n);
    expect(max(5n, 3n)).toBe(5n);
    expect(min(-1n, 0n)).toBe(-1n);
    expect(min(5n, 5n)).toBe(5n);
  });
});

describe('percentage (two decimals, half up, exact)', () => {
  it.each([
    ['800.00', '1000.00', '80.00'],
    ['1550.50', '5000.00', '31.01'],
    ['0.00', '1000.00', '0.00'],
    ['1000.01', '1000.00', '100.00'], // 100.001 %
    ['1500.00', '1000.00', '150.00'],
    ['0.01', '0.03', '33.33'],
    ['0.02', '0.03', '66.67'],
    ['0.01', '0.08', '12.50'],
    ['0.01', '200.00', '0.01'], // 0.005 % rounds half up
    ['0.01', '400.00', '0.00'], // 0.0025 % rounds down
    ['0.03', '400.00', '0.01'], // 0.0075 %
  ])('%s of %s is %s %%', (part, whole, pct) => {
    expect(percentage(parseMoney(part), parseMoney(whole))).toBe(pct);
  });

  it('is null when there is nothing to compare with', () => {
    expect(percentage(100n, 0n)).toBeNull();
    expect(percentage(100n, -100n)).toBeNull();
  });

  // A customer holding a credit has a negative total: the rounding must mirror the positive one.
  it.each([
    ['-800.00', '1000.00', '-80.00'],
    ['-0.01', '0.03', '-33.33'],
    ['-0.02', '0.03', '-66.67'],
    ['-0.02', '100.00', '-0.02'],
    ['-0.01', '200.00', '-0.01'],
    ['-0.01', '400.00', '0.00'],
  ])('rounds negative parts symmetrically: %s of %s is %s %%', (part, whole, pct) => {
    expect(percentage(parseMoney(part), parseMoney(whole))).toBe(pct);
  });

  it('is antisymmetric and within half a hundredth of the exact value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (part, whole) => {
          const pct = percentage(part, whole)!;
          const negated = percentage(-part, whole)!;
          expect(negated.replace(/^-/, '')).toBe(pct.replace(/^-/, ''));
          if (part !== 0n && pct !== '0.00') expect(pct.startsWith('-')).toBe(part < 0n);
          // |pct*whole - part*100| <= whole/2 (in hundredths of a percent)
          const hundredths = BigInt(pct.replace('.', ''));
          const error = hundredths * whole - part * 10000n;
          expect(2n * (error < 0n ? -error : error) <= whole).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
