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

  it('requires iat and rejects one in the future beyond the clock tolerance', () => {
    const withoutIat: Record<string, unknown> = claims();
    delete withoutIat.iat;
    const noIat = failure(new JwtService().sign(withoutIat, { secret: SECRET, noTimestamp: true }));
    expect([noIat.reason, noIat.message]).toEqual([
      'missing-issued-at',
      "token has no issue time ('iat' is required)",
    ]);
    expect(verifyAccessToken(sign(claims({ iat: NOW_S + 30 })), { secret: SECRET, now }).subject).toBe(
      'alice',
    );
    const future = failure(sign(claims({ iat: NOW_S + 31, exp: NOW_S + 120 })));
    expect([future.reason, future.message]).toEqual([
      'issued-in-future',
      "token issued in the future ('iat' is more than 30 s ahead of the server clock)",
    ]);
  });

  it('bounds the lifetime exp - iat by maxTtlSeconds (24 h by default)', () => {
    expect(verifyAccessToken(sign(claims({ exp: NOW_S + 86_400 })), { secret: SECRET, now }).subject).toBe(
      'alice',
    );
    const tooLong = failure(sign(claims({ exp: NOW_S + 86_401 })));
    expect([tooLong.reason, tooLong.message]).toEqual([
      'lifetime-too-long',
      "token lifetime ('exp' - 'iat') exceeds the maximum of 86400 s",
    ]);
    // Back-dating iat does not help: the bound is on exp - iat, not on what is left.
    const backDated = failure(sign(claims({ iat: NOW_S - 86_400, exp: NOW_S + 60 })));
    expect(backDated.reason).toBe('lifetime-too-long');
    const verify = (token: string) => verifyAccessToken(token, { secret: SECRET, now, maxTtlSeconds: 600 });
    expect(verify(sign(claims({ exp: NOW_S + 600 }))).subject).toBe('alice');
    expect(() => verify(sign(claims({ exp: NOW_S + 601 })))).toThrow(/maximum of 600 s/);
  });

  it('checks iss and aud when an issuer and an audience are configured', () => {
    const options = { secret: SECRET, now, issuer: 'https://idp.example', audience: 'credit-risk' };
    const verify = (extra: object) => {
      try {
        verifyAccessToken(sign(claims(extra)), options);
        return 'accepted';
      } catch (error) {
        return `${(error as InvalidTokenError).reason}: ${(error as Error).message}`;
      }
    };
    expect(verify({ iss: 'https://idp.example', aud: 'credit-risk' })).toBe('accepted');
    expect(verify({ iss: 'https://idp.example', aud: ['other', 'credit-risk'] })).toBe('accepted');
    expect(verify({ aud: 'credit-risk' })).toBe(
      `wrong-issuer: token issuer ('iss') must be "https://idp.example"`,
    );
    expect(verify({ iss: 'https://evil.example', aud: 'credit-risk' })).toMatch(/^wrong-issuer/);
    expect(verify({ iss: 'https://idp.example' })).toBe(
      `wrong-audience: token audience ('aud') must include "credit-risk"`,
    );
    expect(verify({ iss: 'https://idp.example', aud: ['other'] })).toMatch(/^wrong-audience/);
    // Not configured: not checked.
    expect(
      verifyAccessToken(sign(claims({ iss: 'anyone', aud: 'anything' })), { secret: SECRET, now }).subject,
    ).toBe('alice');
  });

  it('accepts subjects up to 128 printable characters and rejects longer ones or spaces', () => {
    expect(verifyAccessToken(sign(claims({ sub: 's'.repeat(128) })), { secret: SECRET, now }).subject).toBe(
      's'.repeat(128),
    );
    for (const sub of ['s'.repeat(129), 'maria rossi', 'tab\there', 'é']) {
      const error = failure(sign(claims({ sub })));
      expect([error.reason, error.message]).toEqual([
        'invalid-claims',
        "token claim 'sub' must be 1 to 128 printable ASCII characters without spaces",
      ]);
    }
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

describe('AccessTokenVerifier', () => {
  let clock = NOW;
  const verifier = () => new AccessTokenVerifier({ secret: SECRET, now: () => clock });
  const libraryVerify = jest.spyOn(JwtService.prototype, 'verify');

  beforeEach(() => {
    clock = NOW;
    libraryVerify.mockClear();
  });

  it('checks a token it has verified once without its signature again', () => {
    const tokens = verifier();
    const token = sign(claims());
    expect(tokens.verify(token).subject).toBe('alice');
    expect(tokens.verify(token).subject).toBe('alice');
    expect(libraryVerify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired, with the usual reason', () => {
    const tokens = verifier();
    const token = sign(claims({ exp: NOW_S + 60 }));
    tokens.verify(token);
    clock = new Date((NOW_S + 60 + 29) * 1000); // within the 30 s tolerance
    expect(tokens.verify(token).subject).toBe('alice');
    clock = new Date((NOW_S + 60 + 30) * 1000);
    expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ reason: 'expired' }));
  });

  it('applies nbf and iat to a remembered token when the clock goes back', () => {
    const tokens = verifier();
    const token = sign(claims({ nbf: NOW_S }));
    tokens.verify(token);
    clock = new Date((NOW_S - 31) * 1000);
    expect(() => tokens.verify(token)).toThrow(InvalidTokenError);
  });

  it('hands every request the same caller, which none of them can change', () => {
    const tokens = verifier();
    const token = sign(claims({ roles: ['viewer'], companies: ['IT01'] }));
    const first = tokens.verify(token);
    expect(() => (first.roles as string[]).push('approver')).toThrow(TypeError);
    expect(() => (first.companies as string[]).push('IT02')).toThrow(TypeError);
    expect(tokens.verify(token)).toEqual({ subject: 'alice', roles: ['viewer'], companies: ['IT01'] });
  });

  it('remembers only tokens that passed, by their exact text', () => {
    const tokens = verifier();
    const token = sign(claims());
    tokens.verify(token);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${sign(claims(), { secret: `${SECRET}x` }).split('.')[2]}`;
    expect(() => tokens.verify(forged)).toThrow(expect.objectContaining({ reason: 'invalid-signature' }));
    expect(() => tokens.verify(forged)).toThrow(expect.objectContaining({ reason: 'invalid-signature' }));
  });
});
