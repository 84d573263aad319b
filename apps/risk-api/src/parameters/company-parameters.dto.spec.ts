import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { CompanyParameters, DEFAULT_PARAMETERS, parametersFromJson, parametersToJson } from '@credit/domain';
import { createValidationPipe } from '../http';
import { UpdateCompanyParametersBody } from './company-parameters.dto';
import { mergeParameters, riskClassOrderErrors } from './company-parameters.service';

const pipe = createValidationPipe();
const validate = async (value: unknown) =>
  (await pipe.transform(value, {
    type: 'body',
    metatype: UpdateCompanyParametersBody,
  })) as UpdateCompanyParametersBody;

async function errors(value: unknown): Promise<string[]> {
  try {
    await validate(value);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

const reason = 'yearly review';
const defaults = parametersFromJson(parametersToJson(DEFAULT_PARAMETERS)) as CompanyParameters;

describe('UpdateCompanyParametersBody', () => {
  it('accepts the full parameters', async () => {
    // The dunning policy has its own route (spec 12): the parameters body does not carry it.
    const { dunning: _dunning, ...settable } = defaults;
    const body = await validate({
      ...settable,
      timeZone: 'America/New_York',
      includedComponents: { ...defaults.includedComponents, orders: false },
      billRiskDays: 365,
      missingLimit: 'zero-block',
      riskClasses: {
        A: { maxAvgDaysLate: 0, maxDishonouredBills: 0 },
        B: defaults.riskClasses.B,
        C: defaults.riskClasses.C,
      },
      documentChecks: { order: 'off', delivery: 'warn', invoice: 'block' },
      limitProposalFactors: { A: '1.25', B: '1', C: '0.7', D: '0.3333' },
      reason,
    });
    expect(mergeParameters(defaults, body)).toEqual({
      timeZone: 'America/New_York',
      includedComponents: { ...defaults.includedComponents, orders: false },
      billRiskDays: 365,
      missingLimit: 'zero-block',
      riskClasses: { ...defaults.riskClasses, A: { maxAvgDaysLate: 0, maxDishonouredBills: 0 } },
      documentChecks: { order: 'off', delivery: 'warn', invoice: 'block' },
      limitProposalFactors: { A: '1.25', B: '1', C: '0.7', D: '0.3333' },
      dunning: defaults.dunning,
    });
  });

  it('refuses a proposal factor that is not a decimal string, naming the field', async () => {
    expect(await errors({ limitProposalFactors: { C: 0.7 }, reason })).toEqual([
      'limitProposalFactors.C must be a decimal string like 1.2 (0 to 999.9999)',
    ]);
    expect(await errors({ limitProposalFactors: { A: '-1' }, reason })).toEqual([
      'limitProposalFactors.A must be a decimal string like 1.2 (0 to 999.9999)',
    ]);
  });

  it('accepts a partial body and merges it field by field over the current parameters', async () => {
    const current = { ...defaults, timeZone: 'Europe/London', billRiskDays: 30 };
    const body = await validate({
      includedComponents: { orders: false },
      documentChecks: { invoice: 'warn' },
      reason,
    });
    const merged = mergeParameters(current, body);
    expect(merged).toEqual({
      ...current,
      includedComponents: { ...defaults.includedComponents, orders: false },
      documentChecks: { ...defaults.documentChecks, invoice: 'warn' },
    });
    // A plain object: stored as JSON, no DTO class instances.
    expect(Object.getPrototypeOf(merged.includedComponents)).toBe(Object.prototype);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /^timeZone must be an IANA time zone/],
    ['a numeric time zone', { timeZone: 1 }, /^timeZone must be an IANA time zone/],
    ['a null time zone', { timeZone: null }, /^timeZone must be an IANA time zone/],
    [
      'a string component flag',
      { includedComponents: { orders: 'no' } },
      /^includedComponents\.orders must be a boolean value$/,
    ],
    [
      'an unknown component',
      { includedComponents: { payroll: true } },
      /^property includedComponents\.payroll should not exist$/,
    ],
    [
      'includedComponents not an object',
      { includedComponents: true },
      /^includedComponents must be an object$/,
    ],
    ['negative billRiskDays', { billRiskDays: -1 }, /^billRiskDays must be an integer from 0 to 365$/],
    ['billRiskDays over a year', { billRiskDays: 366 }, /^billRiskDays must be an integer from 0 to 365$/],
    ['fractional billRiskDays', { billRiskDays: 1.5 }, /^billRiskDays must be an integer from 0 to 365$/],
    ['string billRiskDays', { billRiskDays: '15' }, /^billRiskDays must be an integer from 0 to 365$/],
    [
      'an unknown missing-limit policy',
      { missingLimit: 'zero' },
      /^missingLimit must be one of the following values: no-limit, zero-warn, zero-block$/,
    ],
    ['a null documentChecks', { documentChecks: null }, /^documentChecks must be an object$/],
    [
      'a negative risk-class bound',
      { riskClasses: { A: { maxAvgDaysLate: -1, maxDishonouredBills: 0 } } },
      /^riskClasses\.A\.maxAvgDaysLate must be an integer from 0 to 3660$/,
    ],
    [
      'a fractional risk-class bound',
      { riskClasses: { B: { maxAvgDaysLate: 20, maxDishonouredBills: 0.5 } } },
      /^riskClasses\.B\.maxDishonouredBills must be an integer from 0 to 10000$/,
    ],
    [
      'a half risk class',
      { riskClasses: { C: { maxAvgDaysLate: 45 } } },
      /^riskClasses\.C\.maxDishonouredBills must be an integer/,
    ],
    [
      'a risk class D',
      { riskClasses: { D: { maxAvgDaysLate: 99, maxDishonouredBills: 9 } } },
      /^property riskClasses\.D should not exist$/,
    ],
    ['a risk class not an object', { riskClasses: { A: 5 } }, /^riskClasses\.A must be an object$/],
    [
      'an unknown check severity',
      { documentChecks: { order: 'hold' } },
      /^documentChecks\.order must be one of the following values: off, warn, block$/,
    ],
    [
      'an unknown document type',
      { documentChecks: { quote: 'off' } },
      /^property documentChecks\.quote should not exist$/,
    ],
    ['an unknown parameter', { currency: 'EUR' }, /^property currency should not exist$/],
    ['a blank reason', { reason: ' ' }, /^reason must not be blank$/],
    ['a long reason', { reason: 'x'.repeat(1001) }, /^reason must be at most 1000 characters$/],
  ])('rejects %s, naming the field', async (_case, patch, message) => {
    expect(await errors({ billRiskDays: 15, reason, ...patch })).toEqual([expect.stringMatching(message)]);
  });

  it('rejects arrays where objects are expected, naming the field', async () => {
    for (const value of [[true], [{ orders: false }]]) {
      const messages = await errors({ includedComponents: value, reason });
      expect(messages).toContain('includedComponents must be an object');
      expect(messages.every((m) => m.startsWith('includedComponents'))).toBe(true);
    }
  });

  it('requires a reason', async () => {
    expect(await errors({ billRiskDays: 15 })).toEqual(['reason must be a string of 1 to 1000 characters']);
  });
});

describe('riskClassOrderErrors', () => {
  it('accepts the defaults and equal classes', () => {
    expect(riskClassOrderErrors(defaults)).toEqual([]);
    const bound = { maxAvgDaysLate: 10, maxDishonouredBills: 1 };
    expect(riskClassOrderErrors({ ...defaults, riskClasses: { A: bound, B: bound, C: bound } })).toEqual([]);
  });

  it('names every bound out of order A <= B <= C', () => {
    const merged = mergeParameters(defaults, {
      riskClasses: { B: { maxAvgDaysLate: 3, maxDishonouredBills: 5 } },
      reason,
    } as UpdateCompanyParametersBody);
    expect(riskClassOrderErrors(merged)).toEqual([
      'riskClasses.B.maxAvgDaysLate must be >= riskClasses.A.maxAvgDaysLate (3 < 5)',
      'riskClasses.C.maxDishonouredBills must be >= riskClasses.B.maxDishonouredBills (2 < 5)',
    ]);
  });
});
