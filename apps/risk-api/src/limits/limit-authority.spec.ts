import { SetCreditLimitBody } from './credit-limit.dto';
import { covers, requiredAmount } from './credit-limits.service';

const body = (amount: string, temporaryAmount?: string): SetCreditLimitBody => ({
  amount,
  mode: 'block',
  reason: 'review',
  ...(temporaryAmount === undefined ? {} : { temporaryAmount, temporaryUntil: '2026-12-31' }),
});

describe('limit authority (four eyes)', () => {
  it('asks for the base amount, or the temporary amount when it is higher', () => {
    expect(requiredAmount(body('5000.00'))).toBe('5000.00');
    expect(requiredAmount(body('5000.00', '8000.00'))).toBe('8000.00');
    expect(requiredAmount(body('5000.00', '1000.00'))).toBe('5000.00');
  });

  it('covers up to and including the cap, exactly to the cent; null is unlimited, 0.00 covers only zero', () => {
    expect(covers('10000.00', body('10000.00'))).toBe(true);
    expect(covers('10000.00', body('10000.01'))).toBe(false);
    expect(covers('10000.00', body('9000.00', '10000.01'))).toBe(false);
    expect(covers('10000', body('10000.00'))).toBe(true);
    expect(covers(null, body('9999999999999.99'))).toBe(true);
    expect(covers('0.00', body('0.01'))).toBe(false);
    expect(covers('0.00', body('0'))).toBe(true);
  });
});
