import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { apiSettings } from '@credit/config';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument, OPENAPI_PATH } from './openapi';

const FILE = resolve(__dirname, '../../../..', OPENAPI_PATH);

/**
 * The API's document, built from the Nest app in preview mode: the module
 * graph and the routes, without connecting to Kafka, Redis or Postgres.
 */
async function generated(): Promise<OpenAPIObject> {
  const settings = apiSettings({ AUTH_JWT_SECRET: 'x'.repeat(32), POSTGRES_URL: 'postgres://unused/none' });
  const app = await NestFactory.create(ApiModule.forRoot(settings), { preview: true, logger: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

type Operation = {
  operationId?: string;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

const operations = (document: OpenAPIObject): [string, string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
      .map(([method, op]) => [path, method, op as Operation] as [string, string, Operation]),
  );

describe('docs/openapi.json', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await generated();
  });

  it('is the document the API serves (UPDATE_OPENAPI=1 regenerates it)', () => {
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(FILE, text);
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(JSON.parse(text));
  });

  it('gives every route a unique operationId', () => {
    const ids = operations(document).map(([path, method, op]) => op.operationId ?? `${method} ${path}: none`);
    expect(ids.filter((id) => id.endsWith(': none'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers every error of a /v1 route with the one ProblemDetails schema as application/problem+json', () => {
    const wrong: string[] = [];
    for (const [path, method, op] of operations(document)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const media = Object.keys(response.content ?? {});
        const ref = response.content?.['application/problem+json']?.schema?.$ref;
        if (media.join() !== 'application/problem+json' || ref !== '#/components/schemas/ProblemDetails')
          wrong.push(`${method} ${path} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(document.components?.schemas?.ProblemDetails).toMatchObject({
      required: ['type', 'title', 'status', 'detail'],
    });
  });

  it('documents 429 and 503 on every /v1 route, and 413 on every route that takes a body', () => {
    const missing: string[] = [];
    for (const [path, method, op] of operations(document)) {
      if (!path.startsWith('/v1/')) continue;
      const expected = op.requestBody === undefined ? ['429', '503'] : ['413', '429', '503'];
      for (const status of expected) if (!op.responses[status]) missing.push(`${method} ${path} ${status}`);
    }
    expect(missing).toEqual([]);
  });
});
