import request from 'supertest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { apiSettings } from '@credit/config';
import { createApiApp } from '../../apps/risk-api/src/app';
import { IsolatedStack } from '../support/isolated-stack';
import {
  FaultInfrastructure,
  faultStack,
  startFaultInfrastructure,
  stopFaultInfrastructure,
} from '../support/fault-infra';
import { startApi, tokenFor } from '../support/running-apps';
import { countClass, faultProfile, reportFault } from '../support/fault-report';

const profile = faultProfile();

interface Operation {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[] | null;
}

interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** Every operation of the API's own OpenAPI document, with its parameters and body fields. */
function operations(doc: OpenApi): Operation[] {
  const result: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      const ref = JSON.stringify(op.requestBody ?? '').match(/#\/components\/schemas\/([A-Za-z0-9_]+)/)?.[1];
      result.push({
        method: method as Operation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyProperties: op.requestBody
          ? Object.keys((ref && doc.components?.schemas?.[ref]?.properties) || {})
          : null,
      });
    }
  }
  return result;
}

/** Inputs an attacker or a broken client sends: injections, control characters, huge and odd values. */
const HOSTILE = [
  "' OR '1'='1",
  "'; DROP TABLE customer_exposure; --",
  '" OR 1=1 --',
  '1; SELECT pg_sleep(5)',
  '%00',
  '\u0000',
  '../../etc/passwd',
  'a\r\nX-Injected: yes',
  '<script>alert(1)</script>',
  '${7*7}',
  '{"$gt": ""}',
  '-1',
  '1e309',
  'NaN',
  '99999999999999999999999',
  '2026-02-30',
  '-0.001',
  ' ',
  'é漢字🙂',
  'x'.repeat(5000),
];

const scalar = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom('IT01', 'C00001', 'viewer', 'order', '100.00', '2026-03-01', 'block', 'true'),
);

const bodyValue = fc.oneof(
  scalar,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
);

const bodyOf = (properties: string[]) =>
  fc.oneof(
    properties.length > 0
      ? fc.record(Object.fromEntries(properties.map((p) => [p, bodyValue])), { requiredKeys: [] })
      : fc.constant({}),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(
      'not json',
      '{"unterminated": ',
      '[]',
      'null',
      '"string"',
      '{"__proto__": {"admin": true}}',
    ),
  );

const enc = (value: string) => encodeURIComponent(value);

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A JWT made by hand, so that the tests can build the tokens no correct issuer would. */
function handMadeToken(header: object, payload: object, secret: string | null): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

