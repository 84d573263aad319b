import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { AuthModule, mintToken, Role, ROLES } from '@credit/auth';
import { configureHttp } from '../http';
import { MeController } from './me.controller';

const SECRET = 'me-test-secret-0123456789-abcdefghijkl';

const token = (roles: Role[], companies: string[] | '*', sub = 'alice') =>
  mintToken({ sub, roles, companies, ttlSeconds: 600, secret: SECRET });

describe('GET /v1/me', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwtSecret: SECRET })],
      controllers: [MeController],
    }).compile();
    const expressApp = moduleRef.createNestApplication<NestExpressApplication>({
      logger: false,
      bodyParser: false,
    });
    configureHttp(expressApp);
    app = await expressApp.init();
  });

  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => app?.close());

  const get = (bearer?: string) => {
    const req = request(app.getHttpServer()).get('/v1/me');
    return bearer === undefined ? req : req.set('Authorization', `Bearer ${bearer}`);
  };

  it('returns the principal of an erp-service token', async () => {
    const res = await get(token(['erp-service'], ['IT01', 'IT02'], 'erp-gateway')).expect(200);
    expect(res.body).toEqual({ subject: 'erp-gateway', roles: ['erp-service'], companies: ['IT01', 'IT02'] });
  });

  it("returns '*' for a token of every company, and every known role it holds", async () => {
    const res = await get(token(['viewer', 'admin'], '*', 'bob')).expect(200);
    expect(res.body).toEqual({ subject: 'bob', roles: ['viewer', 'admin'], companies: '*' });
  });

  it('answers every role', async () => {
    for (const role of ROLES) {
      const res = await get(token([role], ['IT01'], `as-${role}`));
      expect([role, res.status, res.body.subject]).toEqual([role, 200, `as-${role}`]);
    }
  });

  it('answers 401 without a token and with a forged one', async () => {
    await get().expect(401);
    const forged = mintToken({
      sub: 'mallory',
      roles: ['admin'],
      companies: '*',
      ttlSeconds: 600,
      secret: 'another-secret-0123456789-abcdefghijklm',
    });
    await get(forged).expect(401);
  });

  it('answers 403 to a token without any known role', async () => {
    const unknownRole = new JwtService().sign(
      { sub: 'carol', roles: ['auditor'], companies: ['IT01'], exp: Math.floor(Date.now() / 1000) + 600 },
      { secret: SECRET, algorithm: 'HS256' },
    );
    const res = await get(unknownRole).expect(403);
    expect(res.body.message).toBe('requires role viewer or erp-service');
  });

  it('is listed in the OpenAPI document with its example', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    const operation = document.paths['/v1/me']?.get;
    expect(operation?.summary).toMatch(/subject, roles and companies/);
    expect(JSON.stringify(operation?.responses['200'])).toContain('erp-gateway');
  });
});
