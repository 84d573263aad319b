import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from './problem.filter';

/** Where the committed OpenAPI document lives (checked by openapi.spec.ts; UPDATE_OPENAPI=1 regenerates it). */
export const OPENAPI_PATH = 'docs/openapi.json';

/** Paths neither rate limited nor answered with problem details (their own bodies: docs/api.md). */
const OPERATIONAL_PATHS = /^\/(health|metrics)(\/|$)/;

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };

/** RFC 9457 problem details, as ProblemFilter writes them. */
const PROBLEM_SCHEMAS = {
  ProblemDetails: {
    type: 'object',
    description:
      'RFC 9457 problem details: the body of every error response (application/problem+json). ' +
      '`statusCode`, `error` and `message` repeat `status`, `title` and `detail` for clients written before.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', format: 'uri-reference', example: 'about:blank' },
      title: { type: 'string', description: 'The reason phrase of the status.', example: 'Bad Request' },
      status: { type: 'integer', example: 400 },
      detail: {
        type: 'string',
        description:
          "What went wrong in this request, naming the field and the rule; for a 400, `errors` joined with '; '.",
        example: 'amount must be a money string like 1234.56',
      },
      instance: {
        type: 'string',
        description: 'The request path (without the query).',
        example: '/v1/companies/IT01/holds',
      },
      errors: {
        type: 'array',
        items: { type: 'string' },
        description: "400: one message per failed rule, each starting with the field's path.",
      },
      invalidParams: {
        type: 'array',
        items: { $ref: '#/components/schemas/InvalidParam' },
        description: 'The same as `errors`, by field, when the request validation named it.',
      },
      reference: {
        type: 'string',
        format: 'uuid',
        description: '500: the id the server logged the error under (the error itself is never sent).',
      },
      statusCode: { type: 'integer', deprecated: true, description: 'Same as `status`.' },
      error: { type: 'string', deprecated: true, description: 'Same as `title`.' },
      message: { type: 'string', deprecated: true, description: 'Same as `detail`.' },
    },
    additionalProperties: true,
  },
  InvalidParam: {
    type: 'object',
    required: ['name', 'reason'],
    properties: {
      name: {
        type: 'string',
        description: "The field's path in the body, query or URL.",
        example: 'orderRefs.0.amount',
      },
      reason: { type: 'string', example: 'orderRefs.0.amount must be a money string like 1234.56' },
    },
  },
};

const RETRY_AFTER = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };

/** The responses every route may give whatever it does (docs/api.md, "Limits and outages"). */
const COMMON_RESPONSES: Record<string, { description: string; detail: string; retryAfter?: boolean }> = {
  '413': {
    description: 'The body is over API_MAX_BODY_BYTES.',
    detail: 'request body is too large (limit 102400 bytes)',
  },
  '429': {
    description: 'Over API_RATE_LIMIT requests per window from this client.',
    detail: 'rate limit exceeded: at most 1200 requests per 60 s per client; retry later (see Retry-After)',
    retryAfter: true,
  },
  '503': {
    description:
      'A dependency (Postgres, or a capacity limit such as the export slots) cannot serve the request now.',
    detail:
      'The reporting database (Postgres) is unavailable, so this request cannot be served now; retry in a few seconds.',
    retryAfter: true,
  },
};

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Response {
  description: string;
  headers?: Json;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  requestBody?: unknown;
  responses: Record<string, Response>;
}

const reason = (status: number) => STATUS_CODES[status] ?? 'Error';

/** An example written in the pre-RFC 9457 shape (`{ statusCode, error, message }`) as problem details. */
function problemExample(status: number, value: unknown, instance: string): Json {
  const source = typeof value === 'object' && value !== null ? (value as Json) : {};
  const { statusCode: _s, error: _e, message, status: _st, title: _t, detail, ...extensions } = source;
  const text = typeof detail === 'string' ? detail : typeof message === 'string' ? message : reason(status);
  return { type: 'about:blank', title: reason(status), status, detail: text, instance, ...extensions };
}

/** The examples of an error response in whichever place a controller wrote them. */
function examplesOf(response: Response): Record<string, { summary?: string; value: unknown }> | undefined {
  for (const media of Object.values(response.content ?? {})) {
    if (media.examples) return media.examples;
    if (media.example !== undefined) return { problem: { value: media.example } };
    if (media.schema && 'example' in media.schema) return { problem: { value: media.schema.example } };
  }
  return undefined;
}

/** An OpenAPI path template as a concrete example path (`{companyId}` -> `IT01`). */
const examplePath = (path: string) => path.replace(/\{companyId\}/g, 'IT01').replace(/\{(\w+)\}/g, '$1');

/**
 * The API's conventions, applied to every operation of the generated
 * document so that no controller has to repeat them: each error response is
 * application/problem+json with the one ProblemDetails schema (the examples a
 * controller gave are kept, in that shape); 413 is documented where a body is
 * taken, 429 and 503 everywhere but health and metrics.
 */
export function withApiConventions(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ...PROBLEM_SCHEMAS } as never;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue;
      const operation = value as Operation;
      if (OPERATIONAL_PATHS.test(path)) continue;
      const instance = examplePath(path);
      for (const [code, response] of Object.entries(operation.responses)) {
        const status = Number(code);
        if (!(status >= 400)) continue;
        const examples = examplesOf(response);
        response.content = {
          [PROBLEM_CONTENT_TYPE]: {
            schema: PROBLEM_REF,
            ...(examples
              ? {
                  examples: Object.fromEntries(
                    Object.entries(examples).map(([name, e]) => [
                      name,
                      { ...e, value: problemExample(status, e.value, instance) },
                    ]),
                  ),
                }
              : { example: problemExample(status, { message: response.description }, instance) }),
          },
        };
      }
      for (const [code, common] of Object.entries(COMMON_RESPONSES)) {
        if (code === '413' && operation.requestBody === undefined) continue;
        if (operation.responses[code]) continue;
        operation.responses[code] = {
          description: common.description,
          ...(common.retryAfter ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
          content: {
            [PROBLEM_CONTENT_TYPE]: {
              schema: PROBLEM_REF,
              example: problemExample(Number(code), { message: common.detail }, instance),
            },
          },
        };
      }
    }
  }
  return document;
}

/** `HoldsController` + `release` -> `holds_release`: unique, stable, readable in generated clients. */
export const operationId = (controllerKey: string, methodKey: string): string => {
  const name = controllerKey.replace(/Controller$/, '');
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_${methodKey}`;
};

/** The risk API's OpenAPI document, as served at /docs/openapi.json and committed as docs/openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Credit exposure risk API')
      .setDescription(
        'Exposures, limits, holds and reports of the credit exposure engine. Every error is RFC 9457 ' +
          'problem details (application/problem+json, schema ProblemDetails).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { operationIdFactory: operationId },
  );
  return withApiConventions(document);
}
