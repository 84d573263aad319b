import { JwtService } from '@nestjs/jwt';
import {
  AccessTokenVerifier,
  assertJwtSecret,
  InvalidTokenError,
  principalFromClaims,
  verifyAccessToken,
} from './jwt';
import { canAccessCompany } from './principal';

const SECRET = 'unit-secret-0123456789-abcdefghijklmnopq';
const NOW = new Date('2026-03-01T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const now = () => NOW;

const sign = (payload: object, options: { secret?: string; algorithm?: 'HS256' | 'HS384' | 'HS512' } = {}) =>
  new JwtService().sign(payload, {
    secret: options.secret ?? SECRET,
    algorithm: options.algorithm ?? 'HS256',
  });
const claims = (extra: object = {}) => ({
  sub: 'alice',
  roles: ['viewer'],
  companies: ['IT01'],
  iat: NOW_S,
  exp: NOW_S + 60,
  ...extra,
});
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function failure(token: string): InvalidTokenError {
  try {
    verifyAccessToken(token, { secret: SECRET, now });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return error as InvalidTokenError;
  }
  throw new Error('expected the token to be rejected');
}

describe('verifyAccessToken', () => {
  it('returns the principal of a valid token', () => {
    expect(verifyAccessToken(sign(claims()), { secret: SECRET, now })).toEqual({
      subject: 'alice',
      roles: ['viewer'],
      companies: ['IT01'],
    });
  });

  it("maps companies ['*'] to '*'", () => {
    const principal = verifyAccessToken(sign(claims({ companies: ['*'] })), { secret: SECRET, now });
    expect(principal.companies).toBe('*');
    expect(canAccessCompany(principal, 'ANY')).toBe(true);
  });

  it('ignores unknown roles', () => {
    const principal = verifyAccessToken(sign(claims({ roles: ['approver', 'sales', 'approver'] })), {
      secret: SECRET,
      now,
    });
    expect(principal.roles).toEqual(['approver']);
  });

  it('rejects alg none, with or without a signature part', () => {
    const body = b64url(claims({ roles: ['admin'] }));
    expect(failure(`${b64url({ alg: 'none', typ: 'JWT' })}.${body}.`).reason).toBe('unsupported-algorithm');
    expect(failure(`${b64url({ alg: 'none' })}.${body}.c2ln`).reason).toBe('unsupported-algorithm');
    expect(failure(`${b64url({ alg: 'NONE' })}.${body}.`).reason).toBe('unsupported-algorithm');
  });

  it('rejects RS256/ES256 headers and other HMAC sizes', () => {
    const body = b64url(claims());
    expect(failure(`${b64url({ alg: 'RS256' })}.${body}.c2ln`).reason).toBe('unsupported-algorithm');
    expect(failure(`${b64url({ alg: 'ES256' })}.${body}.c2ln`).reason).toBe('unsupported-algorithm');
    expect(failure(sign(claims(), { algorithm: 'HS512' })).reason).toBe('unsupported-algorithm');
    expect(failure(sign(claims(), { algorithm: 'HS384' })).reason).toBe('unsupported-algorithm');
  });

  it('rejects an HS256 header with an empty signature', () => {
    const [header, body] = sign(claims()).split('.');
    expect(failure(`${header}.${body}.`).reason).toBe('invalid-signature');
  });

  it('rejects a wrong secret and a tampered payload', () => {
    expect(failure(sign(claims(), { secret: `${SECRET}x` })).reason).toBe('invalid-signature');
    const [header, , signature] = sign(claims()).split('.');
    const tampered = `${header}.${b64url(claims({ roles: ['admin'] }))}.${signature}`;
    expect(failure(tampered).reason).toBe('invalid-signature');
  });

  it('applies 30 s of clock tolerance to exp', () => {
    const token = sign(claims({ exp: NOW_S - 29 }));
    expect(verifyAccessToken(token, { secret: SECRET, now }).subject).toBe('alice');
    const late = sign(claims({ exp: NOW_S - 31 }));
    expect(failure(late)).toMatchObject({ reason: 'expired', message: 'token expired' });
  });

  it('honours nbf with the same tolerance', () => {
    expect(verifyAccessToken(sign(claims({ nbf: NOW_S + 29 })), { secret: SECRET, now }).subject).toBe(
      'alice',
    );
    expect(failure(sign(claims({ nbf: NOW_S + 31 }))).reason).toBe('not-yet-valid');
  });

  it('requires exp', () => {
    const withoutExp: Record<string, unknown> = claims();
    delete withoutExp.exp;
    expect(failure(sign(withoutExp)).reason).toBe('missing-expiry');
  });

  it.each([
    ['sub missing', { sub: undefined }],
    ['sub empty', { sub: '' }],
    ['sub blank', { sub: '   ' }],
    ['sub not a string', { sub: 42 }],
    ['roles missing', { roles: undefined }],
    ['roles a string', { roles: 'admin' }],
    ['roles with a number', { roles: ['viewer', 1] }],
    ['companies missing', { companies: undefined }],
    ['companies a string', { companies: '*' }],
    ['companies with an empty id', { companies: [''] }],
    ['companies mixing * and ids', { companies: ['*', 'IT01'] }],
  ])('rejects invalid claims: %s', (_name, extra) => {
    expect(failure(sign(claims(extra))).reason).toBe('invalid-claims');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', '!!.??.**', `${'a'.repeat(9000)}.b.c`])(
    'rejects malformed token %#',
    (token) => {
      expect(failure(token).reason).toBe('malformed');
    },
  );

  it('never leaks library wording', () => {
    const messages = [
      failure(sign(claims(), { secret: `${SECRET}x` })).message,
      failure('abc').message,
      failure(sign(claims({ exp: NOW_S - 100 }))).message,
    ];
    for (const message of messages) expect(message).not.toMatch(/jwt|jsonwebtoken|at /i);
  });

  it('refuses to run with a missing or short secret', () => {
    expect(() => verifyAccessToken(sign(claims()), { secret: 'short', now })).toThrow(/at least 32/);
    expect(() => new AccessTokenVerifier({ secret: '' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => assertJwtSecret('x'.repeat(32))).not.toThrow();
  });
});

describe('principalFromClaims', () => {
  it('deduplicates companies', () => {
    expect(principalFromClaims(claims({ companies: ['IT01', 'IT01', 'IT02'] })).companies).toEqual([
      'IT01',
      'IT02',
    ]);
  });

  it('allows an empty company list (no company routes)', () => {
    const principal = principalFromClaims(claims({ companies: [] }));
    expect(canAccessCompany(principal, 'IT01')).toBe(false);
  });
});
