import 'reflect-metadata';
import { Controller, Get, INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { CurrentPrincipal, Public, RequireRole } from './decorators';
import { AccessTokenVerifier } from './jwt';
import { mintToken } from './mint-token';
import { Principal } from './principal';
import { Role } from './roles';

const SECRET = 'guard-secret-0123456789-abcdefghijklmnop';

@Controller('public-class')
@Public()
class PublicController {
  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('closed')
  @RequireRole('admin')
  closed() {
    return { ok: true };
  }
}

@Controller('managed')
@RequireRole('credit-manager')
class ManagedController {
  @Get('inherited')
  inherited() {
    return { ok: true };
  }

  @Get('overridden')
  @RequireRole('viewer')
  overridden() {
    return { ok: true };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('companies/:companyId/me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

@Controller('open')
class OpenController {
  @Get('who')
  @Public()
  who(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

const token = (roles: Role[], companies: string[] | '*' = '*') =>
  mintToken({ sub: 'carol', roles, companies, ttlSeconds: 600, secret: SECRET });

describe('AuthGuard (metadata precedence)', () => {
  let app: INestApplication;
  const get = (path: string, roles?: Role[], companies?: string[] | '*') => {
    const req = request(app.getHttpServer()).get(path);
    return roles ? req.set('Authorization', `Bearer ${token(roles, companies)}`) : req;
  };

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ jwtSecret: SECRET })],
      controllers: [PublicController, ManagedController, OpenController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app?.close());

  it('a @Public controller opens its handlers', async () => {
    await get('/public-class/open').expect(200);
  });

  it('a handler @RequireRole beats a @Public controller', async () => {
    await get('/public-class/closed').expect(401);
    await get('/public-class/closed', ['credit-manager']).expect(403);
    await get('/public-class/closed', ['admin']).expect(200);
  });

  it('a controller @RequireRole applies to its handlers', async () => {
    await get('/managed/inherited', ['approver']).expect(403);
    await get('/managed/inherited', ['credit-manager']).expect(200);
  });

  it("a handler @RequireRole replaces the controller's", async () => {
    await get('/managed/overridden', ['viewer']).expect(200);
  });

  it('a handler @Public opens one route of a protected controller', async () => {
    await get('/managed/health').expect(200);
  });

  it('checks :companyId on controller-level roles too and attaches the principal', async () => {
    await get('/managed/companies/IT02/me', ['admin'], ['IT01']).expect(403);
    const res = await get('/managed/companies/IT01/me', ['admin'], ['IT01']).expect(200);
    expect(res.body).toEqual({ subject: 'carol', roles: ['admin'], companies: ['IT01'] });
  });

  it('@CurrentPrincipal on an unauthenticated route is a 401, not undefined', async () => {
    await get('/open/who').expect(401);
  });

  it('AuthModule exports the verifier', () => {
    const verifier = app.get(AccessTokenVerifier);
    expect(verifier.verify(token(['viewer'], ['IT01'])).subject).toBe('carol');
  });
});

describe('AuthModule', () => {
  it('refuses to start with a short secret', () => {
    expect(() => AuthModule.forRoot({ jwtSecret: 'too-short' })).toThrow(/at least 32/);
  });

  it('forRootAsync resolves the secret from a factory and checks it', async () => {
    const ok = await Test.createTestingModule({
      imports: [AuthModule.forRootAsync({ useFactory: () => ({ jwtSecret: SECRET }) })],
    }).compile();
    expect(ok.get(AccessTokenVerifier).verify(token(['viewer'])).subject).toBe('carol');
    await ok.close();
    await expect(
      Test.createTestingModule({
        imports: [AuthModule.forRootAsync({ useFactory: async () => ({ jwtSecret: 'short' }) })],
      }).compile(),
    ).rejects.toThrow(/at least 32/);
  });
});