describe(`the API under abuse (${profile.name} profile)`, () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let doc: OpenApi;
  let infra: FaultInfrastructure;

  beforeAll(async () => {
    infra = await startFaultInfrastructure();
    stack = await faultStack(infra);
    api = await startApi(stack);
    doc = (await request(api.getHttpServer()).get('/docs/openapi.json')).body;
  });

  afterAll(async () => {
    await api?.close();
    await stack?.cleanup();
    await stopFaultInfrastructure(infra);
  });

  it('answers fuzzed parameters and bodies of every route with a 4xx naming the problem, never a 5xx', async () => {
    const token = tokenFor(
      stack,
      ['admin', 'credit-manager', 'approver', 'viewer', 'erp-service'],
      '*',
      'fuzzer',
    );
    const routes = operations(doc).filter((o) => o.path.startsWith('/v1/'));
    expect(routes.length).toBeGreaterThanOrEqual(31);
    const classes: Record<string, number> = {};
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const arbitrary = fc.record({
        params: fc.tuple(...route.pathParams.map(() => scalar)),
        query: fc.dictionary(fc.constantFrom(...route.queryParams, 'unknown', 'limit'), scalar, {
          maxKeys: 3,
        }),
        body: route.bodyProperties === null ? fc.constant(undefined) : bodyOf(route.bodyProperties),
      });
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ params, query, body }) => {
          let path = route.path;
          route.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, enc(params[i] as string))));
          const search = Object.entries(query)
            .map(([k, v]) => `${enc(k)}=${enc(v as string)}`)
            .join('&');
          let call = request(api.getHttpServer())
            [route.method](search ? `${path}?${search}` : path)
            .set('Authorization', `Bearer ${token}`);
          if (body !== undefined) {
            call = call.set('Content-Type', 'application/json');
            call = call.send(typeof body === 'string' ? body : JSON.stringify(body));
          }
          const response = await call;
          requests += 1;
          countClass(classes, response.status);
          const message = response.body?.message;
          const problem =
            response.status >= 500
              ? `5xx: ${JSON.stringify(response.body)}`
              : response.status >= 400 && (typeof message !== 'string' || message.length === 0)
                ? `4xx without a message: ${response.text.slice(0, 200)}`
                : response.status === 400 && message === 'Bad Request'
                  ? 'a 400 that does not name the problem'
                  : response.headers['x-injected'] !== undefined
                    ? 'an injected header came back'
                    : null;
          if (problem !== null) failures.push(`${route.method.toUpperCase()} ${path}?${search}: ${problem}`);
          return problem === null;
        }),
        { numRuns: profile.fuzzRuns, seed: 42, endOnFailure: true },
      );
    }
    reportFault({
      scenario: `API fuzz: ${routes.length} routes`,
      faults: 0,
      events: 0,
      customers: 0,
      mismatches: failures.length,
      lostNotifications: 0,
      requests,
      statusClasses: classes,
    });
    expect(failures).toEqual([]);
    expect(classes['5xx'] ?? 0).toBe(0);
  }, 900_000);

  it('rejects forged, expired, alg-none, foreign-secret and foreign-company tokens', async () => {
    const path = '/v1/companies/IT01/customers/C00001/exposure';
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', roles: ['admin'], companies: ['*'], iat: now, exp: now + 600 };
    const valid = tokenFor(stack, ['viewer'], ['IT01'], 'alice');
    const [header, , signature] = valid.split('.');
    const cases: [string, string, number][] = [
      ['no token', '', 401],
      ['garbage', 'Bearer not.a.token', 401],
      ['forged payload on a valid signature', `Bearer ${header}.${base64url(claims)}.${signature}`, 401],
      [
        'expired',
        `Bearer ${handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 7200, exp: now - 3600 }, stack.api.jwtSecret)}`,
        401,
      ],
      ['alg none', `Bearer ${handMadeToken({ alg: 'none', typ: 'JWT' }, claims, null)}`, 401],
      [
        'alg none with a signature',
        `Bearer ${handMadeToken({ alg: 'none', typ: 'JWT' }, claims, stack.api.jwtSecret)}`,
        401,
      ],
      [
        'HS512 with the right secret',
        `Bearer ${handMadeToken({ alg: 'HS512', typ: 'JWT' }, claims, stack.api.jwtSecret)}`,
        401,
      ],
      [
        'another secret',
        `Bearer ${handMadeToken({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-123')}`,
        401,
      ],
      ['a foreign company', `Bearer ${tokenFor(stack, ['admin'], ['DE01'], 'bob')}`, 403],
      ['a role too low for the route', `Bearer ${tokenFor(stack, ['viewer'], ['IT01'], 'eve')}`, 403],
    ];
    const classes: Record<string, number> = {};
    const got: [string, number][] = [];
    for (const [name, authorization, status] of cases) {
      const probe =
        name === 'a role too low for the route'
          ? request(api.getHttpServer())
              .put('/v1/companies/IT01/customers/C00001/credit-limit')
              .send({ amount: '1.00', mode: 'warn', reason: 'x' })
          : request(api.getHttpServer()).get(path);
      const response = await (authorization ? probe.set('Authorization', authorization) : probe);
      countClass(classes, response.status);
      got.push([name, response.status]);
      expect(typeof response.body.message).toBe('string');
      void status;
    }
    reportFault({
      scenario: 'hostile tokens',
      faults: cases.length,
      events: 0,
      customers: 0,
      mismatches: got.filter(([name, status]) => cases.find((c) => c[0] === name)![2] !== status).length,
      lostNotifications: 0,
      requests: cases.length,
      statusClasses: classes,
    });
    expect(got).toEqual(cases.map(([name, , status]) => [name, status]));
  });

  it('enforces the token policy: issuer, audience, lifetime, issue time and subject length', async () => {
    const issuer = 'https://idp.example/realms/erp';
    const audience = 'credit-risk-api';
    const policed = await createApiApp(
      apiSettings({
        ...stack.env,
        AUTH_JWT_ISSUER: issuer,
        AUTH_JWT_AUDIENCE: audience,
        AUTH_JWT_MAX_TTL: '1h',
      }),
      ['error'],
    );
    await policed.init();
    try {
      const now = Math.floor(Date.now() / 1000);
      const good = {
        sub: 'alice',
        roles: ['admin'],
        companies: ['IT01'],
        iss: issuer,
        aud: audience,
        iat: now,
        exp: now + 3600,
      };
      const token = (claims: Record<string, unknown>) =>
        handMadeToken({ alg: 'HS256', typ: 'JWT' }, claims, stack.api.jwtSecret);
      const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));
      const longest = 's'.repeat(128);
      // [case, claims, expected status, expected message (401s)]
      const cases: [string, Record<string, unknown>, number, string | null][] = [
        ['issuer, audience and a 1 h lifetime', good, 200, null],
        ['audience among several', { ...good, aud: ['other-api', audience] }, 200, null],
        ['no issuer', without('iss'), 401, `token issuer ('iss') must be "${issuer}"`],
        [
          'another issuer',
          { ...good, iss: 'https://evil.example' },
          401,
          `token issuer ('iss') must be "${issuer}"`,
        ],
        ['no audience', without('aud'), 401, `token audience ('aud') must include "${audience}"`],
        [
          'another audience',
          { ...good, aud: 'other-api' },
          401,
          `token audience ('aud') must include "${audience}"`,
        ],
        ['no expiry', without('exp'), 401, "token has no expiry ('exp' is required)"],
        ['no issue time', without('iat'), 401, "token has no issue time ('iat' is required)"],
        [
          'lifetime over AUTH_JWT_MAX_TTL',
          { ...good, exp: now + 3601 },
          401,
          "token lifetime ('exp' - 'iat') exceeds the maximum of 3600 s",
        ],
        [
          'back-dated issue time beyond the lifetime',
          { ...good, iat: now - 7200, exp: now + 60 },
          401,
          "token lifetime ('exp' - 'iat') exceeds the maximum of 3600 s",
        ],
        [
          'issued 10 minutes in the future',
          { ...good, iat: now + 600, exp: now + 1200 },
          401,
          "token issued in the future ('iat' is more than 30 s ahead of the server clock)",
        ],
        ['issued within the clock skew', { ...good, iat: now + 20, exp: now + 600 }, 200, null],
        [
          'a subject longer than 128 characters',
          { ...good, sub: 's'.repeat(200) },
          401,
          "token claim 'sub' must be 1 to 128 printable ASCII characters without spaces",
        ],
        ['the longest subject', { ...good, sub: longest }, 200, null],
      ];
      const classes: Record<string, number> = {};
      const got: [string, number, string | null][] = [];
      for (const [name, claims] of cases) {
        // A write that audits the subject: a subject the columns cannot hold would be a 500 here.
        const response = await request(policed.getHttpServer())
          .put(`/v1/companies/IT01/approval-roles/${enc(`role-${got.length}`)}`)
          .set('Authorization', `Bearer ${token(claims)}`)
          .send({ maxExcess: '100.00', mayReleaseOverdue: false });
        countClass(classes, response.status);
        got.push([name, response.status, response.status === 401 ? response.body.message : null]);
      }
      // The longest subject is recorded in full and can be named as an approval-role member
      // (by another admin: no one grants approval authority to itself).
      const granter = 'g'.repeat(128);
      const member = await request(policed.getHttpServer())
        .put(`/v1/companies/IT01/approval-roles/role-0/members/${longest}`)
        .set('Authorization', `Bearer ${token({ ...good, sub: granter })}`);
      const expected = cases.map(([name, , status, message]) => [
        name,
        status === 200 ? 201 : status,
        message,
      ]);
      reportFault({
        scenario: 'token policy: iss, aud, lifetime, iat, sub length',
        faults: cases.filter(([, , status]) => status === 401).length,
        events: 0,
        customers: 0,
        mismatches: got.filter((row, i) => JSON.stringify(row) !== JSON.stringify(expected[i])).length,
        lostNotifications: 0,
        requests: cases.length + 1,
        statusClasses: classes,
      });
      expect(got).toEqual(expected);
      expect(member.status).toBe(201);
      expect(member.body).toMatchObject({ userSubject: longest, assignedBy: granter });
    } finally {
      await policed.close();
    }
  });

  it('keeps SQL- and header-injection attempts harmless', async () => {
    const token = tokenFor(stack, ['admin'], '*', 'injector');
    const db = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    await db.initialize();
    try {
      const tables = async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
          )
        )[0].n;
      const before = await tables();
      const attempts = [
        `/v1/companies/${enc("IT01' OR '1'='1")}/exposures`,
        `/v1/companies/IT01/exposures?status=${enc("OK' OR '1'='1")}`,
        `/v1/companies/IT01/exposures?sort=${enc('total; DROP TABLE customer_exposure')}`,
        `/v1/companies/IT01/exposures?limit=${enc('1 UNION SELECT * FROM hold')}`,
        `/v1/companies/IT01/customers/${enc("C1'; DELETE FROM hold; --")}/exposure`,
        `/v1/companies/${enc('IT01\r\nX-Injected: yes')}/exposures.csv`,
        `/v1/companies/IT01/exposures.csv?status=${enc('OK\r\nX-Injected: yes')}`,
      ];
      for (const path of attempts) {
        const response = await request(api.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
        expect([path, response.status < 500]).toEqual([path, true]);
        expect(response.headers['x-injected']).toBeUndefined();
        expect(JSON.stringify(response.headers)).not.toContain('X-Injected');
      }
      expect(await tables()).toBe(before);
      expect(
        (await db.query('SELECT count(*)::int AS n FROM customer_exposure'))[0].n,
      ).toBeGreaterThanOrEqual(0);
    } finally {
      await db.destroy();
    }
  });

  it('answers 413 to an oversized body and 429 beyond the rate limit, each with a clear message', async () => {
    const token = tokenFor(stack, ['admin'], '*', 'flooder');
    const big = await request(api.getHttpServer())
      .post('/v1/companies/IT01/customers/C00001/credit-checks')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          documentType: 'order',
          documentId: 'O1',
          amount: '1.00',
          pad: 'x'.repeat(stack.api.maxBodyBytes),
        }),
      );
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/request body is too large \(limit \d+ bytes\)/);

    const limited = await createApiApp(
      apiSettings({ ...stack.env, API_RATE_LIMIT: '20', API_RATE_LIMIT_WINDOW_MS: '60000' }),
      ['error'],
    );
    await limited.init();
    try {
      const statuses: number[] = [];
      let tooMany: request.Response | undefined;
      for (let i = 0; i < 30; i++) {
        const response = await request(limited.getHttpServer())
          .get('/v1/me')
          .set('Authorization', `Bearer ${token}`);
        statuses.push(response.status);
        if (response.status === 429) tooMany ??= response;
      }
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      expect(tooMany!.body.message).toMatch(/rate limit exceeded: at most 20 requests per 60 s/);
      expect(Number(tooMany!.headers['retry-after'])).toBeGreaterThan(0);
      // Probes are never limited.
      expect((await request(limited.getHttpServer()).get('/metrics')).status).toBe(200);
      reportFault({
        scenario: 'body and rate limits',
        faults: 31,
        events: 0,
        customers: 0,
        mismatches: 0,
        lostNotifications: 0,
        requests: 31,
        statusClasses: { '2xx': 20, '4xx': 11 },
      });
    } finally {
      await limited.close();
    }
  });
});
