import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { deskStatic } from './desk-static';
import { liveEventOf } from './live-feed';
import { secondsLeft, sseFrame } from './live.controller';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('desk live route helpers', () => {
  it('keeps well-formed events only, with their data', () => {
    const event = {
      eventId: 'e1',
      type: 'exposure.statusChanged',
      companyId: 'IT01',
      customerId: 'C1',
      occurredAt: '2026-03-01T10:00:00.000Z',
      sequence: 3,
      data: { to: 'EXCEEDED' },
    };
    expect(liveEventOf(Buffer.from(JSON.stringify(event)))).toEqual({
      eventId: 'e1',
      type: 'exposure.statusChanged',
      companyId: 'IT01',
      customerId: 'C1',
      occurredAt: '2026-03-01T10:00:00.000Z',
      data: { to: 'EXCEEDED' },
    });
    expect(liveEventOf(null)).toBeNull();
    expect(liveEventOf(Buffer.from('not json'))).toBeNull();
    expect(liveEventOf(Buffer.from(JSON.stringify({ ...event, companyId: 7 })))).toBeNull();
  });

  it('frames one event per block, data on one line', () => {
    expect(sseFrame('change', { a: 'x\ny' }, 'id-1')).toBe(
      'id: id-1\nevent: change\ndata: {"a":"x\\ny"}\n\n',
    );
    expect(sseFrame('ready', {})).toBe('event: ready\ndata: {}\n\n');
  });

  it('reads how long the bearer token has left from its exp', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const token = `h.${base64url({ exp: now.getTime() / 1000 + 90 })}.s`;
    expect(secondsLeft(`Bearer ${token}`, now)).toBe(90);
    expect(secondsLeft(`Bearer h.${base64url({ sub: 'x' })}.s`, now)).toBeUndefined();
    expect(secondsLeft(undefined, now)).toBeUndefined();
    expect(secondsLeft('Bearer garbage', now)).toBeUndefined();
  });
});

describe('desk static files', () => {
  const app = (directory: string | undefined) => express().use(deskStatic(directory));

  it('serves the built desk with a same-origin policy, fresh index and long-cached assets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>desk</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await request(app(dir)).get('/desk').expect(301).expect('Location', '/desk/');
    const index = await request(app(dir)).get('/desk/').expect(200);
    expect(index.text).toContain('<title>desk</title>');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await request(app(dir)).get('/desk/assets/index-abc.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    await request(app(dir)).get('/desk/../package.json').expect(404);
  });

  it('answers 404 with what to do when the desk is not built', async () => {
    const response = await request(app(undefined)).get('/desk/').expect(404);
    expect(response.body.message).toBe('the risk desk is not built: run npm run build');
  });
});
