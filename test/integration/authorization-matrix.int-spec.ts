import request from 'supertest';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { IS_PUBLIC_KEY, REQUIRED_ROLES_KEY, Role, ROLES, satisfiesAny } from '@credit/auth';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { startApi, tokenFor } from '../support/running-apps';

interface Route {
  method: string;
  path: string;
  roles: readonly Role[] | undefined;
  isPublic: boolean;
}

/** Every route the app serves, with its declared roles, read from the controllers themselves. */
function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        routes.push({
          method: RequestMethod[method].toLowerCase(),
          path,
          roles:
            Reflect.getMetadata(REQUIRED_ROLES_KEY, handler) ??
            Reflect.getMetadata(REQUIRED_ROLES_KEY, controller),
          isPublic:
            Reflect.getMetadata(IS_PUBLIC_KEY, handler) ??
            Reflect.getMetadata(IS_PUBLIC_KEY, controller) ??
            false,
        });
      }
    }
  }
  return routes;
}

const SAMPLE_PARAMS: Record<string, string> = {
  companyId: 'IT01',
  customerId: 'C1',
  holdId: '00000000-0000-4000-8000-000000000000',
  requestId: '00000000-0000-4000-8000-000000000000',
  code: 'GOLD',
  name: 'desk',
  userSubject: 'someone',
  agentId: 'AG-01',
  subscriptionId: 'sales-over-limit',
  deliveryId: '1',
};

const concrete = (path: string, params: Record<string, string> = {}) =>
  path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? SAMPLE_PARAMS[name] ?? 'x'),
  );

describe('authorisation of every route, for every role and a foreign company', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let routes: Route[];

  const call = (route: Route, token: string | null, params: Record<string, string> = {}) => {
    const server = api.getHttpServer();
    const path = concrete(route.path, params);
    const req = (request(server) as unknown as Record<string, (p: string) => request.Test>)[route.method](
      path,
    );
    if (token) req.set('Authorization', `Bearer ${token}`);
    return ['post', 'put', 'patch', 'delete'].includes(route.method) ? req.send({}) : req;
  };

  beforeAll(async () => {
    stack = await isolatedStack();
    api = await startApi(stack);
    routes = routesOf(api).filter((r) => !r.path.startsWith('/t'));
  });

  afterAll(async () => {
    await api?.close();
    await stack?.cleanup();
  });

  it('finds the routes, and every non-public route declares its roles', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter((r) => !r.isPublic && !r.roles).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers 401 without a token, 403 to roles the route does not allow, and never 401/403/5xx to those it does', async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const anonymous = await call(route, null);
      if (route.isPublic) {
        if (anonymous.status >= 500 || anonymous.status === 401)
          problems.push(`${route.method} ${route.path} public: ${anonymous.status}`);
        continue;
      }
      if (anonymous.status !== 401)
        problems.push(`${route.method} ${route.path} without token: ${anonymous.status}`);
      for (const role of ROLES) {
        const response = await call(route, tokenFor(stack, [role], ['IT01'], `matrix-${role}`));
        const allowed = satisfiesAny([role], route.roles!);
        const ok = allowed
          ? ![401, 403].includes(response.status) && response.status < 500
          : response.status === 403;
        if (!ok)
          problems.push(
            `${route.method} ${route.path} as ${role}: ${response.status} ${JSON.stringify(response.body)}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers 403 to every role of another company on every company route', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic && r.path.includes(':companyId'))) {
      for (const role of ROLES) {
        const response = await call(route, tokenFor(stack, [role], ['DE01'], `foreign-${role}`));
        if (response.status !== 403)
          problems.push(`${route.method} ${route.path} as foreign ${role}: ${response.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers 400 naming the id for a malformed company or customer id, never 5xx', async () => {
    const problems: string[] = [];
    const admin = tokenFor(stack, ['admin', 'erp-service'], '*', 'matrix-admin');
    for (const route of routes.filter((r) => !r.isPublic)) {
      for (const param of ['companyId', 'customerId']) {
        if (!route.path.includes(`:${param}`)) continue;
        const response = await call(route, admin, { [param]: 'bad id!' });
        if (response.status !== 400 || !JSON.stringify(response.body).includes(param)) {
          problems.push(
            `${route.method} ${route.path} with bad ${param}: ${response.status} ${JSON.stringify(response.body)}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('serves an OpenAPI document that lists every route', async () => {
    const document = (await request(api.getHttpServer()).get('/docs/openapi.json').expect(200)).body;
    const listed = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
      for (const method of Object.keys(operations))
        listed.add(`${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    }
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((r) => !listed.has(r));
    expect(missing).toEqual([]);
  });
});
