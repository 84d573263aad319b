import { apiSettings, engineSettings, notifierSettings, tokenPolicySettings } from './config';
import { ConfigError } from './env';

const SECRET = 'x'.repeat(32);

describe('settings', () => {
  it('uses the local defaults when nothing is set', () => {
    const s = engineSettings({});
    expect(s.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(s.kafka.topics.documents).toBe('erp.documents');
    expect(s.kafka.topics.deadLetter).toBe('risk.dead-letter');
    expect(s.redis.url).toBe('redis://127.0.0.1:6379');
    expect(s.defaultTimeZone).toBe('Europe/Rome');
  });

  it('lets the environment override every default', () => {
    const s = apiSettings({
      AUTH_JWT_SECRET: SECRET,
      KAFKA_BROKERS: 'k1:9092,k2:9093',
      API_PORT: '8080',
      TOPIC_BLOCKS: 'x.blocks',
    });
    expect(s.kafka.brokers).toEqual(['k1:9092', 'k2:9093']);
    expect(s.port).toBe(8080);
    expect(s.kafka.topics.blocks).toBe('x.blocks');
  });

  it('keeps the state in one Redis unless REDIS_CLUSTER_NODES names nodes of a Redis Cluster', () => {
    expect(engineSettings({}).redis.clusterNodes).toEqual([]);
    expect(
      apiSettings({ AUTH_JWT_SECRET: SECRET, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).redis
        .clusterNodes,
    ).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(() => notifierSettings({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(
      /REDIS_CLUSTER_NODES: "10.0.0.1" must be host:port/,
    );
  });

  it('folds one batch per input partition at once unless told otherwise', () => {
    expect(engineSettings({}).partitionsConcurrently).toBe(3);
    expect(engineSettings({ KAFKA_TOPIC_PARTITIONS: '12' }).partitionsConcurrently).toBe(12);
    expect(engineSettings({ KAFKA_TOPIC_PARTITIONS: '200' }).partitionsConcurrently).toBe(64);
    expect(
      engineSettings({ KAFKA_TOPIC_PARTITIONS: '12', ENGINE_PARTITIONS_CONCURRENTLY: '1' })
        .partitionsConcurrently,
    ).toBe(1);
  });

  it('lets each process say where its health routes listen', () => {
    expect(engineSettings({}).healthHost).toBe('127.0.0.1');
    expect(engineSettings({ ENGINE_HEALTH_HOST: '0.0.0.0', ENGINE_HEALTH_PORT: '9001' })).toMatchObject({
      healthHost: '0.0.0.0',
      healthPort: 9001,
    });
    expect(notifierSettings({ NOTIFIER_HEALTH_HOST: 'notifier.local' }).healthHost).toBe('notifier.local');
    expect(apiSettings({ AUTH_JWT_SECRET: SECRET }).host).toBeUndefined();
    expect(apiSettings({ AUTH_JWT_SECRET: SECRET, API_HOST: '::1' }).host).toBe('::1');
    expect(() => engineSettings({ ENGINE_HEALTH_HOST: 'http://x/' })).toThrow(
      /ENGINE_HEALTH_HOST must be a host name or an IP address/,
    );
  });

  it('projects the dead-letter topic from the API unless told not to', () => {
    expect(apiSettings({ AUTH_JWT_SECRET: SECRET }).deadLetters).toEqual({
      enabled: true,
      groupId: 'risk-api-dead-letters',
    });
    expect(
      apiSettings({ AUTH_JWT_SECRET: SECRET, API_DEAD_LETTER_INTAKE: 'false' }).deadLetters.enabled,
    ).toBe(false);
  });

  it('names every wrong setting at once', () => {
    try {
      apiSettings({
        API_PORT: 'eighty',
        KAFKA_BROKERS: 'nohostport',
        DEFAULT_TIME_ZONE: 'Mars/Base',
        REDIS_URL: 'http://x',
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['AUTH_JWT_SECRET', 'API_PORT', 'KAFKA_BROKERS', 'DEFAULT_TIME_ZONE', 'REDIS_URL']) {
        expect(message).toContain(name);
      }
    }
  });

  it("lowers a projector's priority by default, within the kernel's niceness range", () => {
    expect(engineSettings({}).projectorNice).toBe(10);
    expect(engineSettings({ ENGINE_PROJECTOR_NICE: '0' }).projectorNice).toBe(0);
    expect(() => engineSettings({ ENGINE_PROJECTOR_NICE: '20' })).toThrow(/ENGINE_PROJECTOR_NICE/);
  });

  it('reads the token policy: issuer and audience optional, a maximum lifetime of 24 h by default', () => {
    expect(apiSettings({ AUTH_JWT_SECRET: SECRET }).tokenPolicy).toEqual({
      issuer: undefined,
      audience: undefined,
      maxTtlSeconds: 86_400,
    });
    expect(
      apiSettings({
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWT_ISSUER: 'https://idp.example/realms/erp',
        AUTH_JWT_AUDIENCE: 'credit-risk',
        AUTH_JWT_MAX_TTL: '8h',
      }).tokenPolicy,
    ).toEqual({ issuer: 'https://idp.example/realms/erp', audience: 'credit-risk', maxTtlSeconds: 28_800 });
    expect(tokenPolicySettings({ AUTH_JWT_MAX_TTL: '900' }).maxTtlSeconds).toBe(900);
  });

  it('names a wrong token policy setting', () => {
    expect(() => apiSettings({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_MAX_TTL: '10' })).toThrow(
      /AUTH_JWT_MAX_TTL must be a duration from 60 s to 31536000 s/,
    );
    expect(() => apiSettings({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_MAX_TTL: '1y' })).toThrow(
      /AUTH_JWT_MAX_TTL/,
    );
    expect(() => apiSettings({ AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'has space' })).toThrow(
      /AUTH_JWT_ISSUER must be 1 to 256 printable ASCII characters/,
    );
    expect(() => tokenPolicySettings({ AUTH_JWT_AUDIENCE: 'a\u0001' })).toThrow(/AUTH_JWT_AUDIENCE/);
  });

  it('bounds exports and live streams by default, and validates the bounds', () => {
    const s = apiSettings({ AUTH_JWT_SECRET: SECRET });
    expect(s.exports).toEqual({ concurrency: 2, timeoutMs: 120_000 });
    expect(s.live).toEqual({ streamsPerUser: 5, maxBufferedBytes: 1_048_576 });
    for (const [name, value] of [
      ['API_EXPORT_CONCURRENCY', '0'],
      ['API_EXPORT_TIMEOUT_MS', '10'],
      ['API_LIVE_STREAMS_PER_USER', 'many'],
      ['API_LIVE_MAX_BUFFER_BYTES', '100'],
    ]) {
      expect(() => apiSettings({ AUTH_JWT_SECRET: SECRET, [name]: value })).toThrow(new RegExp(name));
    }
  });

  it('rejects a short JWT secret', () => {
    expect(() => apiSettings({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET must be at least 32/);
  });

  it("reads the notifier's settings: sources from the output topics, languages per company", () => {
    const s = notifierSettings({
      TOPIC_BREACHES: 'x.breaches',
      NOTIFIER_COMPANY_LANGUAGES: 'IT01=it,DE01=en',
    });
    expect(s.sourceTopics).toEqual(['x.breaches', 'risk.blocks', 'risk.collections']);
    expect(s.kafka.topics.notifications).toBe('risk.notifications');
    expect(s.kafka.topics.collections).toBe('risk.collections');
    expect(s.companyLanguages).toEqual({ IT01: 'it', DE01: 'en' });
    expect(s.language).toBe('it');
    expect(s.retryPeriodMs).toBe(86_400_000);
    expect(
      notifierSettings({ NOTIFIER_SOURCE_TOPICS: 'risk.breaches,risk.collections' }).sourceTopics,
    ).toEqual(['risk.breaches', 'risk.collections']);
  });

  it('names every wrong notifier setting at once', () => {
    let message = '';
    try {
      notifierSettings({
        NOTIFIER_SMTP_URL: 'http://mail',
        NOTIFIER_FROM: 'nobody',
        NOTIFIER_LANGUAGE: 'fr',
        NOTIFIER_COMPANY_LANGUAGES: 'IT01=de',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as ConfigError).message;
    }
    for (const name of [
      'NOTIFIER_SMTP_URL',
      'NOTIFIER_FROM',
      'NOTIFIER_LANGUAGE',
      'NOTIFIER_COMPANY_LANGUAGES',
    ])
      expect(message).toContain(name);
  });
});
