import { verifyAccessToken } from './jwt';
import { mintToken, MintTokenUsageError, parseTtl, runMintTokenCli } from './mint-token';

const SECRET = 'mint-secret-0123456789-abcdefghijklmnopq';

function cli(argv: string[], env: NodeJS.ProcessEnv = { AUTH_JWT_SECRET: SECRET }) {
  let stdout = '';
  let stderr = '';
  const code = runMintTokenCli(argv, env, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('mintToken', () => {
  it('mints an HS256 token that the verifier accepts', () => {
    const token = mintToken({
      sub: 'alice',
      roles: ['viewer', 'approver'],
      companies: ['IT01', 'IT02'],
      ttlSeconds: 60,
      secret: SECRET,
    });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    expect(verifyAccessToken(token, { secret: SECRET })).toEqual({
      subject: 'alice',
      roles: ['viewer', 'approver'],
      companies: ['IT01', 'IT02'],
    });
  });

  it('writes companies \'*\' as ["*"] and sets exp = iat + ttl', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const token = mintToken({
      sub: 'svc',
      roles: ['erp-service'],
      companies: '*',
      ttlSeconds: 8 * 3600,
      secret: SECRET,
      now,
    });
    expect(decode(token)).toEqual({
      sub: 'svc',
      roles: ['erp-service'],
      companies: ['*'],
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 8 * 3600,
    });
  });

  it.each([
    ['an unknown role', { roles: ['root'] }, /unknown role/],
    ['no roles', { roles: [] }, /at least one role/],
    ['an empty sub', { sub: ' ' }, /sub/],
    ['no companies', { companies: [] }, /companies/],
    ['a bad company id', { companies: ['IT 01'] }, /invalid company id/],
    ['a zero ttl', { ttlSeconds: 0 }, /ttlSeconds/],
    ['a fractional ttl', { ttlSeconds: 1.5 }, /ttlSeconds/],
  ])('rejects %s', (_name, override, message) => {
    const options = {
      sub: 'alice',
      roles: ['viewer'],
      companies: ['IT01'],
      ttlSeconds: 60,
      secret: SECRET,
      ...override,
    };
    expect(() => mintToken(options as Parameters<typeof mintToken>[0])).toThrow(MintTokenUsageError);
    expect(() => mintToken(options as Parameters<typeof mintToken>[0])).toThrow(message);
  });

  it('rejects a short secret', () => {
    expect(() =>
      mintToken({ sub: 'a', roles: ['viewer'], companies: '*', ttlSeconds: 60, secret: 'x'.repeat(31) }),
    ).toThrow(/AUTH_JWT_SECRET.*at least 32/);
  });
});

describe('parseTtl', () => {
  it.each([
    ['3600', 3600],
    ['45s', 45],
    ['30m', 1800],
    ['8h', 28800],
    ['2d', 172800],
  ])('%s → %i s', (text, seconds) => expect(parseTtl(text)).toBe(seconds));

  it.each(['', '0', '-1h', '1.5h', '8x', 'h'])('rejects %p', (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl/);
  });
});

describe('mint-token CLI', () => {
  it('prints a verifiable token', () => {
    const { code, stdout, stderr } = cli([
      '--sub',
      'alice',
      '--roles',
      'viewer,approver',
      '--companies',
      'IT01,IT02',
      '--ttl',
      '8h',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.endsWith('\n')).toBe(true);
    const payload = decode(stdout.trim());
    expect(payload.exp - payload.iat).toBe(28800);
    expect(verifyAccessToken(stdout.trim(), { secret: SECRET })).toEqual({
      subject: 'alice',
      roles: ['viewer', 'approver'],
      companies: ['IT01', 'IT02'],
    });
  });

  it("accepts --companies '*' and defaults the ttl to 1h", () => {
    const { code, stdout } = cli(['--sub', 'erp', '--roles', 'erp-service', '--companies', '*']);
    expect(code).toBe(0);
    const payload = decode(stdout.trim());
    expect(payload.companies).toEqual(['*']);
    expect(payload.exp - payload.iat).toBe(3600);
  });

  it('fails naming AUTH_JWT_SECRET when it is missing', () => {
    const { code, stdout, stderr } = cli(['--sub', 'a', '--roles', 'viewer', '--companies', 'IT01'], {});
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/AUTH_JWT_SECRET is not set/);
  });

  it('fails naming AUTH_JWT_SECRET when it is shorter than 32 characters', () => {
    const { code, stderr } = cli(['--sub', 'a', '--roles', 'viewer', '--companies', 'IT01'], {
      AUTH_JWT_SECRET: 'x'.repeat(31),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AUTH_JWT_SECRET is too short \(31 characters\)/);
  });

  it('reports missing options and unknown roles with usage', () => {
    const missing = cli(['--sub', 'a']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --roles, --companies/);
    const unknown = cli(['--sub', 'a', '--roles', 'viewer,boss', '--companies', 'IT01']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown role\(s\) boss/);
    expect(cli(['--bogus']).code).toBe(2);
  });

  it('mints iss and aud when AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE are set, as the API then requires', () => {
    const env = {
      AUTH_JWT_SECRET: SECRET,
      AUTH_JWT_ISSUER: 'https://idp.example',
      AUTH_JWT_AUDIENCE: 'risk',
    };
    const { code, stdout, stderr } = cli(['--sub', 'a', '--roles', 'viewer', '--companies', 'IT01'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(decode(stdout.trim())).toMatchObject({ iss: 'https://idp.example', aud: 'risk' });
    const verifier = { secret: SECRET, issuer: 'https://idp.example', audience: 'risk' };
    expect(verifyAccessToken(stdout.trim(), verifier).subject).toBe('a');
    const plain = cli(['--sub', 'a', '--roles', 'viewer', '--companies', 'IT01']).stdout.trim();
    expect(decode(plain)).not.toHaveProperty('iss');
    expect(() => verifyAccessToken(plain, verifier)).toThrow(/token issuer \('iss'\) must be/);
  });

  it('refuses a ttl beyond AUTH_JWT_MAX_TTL and an invalid AUTH_JWT_MAX_TTL', () => {
    const args = ['--sub', 'a', '--roles', 'viewer', '--companies', 'IT01', '--ttl', '2d'];
    const tooLong = cli(args);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(
      /ttl of 172800 s exceeds the maximum lifetime of 86400 s \(AUTH_JWT_MAX_TTL\)/,
    );
    expect(cli(args, { AUTH_JWT_SECRET: SECRET, AUTH_JWT_MAX_TTL: '7d' }).code).toBe(0);
    const invalid = cli(args, { AUTH_JWT_SECRET: SECRET, AUTH_JWT_MAX_TTL: 'forever' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/AUTH_JWT_MAX_TTL must be a duration/);
  });

  it('refuses a subject the API would reject', () => {
    const { code, stderr } = cli(['--sub', 'x'.repeat(129), '--roles', 'viewer', '--companies', 'IT01']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/sub must be 1 to 128 printable ASCII characters without spaces/);
  });

  it('prints usage for --help', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: mint-token/);
  });
});
