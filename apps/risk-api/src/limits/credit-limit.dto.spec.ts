import 'reflect-metadata';
import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../http';
import { RemoveCreditLimitBody, SetCreditLimitBody } from './credit-limit.dto';
import { limitOf } from './credit-limits.service';
import { PageQuery } from '../http/paging';

const pipe = createValidationPipe();

async function validate<T>(metatype: new () => T, value: unknown, type: ArgumentMetadata['type'] = 'body') {
  return (await pipe.transform(value, { type, metatype })) as T;
}

/** The 400 messages for a value; fails the test if it was accepted. */
async function errors(metatype: new () => unknown, value: unknown, type: ArgumentMetadata['type'] = 'body') {
  try {
    await validate(metatype, value, type);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

const valid = { amount: '1000.00', mode: 'block', reason: 'annual review' };

describe('SetCreditLimitBody', () => {
  it('accepts the minimal body and fills the contract defaults', async () => {
    const body = await validate(SetCreditLimitBody, valid);
    expect(body).toBeInstanceOf(SetCreditLimitBody);
    expect(limitOf(body)).toEqual({
      amount: '1000.00',
      mode: 'block',
      attentionThresholdPct: 80,
      validUntil: null,
      blockOnOverdue: true,
      overdueToleranceDays: 0,
    });
  });

  it('accepts every field at its bounds', async () => {
    const body = await validate(SetCreditLimitBody, {
      amount: '0',
      mode: 'warn',
      attentionThresholdPct: 100,
      validUntil: '2028-02-29',
      blockOnOverdue: false,
      overdueToleranceDays: 3660,
      reason: 'r'.repeat(1000),
    });
    expect(limitOf(body)).toMatchObject({
      amount: '0',
      attentionThresholdPct: 100,
      validUntil: '2028-02-29',
    });
    await validate(SetCreditLimitBody, { ...valid, attentionThresholdPct: 1, validUntil: null });
    await validate(SetCreditLimitBody, { ...valid, amount: '9999999999999.99' });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a JSON number amount', { amount: 1000 }, /^amount must be a money string >= 0/],
    ['a negative amount', { amount: '-1.00' }, /^amount must be a money string >= 0/],
    ['three decimals', { amount: '1.001' }, /^amount must be a money string >= 0/],
    ['14 integer digits', { amount: '12345678901234' }, /^amount must be a money string >= 0/],
    ['an unknown mode', { mode: 'strict' }, /^mode must be one of the following values: warn, block$/],
    [
      'a threshold of 0',
      { attentionThresholdPct: 0 },
      /^attentionThresholdPct must be an integer from 1 to 100$/,
    ],
    [
      'a threshold of 101',
      { attentionThresholdPct: 101 },
      /^attentionThresholdPct must be an integer from 1 to 100$/,
    ],
    [
      'a fractional threshold',
      { attentionThresholdPct: 80.5 },
      /^attentionThresholdPct must be an integer from 1 to 100$/,
    ],
    [
      'a string threshold',
      { attentionThresholdPct: '80' },
      /^attentionThresholdPct must be an integer from 1 to 100$/,
    ],
    [
      'a null threshold',
      { attentionThresholdPct: null },
      /^attentionThresholdPct must be an integer from 1 to 100$/,
    ],
    [
      'a date that does not exist',
      { validUntil: '2026-02-30' },
      /^validUntil must be a real date YYYY-MM-DD$/,
    ],
    ['a date-time', { validUntil: '2026-03-01T00:00:00Z' }, /^validUntil must be a real date/],
    ['a numeric date', { validUntil: 20260301 }, /^validUntil must be a real date/],
    ['a string boolean', { blockOnOverdue: 'true' }, /^blockOnOverdue must be a boolean value$/],
    [
      'negative tolerance',
      { overdueToleranceDays: -1 },
      /^overdueToleranceDays must be an integer from 0 to 3660$/,
    ],
    [
      'huge tolerance',
      { overdueToleranceDays: 3661 },
      /^overdueToleranceDays must be an integer from 0 to 3660$/,
    ],
    ['an empty reason', { reason: '' }, /^reason must not be empty$/],
    ['a blank reason', { reason: '   ' }, /^reason must not be blank$/],
    ['a long reason', { reason: 'r'.repeat(1001) }, /^reason must be at most 1000 characters$/],
    ['a numeric reason', { reason: 42 }, /^reason must be a string of 1 to 1000 characters$/],
    ['an unknown field', { setBy: 'mallory' }, /^property setBy should not exist$/],
  ])('rejects %s, naming the field', async (_case, patch, message) => {
    const messages = await errors(SetCreditLimitBody, { ...valid, ...patch });
    expect(messages).toEqual([expect.stringMatching(message)]);
  });

  it.each(['amount', 'mode', 'reason'])('requires %s', async (field) => {
    const body: Record<string, unknown> = { ...valid };
    delete body[field];
    const messages = await errors(SetCreditLimitBody, body);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.startsWith(`${field} `))).toBe(true);
  });

  it('rejects a body that is not an object', async () => {
    expect(await errors(SetCreditLimitBody, [valid])).toEqual(
      expect.arrayContaining([expect.stringMatching(/amount|body/)]),
    );
  });
});

describe('RemoveCreditLimitBody', () => {
  it('accepts a reason', async () => {
    expect(await validate(RemoveCreditLimitBody, { reason: 'customer closed' })).toEqual({
      reason: 'customer closed',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['no reason', {}, /^reason /],
    ['an empty reason', { reason: '' }, /^reason must not be empty$/],
    ['an unknown field', { reason: 'x', amount: '1.00' }, /^property amount should not exist$/],
  ])('rejects %s', async (_case, body, message) => {
    expect(await errors(RemoveCreditLimitBody, body)).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
  });
});

describe('PageQuery', () => {
  it('parses digits and leaves defaults unset', async () => {
    expect(await validate(PageQuery, { limit: '500', offset: '0' }, 'query')).toEqual({
      limit: 500,
      offset: 0,
    });
    expect(await validate(PageQuery, {}, 'query')).toEqual({});
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ limit: '0' }, /^limit must be an integer from 1 to 500$/],
    [{ limit: '501' }, /^limit must be an integer from 1 to 500$/],
    [{ limit: '1.5' }, /^limit must be an integer from 1 to 500$/],
    [{ limit: 'ten' }, /^limit must be an integer from 1 to 500$/],
    [{ limit: ['1', '2'] }, /^limit must be an integer from 1 to 500$/],
    [{ offset: '-1' }, /^offset must be an integer from 0 to 1000000000$/],
    [{ offset: '' }, /^offset must be an integer from 0 to 1000000000$/],
    [{ page: '2' }, /^property page should not exist$/],
  ])('rejects %j, naming the parameter', async (query, message) => {
    expect(await errors(PageQuery, query, 'query')).toEqual([expect.stringMatching(message)]);
  });
});
