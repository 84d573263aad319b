import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  INestApplication,
  Logger,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsArray, IsString, MinLength, ValidateNested } from 'class-validator';
import request from 'supertest';
import { AuthModule, CurrentPrincipal, mintToken, Principal, Public, RequireRole, Role } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from './params';
import { configureHttp } from './setup';
import { IsMoneyString } from './validation';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijklm';

class OrderRef {
  @IsString()
  orderId!: string;

  @IsMoneyString()
  amount!: string;
}

class ReleaseBody {
  @IsString()
  @MinLength(1)
  reason!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderRef)
  orderRefs!: OrderRef[];
}

@Controller('t')
class TestController {
  @Get('companies/:companyId/customers/:customerId/exposure')
  @RequireRole('viewer')
  exposure(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return { companyId, customerId, subject: principal.subject };
  }

  @Post('companies/:companyId/holds/:holdId/release')
  @RequireRole('credit-manager')
  @HttpCode(200)
  release(@CompanyIdParam() companyId: string, @Param('holdId') holdId: string, @Body() body: ReleaseBody) {
    return { companyId, holdId, refs: body.orderRefs.length, bodyIsDto: body instanceof ReleaseBody };
  }

  @Post('companies/:companyId/credit-checks')
  @RequireRole('erp-service')
  @HttpCode(200)
  creditCheck(@CompanyIdParam() companyId: string) {
    return { companyId, decision: 'ALLOW' };
  }

  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('unannotated')
  unannotated() {
    return { leaked: true };
  }

  @Get('boom')
  @RequireRole('viewer')
  boom(): never {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  }

