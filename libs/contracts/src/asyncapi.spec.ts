import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { ASYNCAPI_PATH, buildAsyncApiDocument, renderAsyncApiDocument } from './asyncapi';
import { decodeInputEvent } from './decode';
import { customerKey } from './customer-key';
import { validateOutputEvent } from './outputs';
import {
  DEFAULT_TOPICS,
  INPUT_EVENT_TYPES,
  INPUT_STREAMS,
  InputStream,
  JsonSchema,
  NOTIFICATION_EVENT_TYPES,
  NotificationEventType,
  OUTPUT_EVENT_TYPES,
  STREAM_EVENT_TYPES,
  createAjv,
  notificationValidator,
} from './schemas';

const FILE = resolve(__dirname, '../../..', ASYNCAPI_PATH);

type Json = Record<string, unknown>;
interface Message {
  name: string;
  payload: JsonSchema;
  headers?: JsonSchema;
  examples: { name: string; payload: unknown; headers?: Json }[];
}

const doc = buildAsyncApiDocument() as {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, Message> };
};
const messages = Object.entries(doc.components.messages);

/** Resolves a local `#/a/b` reference in the document. */
const resolveRef = (ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json)[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

const streamOf = (type: string): InputStream | undefined =>
  INPUT_STREAMS.find((s) => (STREAM_EVENT_TYPES[s] as readonly string[]).includes(type));

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The first path (from the data down) to a money string in an example. */
function firstMoneyPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstMoneyPath(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && ['amount', 'total', 'overdueAmount'].includes(k)) return [...path, k];
      const found = firstMoneyPath(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

function setAt(target: unknown, path: (string | number)[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Json)[key], target) as Json;
  parent[path[path.length - 1]] = value;
}

describe('docs/asyncapi.json', () => {
  it('is the committed output of buildAsyncApiDocument() (the contract cannot drift from the validator)', () => {
    if (process.env.UPDATE_ASYNCAPI === '1') writeFileSync(FILE, renderAsyncApiDocument());
    const committed = JSON.parse(readFileSync(FILE, 'utf8'));
    // Regenerate with: UPDATE_ASYNCAPI=1 npx jest libs/contracts/src/asyncapi --selectProjects unit
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
  });

  it('is a valid AsyncAPI document for the reference parser (@asyncapi/parser): no error diagnostic', async () => {
    const diagnostics = await new Parser().validate(readFileSync(FILE, 'utf8'));
    const errors = diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
  });

  it('is an AsyncAPI 3.0 document with the 9 default topics, a message per event type and a described key', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(Object.values(DEFAULT_TOPICS).sort());
    expect(Object.keys(doc.components.messages).sort()).toEqual(
      [...INPUT_EVENT_TYPES, ...OUTPUT_EVENT_TYPES, ...NOTIFICATION_EVENT_TYPES, 'input.rejected'].sort(),
    );
    for (const [name, message] of messages) {
      expect((message as unknown as Json).bindings).toMatchObject({ kafka: { key: { type: 'string' } } });
      expect(message.examples.length).toBeGreaterThan(0);
      expect(name).toBe(message.name);
    }
    // every reference resolves; operations only point at messages of their own channel
    for (const channel of Object.values(doc.channels)) {
      for (const ref of Object.values(channel.messages)) expect(resolveRef(ref.$ref)).toBeDefined();
    }
    for (const operation of Object.values(doc.operations)) {
      expect(resolveRef(operation.channel.$ref)).toBeDefined();
      for (const ref of operation.messages) {
        expect(ref.$ref.startsWith(`${operation.channel.$ref}/messages/`)).toBe(true);
        expect(resolveRef(ref.$ref)).toBeDefined();
      }
    }
  });

  describe.each(messages.map(([name, message]) => [name, message]))('message %s', (name, message) => {
    const ajv = createAjv();
    const payloadValidator = ajv.compile(message.payload);
    const headersValidator = message.headers ? ajv.compile(message.headers) : undefined;
    const stream = streamOf(name);

    /** The contract's own validator for this kind of message. */
    const accepts = (payload: unknown, headers?: Json): boolean => {
      if (headersValidator && !headersValidator(headers)) return false;
      if (!payloadValidator(payload)) return false;
      if (stream) {
        const envelope = payload as Json;
        const key = Buffer.from(customerKey(String(envelope.companyId), String(envelope.customerId)));
        return decodeInputEvent(stream, key, Buffer.from(JSON.stringify(payload))).ok;
      }
      if ((OUTPUT_EVENT_TYPES as readonly string[]).includes(name)) return validateOutputEvent(payload).ok;
      if ((NOTIFICATION_EVENT_TYPES as readonly string[]).includes(name))
        return notificationValidator(name as NotificationEventType)(payload);
      return true;
    };

    it('accepts every example', () => {
      for (const example of message.examples) expect(accepts(example.payload, example.headers)).toBe(true);
    });

    it('rejects each example with a required field removed', () => {
      for (const example of message.examples) {
        const mutated = clone(example);
        if (mutated.headers) {
          const required = (message.headers!.required as string[])[0];
          delete mutated.headers[required];
        } else {
          const payload = mutated.payload as Json;
          const dataRequired = ((message.payload.properties as Json).data as JsonSchema).required as string[];
          if (dataRequired.length > 0) delete (payload.data as Json)[dataRequired[0]];
          else delete payload.eventId;
        }
        expect(accepts(mutated.payload, mutated.headers)).toBe(false);
      }
    });

    const withMoney = message.examples.filter((e) => firstMoneyPath((e.payload as Json)?.data) !== undefined);
    if (withMoney.length > 0) {
      it('rejects each example with a money field as a JSON number', () => {
        for (const example of withMoney) {
          const mutated = clone(example.payload) as Json;
          const path = ['data', ...firstMoneyPath(mutated.data)!];
          const money = path.reduce<unknown>((node, key) => (node as Json)[key], mutated) as string;
          setAt(mutated, path, Number(money));
          expect(accepts(mutated, example.headers)).toBe(false);
        }
      });
    }
  });

  it('has money in the examples of every event type that carries money', () => {
    const withMoney = messages.filter(([, m]) =>
      m.examples.some((e) => firstMoneyPath((e.payload as Json)?.data)),
    );
    expect(withMoney.map(([name]) => name).sort()).toEqual(
      [
        'order.confirmed',
        'delivery.issued',
        'invoice.issued',
        'document.checkRequested',
        'journal.posted',
        'bill.issued',
        'creditLimit.set',
        'exposure.statusChanged',
        'overdue.changed',
        'document.allowed',
        'document.warned',
        'document.held',
        'document.released',
        'document.rejected',
        'collectionAction.recorded',
        'dunning.levelReached',
        'promise.broken',
      ].sort(),
    );
  });
});
