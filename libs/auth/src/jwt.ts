import { createSecretKey, KeyObject } from 'node:crypto';
import { JsonWebTokenError, JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { Principal } from './principal';
import { knownRoles } from './roles';

/**
 * Access-token verification (spec section 9): HS256 with a shared secret.
 *
 * Decisions:
 * - Only `HS256` is accepted. The header is checked before the library runs and
 *   the library is also pinned to `algorithms: ['HS256']`, so `alg: none`,
 *   `HS384/512`, `RS*`, `ES*` and `PS*` tokens are all rejected.
 * - `exp` is REQUIRED: a token without an expiry would be valid forever and could
 *   not be revoked short of rotating the secret. `nbf` is honoured if present.
 * - `iat` is REQUIRED and bounds the lifetime: `exp - iat` may not exceed the
 *   maximum lifetime (AUTH_JWT_MAX_TTL, default 24 h), so a leaked token cannot
 *   be minted to live for years; an `iat` in the future (beyond the clock
 *   tolerance) is rejected, or the bound could be dodged by back-dating `exp`.
 * - Clock tolerance: 30 seconds on `exp`, `nbf` and `iat` (clock skew between hosts).
 * - Issuer and audience: when configured (AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE),
 *   `iss` must equal the issuer and `aud` (a string or an array) must contain
 *   the audience; when not configured, they are not checked.
 * - Claims: `sub` 1 to 128 printable ASCII characters without spaces: the width
 *   of every column and event field that stores who acted (audit tables, holds,
 *   approval members, `setBy`/`decidedBy` of the contract), so a subject the
 *   verifier accepts can always be recorded; `roles` array of strings (unknown roles are
 *   ignored, so a token may carry roles of other systems); `companies` array of
 *   non-empty strings, or exactly `["*"]` for every company (`"*"` mixed with
 *   ids is rejected as ambiguous).
 * - Every failure is an `InvalidTokenError` whose message is short and safe to
 *   return to the client; library messages are never passed through.
 */

export const MIN_SECRET_LENGTH = 32;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Default maximum lifetime of a token (`exp - iat`): one working day. */
export const DEFAULT_MAX_TTL_SECONDS = 86_400;
const MAX_TOKEN_LENGTH = 8192;
/** The longest subject: the user-id width of the event contract and of the audit columns. */
export const MAX_SUBJECT_LENGTH = 128;
/** A token subject: printable ASCII without spaces, as approval-role members are named. */
export const SUBJECT_PATTERN = new RegExp(`^[\\x21-\\x7E]{1,${MAX_SUBJECT_LENGTH}}$`);

export type InvalidTokenReason =
  | 'malformed'
  | 'unsupported-algorithm'
  | 'invalid-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'missing-expiry'
  | 'missing-issued-at'
  | 'issued-in-future'
  | 'lifetime-too-long'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'invalid-claims'
  | 'invalid';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    readonly reason: InvalidTokenReason,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyAccessTokenOptions {
  /** The HS256 shared secret (AUTH_JWT_SECRET), at least 32 characters. */
  secret: string;
  /** Seconds of tolerance on `exp`, `nbf` and `iat`; default 30. */
  clockToleranceSeconds?: number;
  /** Longest accepted `exp - iat`, in seconds; default 24 h. */
  maxTtlSeconds?: number;
  /** When set, `iss` must equal it (AUTH_JWT_ISSUER). */
  issuer?: string;
  /** When set, `aud` must be it or an array containing it (AUTH_JWT_AUDIENCE). */
  audience?: string;
  /** Injectable clock for tests; default the system clock. */
  now?: () => Date;
}

/** Throws unless `secret` is a string of at least MIN_SECRET_LENGTH characters. */
export function assertJwtSecret(secret: unknown, name = 'AUTH_JWT_SECRET'): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new Error(`${name} is not set: it must be a secret of at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${name} is too short (${secret.length} characters): it must be at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
}

const jwtService = new JwtService();
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The secret as a key object, built once: handed a string, jsonwebtoken first
 * tries to read it as a public key and pays for the failure on every request.
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Verifies a compact JWT (without the `Bearer ` prefix) and returns the caller it names. */
export function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Principal {
  return verifyToken(token, options).principal;
}

/** What a verified token said, and the times that decide whether it still holds. */
interface VerifiedToken {
  principal: Principal;
  exp: number;
  iat: number;
  nbf: number | undefined;
}

function verifyToken(token: string, options: VerifyAccessTokenOptions): VerifiedToken {
  assertJwtSecret(options.secret);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError('malformed', 'token is malformed');
  }
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)) || !parts[0] || !parts[1]) {
    throw new InvalidTokenError('malformed', 'token is malformed');
  }
  const header = decodeJsonSegment(parts[0]);
  if (!isPlainObject(header)) throw new InvalidTokenError('malformed', 'token is malformed');
  if (header.alg !== 'HS256') {
    throw new InvalidTokenError('unsupported-algorithm', 'token algorithm not allowed (HS256 only)');
  }
  if (!parts[2]) throw new InvalidTokenError('invalid-signature', 'token signature is invalid');

  const now = options.now ? options.now() : new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  let payload: unknown;
  try {
    payload = jwtService.verify<object>(token, {
      secret: secretKey(options.secret) as unknown as string,
      algorithms: ['HS256'],
      clockTolerance,
      clockTimestamp: nowSeconds,
    });
  } catch (error) {
    throw mapLibraryError(error);
  }
  const principal = principalFromClaims(payload);
  const claims = payload as Record<string, unknown>;
  checkLifetimeAndParties(claims, options, nowSeconds, clockTolerance);
  // principalFromClaims and checkLifetimeAndParties have checked exp and iat; the library, nbf.
  return {
    principal,
    exp: claims.exp as number,
    iat: claims.iat as number,
    nbf: typeof claims.nbf === 'number' ? claims.nbf : undefined,
  };
}

/** The rules the library is not asked to apply, each failure with its own message. */
function checkLifetimeAndParties(
  payload: Record<string, unknown>,
  options: VerifyAccessTokenOptions,
  nowSeconds: number,
  clockTolerance: number,
): void {
  const { iat, exp } = payload as { iat: unknown; exp: number };
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new InvalidTokenError('missing-issued-at', "token has no issue time ('iat' is required)");
  }
  if (iat > nowSeconds + clockTolerance) {
    throw new InvalidTokenError(
      'issued-in-future',
      `token issued in the future ('iat' is more than ${clockTolerance} s ahead of the server clock)`,
    );
  }
  const maxTtl = options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
  if (exp - iat > maxTtl) {
    throw new InvalidTokenError(
      'lifetime-too-long',
      `token lifetime ('exp' - 'iat') exceeds the maximum of ${maxTtl} s`,
    );
  }
  if (options.issuer !== undefined && payload.iss !== options.issuer) {
    throw new InvalidTokenError('wrong-issuer', `token issuer ('iss') must be "${options.issuer}"`);
  }
  if (options.audience !== undefined) {
    const { aud } = payload;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(options.audience)) {
      throw new InvalidTokenError(
        'wrong-audience',
        `token audience ('aud') must include "${options.audience}"`,
      );
    }
  }
}

function mapLibraryError(error: unknown): InvalidTokenError {
  if (error instanceof TokenExpiredError) return new InvalidTokenError('expired', 'token expired');
  if (error instanceof NotBeforeError) return new InvalidTokenError('not-yet-valid', 'token not yet valid');
  if (error instanceof JsonWebTokenError && error.message === 'invalid signature') {
    return new InvalidTokenError('invalid-signature', 'token signature is invalid');
  }
  return new InvalidTokenError('invalid', 'token is invalid');
}

function claimError(message: string): InvalidTokenError {
  return new InvalidTokenError('invalid-claims', message);
}

/** Validates the claims of an already verified payload. Exported for tests. */
export function principalFromClaims(payload: unknown): Principal {
  if (!isPlainObject(payload)) throw claimError('token payload must be a JSON object');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new InvalidTokenError('missing-expiry', "token has no expiry ('exp' is required)");
  }
  const { sub, roles, companies } = payload;
  if (typeof sub !== 'string' || !SUBJECT_PATTERN.test(sub)) {
    throw claimError(
      `token claim 'sub' must be 1 to ${MAX_SUBJECT_LENGTH} printable ASCII characters without spaces`,
    );
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw claimError("token claim 'roles' must be an array of strings");
  }
  if (
    !Array.isArray(companies) ||
    !companies.every((company) => typeof company === 'string' && company.length > 0)
  ) {
    throw claimError('token claim \'companies\' must be an array of company ids or ["*"]');
  }
  let scope: string[] | '*';
  if (companies.includes('*')) {
    if (companies.length !== 1)
      throw claimError('token claim \'companies\' may not mix "*" with company ids');
    scope = '*';
  } else {
    scope = [...new Set(companies as string[])];
  }
  return { subject: sub, roles: knownRoles(roles), companies: scope };
}

/** Tokens a verifier remembers at most (each a few hundred bytes: a deployment's active sessions). */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * The verifier the guard uses: `verifyAccessToken` bound to one secret and
 * clock. It remembers the tokens it verified, by their exact text: a client
 * sends the same token with every request, and checking its HMAC signature and
 * claims again was about a tenth of the API's CPU per request. Only a token
 * that passed every rule is remembered, and the rules that depend on the time
 * (`exp`, `nbf`, `iat`) are applied again at each use; a token that fails them
 * is verified in full, so it is refused with the usual reason.
 */
export class AccessTokenVerifier {
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly clockTolerance: number;

  constructor(private readonly options: VerifyAccessTokenOptions) {
    assertJwtSecret(options.secret);
    this.clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  }

  verify(token: string): Principal {
    const nowSeconds = Math.floor((this.options.now ? this.options.now() : new Date()).getTime() / 1000);
    const known = this.verified.get(token);
    if (known !== undefined && this.holdsAt(known, nowSeconds)) return known.principal;
    this.verified.delete(token);
    const verified = verifyToken(token, this.options);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      // The oldest remembered first (a Map keeps insertion order).
      this.verified.delete(this.verified.keys().next().value as string);
    }
    // Shared by every request that sends this token: frozen, so no request can change another's caller.
    Object.freeze(verified.principal.roles);
    if (Array.isArray(verified.principal.companies)) Object.freeze(verified.principal.companies);
    Object.freeze(verified.principal);
    this.verified.set(token, verified);
    return verified.principal;
  }

  /** The time rules of verifyAccessToken (and of the library's `exp` and `nbf` checks), on a remembered token. */
  private holdsAt(token: VerifiedToken, nowSeconds: number): boolean {
    const tolerance = this.clockTolerance;
    return (
      nowSeconds < token.exp + tolerance &&
      (token.nbf === undefined || token.nbf <= nowSeconds + tolerance) &&
      token.iat <= nowSeconds + tolerance
    );
  }
}