  @Get('database-away')
  @RequireRole('viewer')
  databaseAway(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('missing')
  @RequireRole('viewer')
  missing(): never {
    throw new NotFoundException({ message: 'customer has no events', customerId: 'C1' });
  }
}

const token = (roles: Role[], companies: string[] | '*' = ['IT01'], ttlSeconds = 600) =>
  mintToken({ sub: 'alice', roles, companies, ttlSeconds, secret: SECRET });

/** The RFC 9457 body the API answers with, compatibility aliases included. */
const problemBody = (
  status: number,
  title: string,
  detail: unknown,
  instance: string,
  extra: object = {},
) => ({
  type: 'about:blank',
  title,
  status,
  detail,
  instance,
  statusCode: status,
  error: title,
  message: detail,
  ...extra,
});

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const future = () => Math.floor(Date.now() / 1000) + 600;

describe('risk-api HTTP conventions with AuthModule', () => {
  let app: INestApplication;
  let errorLog: jest.SpyInstance;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwtSecret: SECRET })],
      controllers: [TestController],
    }).compile();
    const expressApp = moduleRef.createNestApplication<NestExpressApplication>({
      logger: false,
      bodyParser: false,
    });
    configureHttp(expressApp);
    app = await expressApp.init();
  });

  beforeEach(() => {
    errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => app?.close());

  const get = (path: string, bearer?: string) => {
    const req = request(app.getHttpServer()).get(path);
    return bearer === undefined ? req : req.set('Authorization', `Bearer ${bearer}`);
  };
  const exposure = '/t/companies/IT01/customers/C001/exposure';

  describe('authentication (401)', () => {
    it('lets a @Public route through without a token', async () => {
      await get('/t/health').expect(200, { status: 'ok' });
    });

    it('rejects a request without a token with the problem+json 401 body', async () => {
      const res = await get(exposure).expect(401);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toEqual(problemBody(401, 'Unauthorized', 'missing bearer token', exposure));
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('rejects an Authorization header that is not a bearer token', async () => {
      const res = await request(app.getHttpServer()).get(exposure).set('Authorization', 'Basic YWxpY2U6eA==');
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/Bearer <token>/);
    });

    it('accepts a valid token (positive control) and exposes the principal', async () => {
      const res = await get(exposure, token(['viewer'])).expect(200);
      expect(res.body).toEqual({ companyId: 'IT01', customerId: 'C001', subject: 'alice' });
    });

    it('rejects a token signed with another secret', async () => {
      const forged = mintToken({
        sub: 'alice',
        roles: ['admin'],
        companies: '*',
        ttlSeconds: 600,
        secret: OTHER_SECRET,
      });
      const res = await get(exposure, forged).expect(401);
      expect(res.body).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        detail: 'token signature is invalid',
      });
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('rejects a hand-crafted alg:none token', async () => {
      const payload = { sub: 'mallory', roles: ['admin'], companies: ['*'], exp: future() };
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
      const res = await get(exposure, unsigned).expect(401);
      expect(res.body.message).toBe('token algorithm not allowed (HS256 only)');
    });

    it('rejects an HS512 token even when signed with the right secret', async () => {
      const hs512 = new JwtService().sign(
        { sub: 'alice', roles: ['viewer'], companies: ['IT01'], exp: future() },
        { secret: SECRET, algorithm: 'HS512' },
      );
      await get(exposure, hs512).expect(401);
    });

    it('rejects an expired token (beyond the 30 s tolerance)', async () => {
      const expired = mintToken({
        sub: 'alice',
        roles: ['viewer'],
        companies: ['IT01'],
        ttlSeconds: 60,
        secret: SECRET,
        now: new Date(Date.now() - 120_000),
      });
      const res = await get(exposure, expired).expect(401);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'token expired' });
    });

    it('accepts a token expired by less than the 30 s clock tolerance', async () => {
      const justExpired = mintToken({
        sub: 'alice',
        roles: ['viewer'],
        companies: ['IT01'],
        ttlSeconds: 60,
        secret: SECRET,
        now: new Date(Date.now() - 70_000),
      });
      await get(exposure, justExpired).expect(200);
    });

    it('rejects a token without exp', async () => {
      const eternal = new JwtService().sign(
        { sub: 'alice', roles: ['viewer'], companies: ['IT01'] },
        { secret: SECRET, algorithm: 'HS256' },
      );
      const res = await get(exposure, eternal).expect(401);
      expect(res.body.message).toMatch(/exp/);
    });

    it('rejects garbage', async () => {
      await get(exposure, 'not-a-jwt').expect(401);
    });
  });

  describe('authorization (403)', () => {
    const releaseBody = { reason: 'ok', orderRefs: [{ orderId: 'O1', amount: '10.00' }] };
    const release = (bearer: string, companyId = 'IT01') =>
      request(app.getHttpServer())
        .post(`/t/companies/${companyId}/holds/H1/release`)
        .set('Authorization', `Bearer ${bearer}`)
        .send(releaseBody);

    it('forbids a viewer on a credit-manager route', async () => {
      const res = await release(token(['viewer', 'approver'])).expect(403);
      expect(res.body).toMatchObject({
        status: 403,
        title: 'Forbidden',
        detail: 'requires role credit-manager',
      });
    });

    it('allows credit-manager and admin on a credit-manager route', async () => {
      await release(token(['credit-manager'])).expect(200);
      await release(token(['admin'])).expect(200);
    });

    it('forbids a company outside the token', async () => {
      const res = await get('/t/companies/IT02/customers/C001/exposure', token(['admin'], ['IT01'])).expect(
        403,
      );
      expect(res.body).toMatchObject({
        status: 403,
        title: 'Forbidden',
        detail: 'no access to company IT02',
      });
      await release(token(['admin'], ['IT01']), 'IT02').expect(403);
    });

    it('matches company ids exactly (case-sensitive)', async () => {
      await get('/t/companies/it01/customers/C001/exposure', token(['viewer'], ['IT01'])).expect(403);
    });

    it("grants every company to companies ['*']", async () => {
      await get('/t/companies/IT02/customers/C001/exposure', token(['viewer'], '*')).expect(200);
      await get('/t/companies/ZZ_9/customers/C001/exposure', token(['viewer'], '*')).expect(200);
    });

    it('denies a route without @RequireRole even to an admin of every company', async () => {
      const res = await get('/t/unannotated', token(['admin'], '*')).expect(403);
      expect(res.body.status).toBe(403);
      expect(res.body.leaked).toBeUndefined();
    });

    it('asks for a token first on an unannotated route', async () => {
      await get('/t/unannotated').expect(401);
    });

    it('forbids a token whose roles are all unknown', async () => {
      const stranger = new JwtService().sign(
        { sub: 'bob', roles: ['superuser', 'root'], companies: ['*'], exp: future() },
        { secret: SECRET, algorithm: 'HS256' },
      );
      await get(exposure, stranger).expect(403);
    });

    describe('erp-service (viewer level + credit checks, nothing else)', () => {
      const erp = () => token(['erp-service'], ['IT01']);
      const creditCheck = (bearer: string) =>
        request(app.getHttpServer())
          .post('/t/companies/IT01/credit-checks')
          .set('Authorization', `Bearer ${bearer}`)
          .send({});

      it('may read on a viewer route', async () => {
        await get(exposure, erp()).expect(200);
      });

      it('may post credit checks', async () => {
        await creditCheck(erp()).expect(200, { companyId: 'IT01', decision: 'ALLOW' });
      });

      it('may not use a credit-manager route', async () => {
        await release(erp()).expect(403);
      });

      it('is not granted by the hierarchy: admin may not post on an erp-service route', async () => {
        await creditCheck(token(['admin'], '*')).expect(403);
      });
    });
  });

  describe('path params', () => {
    const viewerAll = () => token(['viewer'], '*');

    it('decodes an URL-encoded / in customerId', async () => {
      const res = await get('/t/companies/IT01/customers/C%2F001/exposure', viewerAll()).expect(200);
      expect(res.body.customerId).toBe('C/001');
    });

    it('keeps . _ - in customerId', async () => {
      const res = await get('/t/companies/IT01/customers/a.b_c-d/exposure', viewerAll()).expect(200);
      expect(res.body.customerId).toBe('a.b_c-d');
    });

    it('rejects a customerId with a forbidden character, naming customerId', async () => {
      const res = await get('/t/companies/IT01/customers/C%20001/exposure', viewerAll()).expect(400);
      expect(res.body).toMatchObject({
        status: 400,
        title: 'Bad Request',
        detail: 'customerId must match ^[A-Za-z0-9._/-]{1,64}$',
      });
    });

    it('rejects a customerId longer than 64 characters', async () => {
      await get(`/t/companies/IT01/customers/${'C'.repeat(64)}/exposure`, viewerAll()).expect(200);
      const res = await get(`/t/companies/IT01/customers/${'C'.repeat(65)}/exposure`, viewerAll()).expect(
        400,
      );
      expect(res.body.message).toMatch(/^customerId must match/);
    });

    it('rejects a malformed companyId, naming companyId', async () => {
      const res = await get('/t/companies/IT.01/customers/C001/exposure', viewerAll()).expect(400);
      expect(res.body.message).toBe('companyId must match ^[A-Za-z0-9_-]{1,32}$');
    });
  });

  describe('errors', () => {
    it('answers an unexpected error with 500, a reference and no internals', async () => {
      const res = await get('/t/boom', token(['viewer'])).expect(500);
      expect(res.body).toEqual(
        problemBody(
          500,
          'Internal Server Error',
          expect.stringMatching(/^Internal error; reference [0-9a-f-]{36}$/),
          '/t/boom',
          { reference: expect.any(String) },
        ),
      );
      expect(res.body.detail).toBe(`Internal error; reference ${res.body.reference}`);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/hunter2|postgres|stack|\.ts:|at /);
      // logged server side, under the same reference, with the stack
      const logged = errorLog.mock.calls.map((call) => call.join(' ')).join('\n');
      expect(logged).toContain(res.body.reference);
      expect(logged).toContain('hunter2');
    });

    it('answers Postgres being away with 503, Retry-After and a message saying so', async () => {
      const res = await get('/t/database-away', token(['viewer'])).expect(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual(
        problemBody(
          503,
          'Service Unavailable',
          expect.stringMatching(/^The reporting database \(Postgres\) is unavailable/),
          '/t/database-away',
        ),
      );
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|5432/);
    });

    it('keeps the status, message and extra fields of an HttpException', async () => {
      const res = await get('/t/missing?x=1', token(['viewer'])).expect(404);
      // instance: the path without the query
      expect(res.body).toEqual(
        problemBody(404, 'Not Found', 'customer has no events', '/t/missing', { customerId: 'C1' }),
      );
    });

    it('answers invalid JSON with 400 "request body is not valid JSON"', async () => {
      const res = await request(app.getHttpServer())
        .post('/t/companies/IT01/holds/H1/release')
        .set('Authorization', `Bearer ${token(['admin'])}`)
        .set('Content-Type', 'application/json')
        .send('{"reason": "x",')
        .expect(400);
      expect(res.body).toEqual(
        problemBody(
          400,
          'Bad Request',
          'request body is not valid JSON',
          '/t/companies/IT01/holds/H1/release',
        ),
      );
    });

    it('answers a body over the limit with 413', async () => {
      const res = await request(app.getHttpServer())
        .post('/t/companies/IT01/holds/H1/release')
        .set('Authorization', `Bearer ${token(['admin'])}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ reason: 'x'.repeat(200_000), orderRefs: [] }))
        .expect(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', status: 413, title: 'Payload Too Large' });
      expect(res.body.detail).toMatch(/too large/);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const res = await get('/nope').expect(404);
      expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/nope' });
    });
  });

  describe('body validation', () => {
    const post = (body: unknown) =>
      request(app.getHttpServer())
        .post('/t/companies/IT01/holds/H1/release')
        .set('Authorization', `Bearer ${token(['credit-manager'])}`)
        .send(body as object);

    it('accepts a valid body and transforms it into the DTO class', async () => {
      await post({ reason: 'ok', orderRefs: [{ orderId: 'O1', amount: '1234.56' }] }).expect(200, {
        companyId: 'IT01',
        holdId: 'H1',
        refs: 1,
        bodyIsDto: true,
      });
    });

    it('names nested fields by their path', async () => {
      const res = await post({
        reason: 'ok',
        orderRefs: [
          { orderId: 'O1', amount: '1.00' },
          { orderId: 'O2', amount: 12.5 },
        ],
      }).expect(400);
      expect(res.body.errors).toEqual(['orderRefs.1.amount must be a money string like 1234.56']);
      expect(res.body.detail).toBe('orderRefs.1.amount must be a money string like 1234.56');
      expect(res.body.invalidParams).toEqual([
        { name: 'orderRefs.1.amount', reason: 'orderRefs.1.amount must be a money string like 1234.56' },
      ]);
    });

    it('rejects unknown properties, naming them (also nested)', async () => {
      const res = await post({
        reason: 'ok',
        extra: 1,
        orderRefs: [{ orderId: 'O1', amount: '1.00', note: 'x' }],
      }).expect(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          'property extra should not exist',
          'property orderRefs.0.note should not exist',
        ]),
      );
      expect(res.body.invalidParams).toEqual(
        expect.arrayContaining([
          { name: 'extra', reason: 'property extra should not exist' },
          { name: 'orderRefs.0.note', reason: 'property orderRefs.0.note should not exist' },
        ]),
      );
    });

    it('reports every failing field', async () => {
      const res = await post({}).expect(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.stringMatching(/^reason /), expect.stringMatching(/^orderRefs /)]),
      );
      expect(res.body.detail).toBe(res.body.errors.join('; '));
    });
  });
});
