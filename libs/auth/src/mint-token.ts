import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { ConfigError, parseDurationSeconds, tokenPolicySettings } from '@credit/config';
import { assertJwtSecret, DEFAULT_MAX_TTL_SECONDS, MAX_SUBJECT_LENGTH, SUBJECT_PATTERN } from './jwt';
import { isRole, Role, ROLES } from './roles';

/**
 * Mints an HS256 access token for local use, demos and tests.
 *
 *   AUTH_JWT_SECRET=... node dist/libs/auth/src/mint-token.js \
 *     --sub alice --roles viewer,approver --companies IT01,IT02 [--ttl 8h]
 *
 * `--companies '*'` (quoted, or the shell expands it) grants every company.
 * `--ttl`: seconds, or a number with s/m/h/d; default 1h, at most
 * AUTH_JWT_MAX_TTL (what the API accepts). When AUTH_JWT_ISSUER and
 * AUTH_JWT_AUDIENCE are set, the token carries them as `iss` and `aud`, as the
 * API then requires. The token is printed on stdout; errors go to stderr with
 * exit code 2 (usage) or 1 (secret or settings).
 */

export interface MintTokenOptions {
  sub: string;
  roles: readonly Role[];
  companies: readonly string[] | '*';
  ttlSeconds: number;
  secret: string;
  /** `iss` claim (AUTH_JWT_ISSUER); omitted when undefined. */
  issuer?: string;
  /** `aud` claim (AUTH_JWT_AUDIENCE); omitted when undefined. */
  audience?: string;
  /** Longest ttl the API accepts (AUTH_JWT_MAX_TTL); default 24 h. */
  maxTtlSeconds?: number;
  /** Issue time; default now. */
  now?: Date;
}

export const DEFAULT_TTL_SECONDS = 3600;
const COMPANY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export class MintTokenUsageError extends Error {
  override readonly name = 'MintTokenUsageError';
}

export function mintToken(options: MintTokenOptions): string {
  assertJwtSecret(options.secret);
  const { sub, roles, companies, ttlSeconds } = options;
  if (typeof sub !== 'string' || !SUBJECT_PATTERN.test(sub))
    throw new MintTokenUsageError(
      `sub must be 1 to ${MAX_SUBJECT_LENGTH} printable ASCII characters without spaces`,
    );
  if (roles.length === 0)
    throw new MintTokenUsageError(`at least one role is required (${ROLES.join(', ')})`);
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    throw new MintTokenUsageError(`unknown role(s) ${unknown.join(', ')}; known roles: ${ROLES.join(', ')}`);
  }
  if (companies !== '*') {
    if (companies.length === 0) throw new MintTokenUsageError("companies must list company ids, or be '*'");
    const bad = companies.filter((company) => !COMPANY_ID.test(company));
    if (bad.length > 0) {
      throw new MintTokenUsageError(
        `invalid company id(s) ${bad.join(', ')}: must match ${COMPANY_ID.source}`,
      );
    }
  }
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new MintTokenUsageError('ttlSeconds must be a positive whole number of seconds');
  }
  const maxTtlSeconds = options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
  if (ttlSeconds > maxTtlSeconds) {
    throw new MintTokenUsageError(
      `ttl of ${ttlSeconds} s exceeds the maximum lifetime of ${maxTtlSeconds} s (AUTH_JWT_MAX_TTL)`,
    );
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload = {
    sub,
    roles: [...new Set(roles)],
    companies: companies === '*' ? ['*'] : [...new Set(companies)],
    ...(options.issuer === undefined ? {} : { iss: options.issuer }),
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    iat,
    exp: iat + ttlSeconds,
  };
  return new JwtService().sign(payload, { secret: options.secret, algorithm: 'HS256' });
}

/** `3600`, `45s`, `30m`, `8h`, `7d` → seconds. */
export function parseTtl(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined)
    throw new MintTokenUsageError(
      `invalid --ttl '${text}': use seconds or a number with s, m, h or d (e.g. 8h)`,
    );
  return seconds;
}

const USAGE = [
  'usage: mint-token --sub <subject> --roles <role,...> --companies <id,...|*> [--ttl 8h]',
  `  roles: ${ROLES.join(', ')}`,
  "  companies: comma-separated company ids, or '*' (quote it) for all",
  '  ttl: seconds, or a number with s/m/h/d (default 1h, at most AUTH_JWT_MAX_TTL, default 24h)',
  '  the secret is read from AUTH_JWT_SECRET (at least 32 characters);',
  '  iss and aud from AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE when they are set',
].join('\n');

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The CLI, testable: returns the exit code. */
export function runMintTokenCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): number {
  let values: { sub?: string; roles?: string; companies?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        sub: { type: 'string' },
        roles: { type: 'string' },
        companies: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`mint-token: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const secret = env.AUTH_JWT_SECRET;
  try {
    assertJwtSecret(secret);
  } catch (error) {
    io.stderr(`mint-token: ${(error as Error).message}\n`);
    return 1;
  }
  let policy: ReturnType<typeof tokenPolicySettings>;
  try {
    policy = tokenPolicySettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`mint-token: ${error.message}\n`);
    return 1;
  }
  const missing = (['sub', 'roles', 'companies'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    io.stderr(`mint-token: missing ${missing.map((name) => `--${name}`).join(', ')}\n${USAGE}\n`);
    return 2;
  }
  try {
    const companies = values.companies!.trim() === '*' ? '*' : splitList(values.companies!);
    const token = mintToken({
      sub: values.sub!,
      roles: splitList(values.roles!) as Role[],
      companies,
      ttlSeconds: values.ttl === undefined ? DEFAULT_TTL_SECONDS : parseTtl(values.ttl),
      secret,
      ...policy,
    });
    io.stdout(`${token}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof MintTokenUsageError)) throw error;
    io.stderr(`mint-token: ${error.message}\n${USAGE}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = runMintTokenCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
