import { isTimeZone } from '../../domain/src/dates';
import { EnvReader, loadEnvironment } from './env';

export interface TopicNames {
  documents: string;
  journalEntries: string;
  billPortfolio: string;
  creditLimits: string;
  customers: string;
  breaches: string;
  blocks: string;
  deadLetter: string;
  /** Outcomes of the notifier's deliveries (notification.delivered, notification.failed). */
  notifications: string;
  /** Collection cases (spec 12): dunning.levelReached, collection.stageChanged, collection.closed, promise.broken. */
  collections: string;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topics: TopicNames;
  partitions: number;
  replicationFactor: number;
}

export interface RedisSettings {
  url: string;
  keyPrefix: string;
  /**
   * `host:port` of some nodes of a Redis Cluster (REDIS_CLUSTER_NODES): when
   * set, the apps use the cluster (the other nodes are discovered) and
   * REDIS_URL is not used. Empty: the one Redis at REDIS_URL.
   */
  clusterNodes: { host: string; port: number }[];
}

export interface PostgresSettings {
  url: string;
}

export type LogLevel = 'error' | 'warn' | 'log' | 'debug';

const LOG_LEVELS: Record<LogLevel, LogLevel[]> = {
  error: ['error'],
  warn: ['error', 'warn'],
  log: ['error', 'warn', 'log'],
  debug: ['error', 'warn', 'log', 'debug'],
};

/** The levels a Nest logger prints for LOG_LEVEL (each level includes the more severe ones). */
export const loggedLevels = (level: LogLevel): LogLevel[] => [...LOG_LEVELS[level]];

export interface CommonSettings {
  kafka: KafkaSettings;
  redis: RedisSettings;
  postgres: PostgresSettings;
  defaultTimeZone: string;
  logLevel: LogLevel;
}

/**
 * What one engine process does: `all` of it, or only the folding (with the
 * outbox relay and the reviews) or only the Postgres projection. Splitting
 * fold and project over two processes keeps the projection's decoding and SQL
 * off the fold's event loop.
 */
export type EngineRole = 'all' | 'fold' | 'project';

export interface EngineSettings extends CommonSettings {
  role: EngineRole;
  groupId: string;
  /** How long the group waits for a silent member before giving its partitions to others. */
  sessionTimeoutMs: number;
  /** Where the health, metrics (and no other) routes listen: ENGINE_HEALTH_HOST, ENGINE_HEALTH_PORT. */
  healthHost: string;
  healthPort: number;
  maxEventBytes: number;
  /** Customer records kept in memory between batches (0 turns the cache off). */
  stateCacheSize: number;
  /**
   * Spec 4.1: how long applied eventIds are remembered, how long a document stays quiet before it may be
   * archived, and how long its tombstone lives; events older than their stream's latest minus this are
   * presumed re-sends. Counted on occurredAt, never the wall clock.
   */
  dedupWindowDays: number;
  /**
   * How long a final document stays live after its last change before it is archived (spec 4.1): within it a
   * late change (a reversal, a cancellation) still applies; after it, it is dead-lettered (DOCUMENT_ARCHIVED).
   * Shorter keeps less state per customer.
   */
  archiveQuietDays: number;
  /** How much one fetch may bring per partition: a backlog is folded in large batches, so each customer is written once per many events. */
  fetchBytesPerPartition: number;
  /**
   * Batches folded at once (default: KAFKA_TOPIC_PARTITIONS). Batches of
   * different partitions fold side by side; the topics of one partition, in
   * turn, so they never conflict on a customer.
   */
  partitionsConcurrently: number;
  /**
   * Scheduling niceness of a project-only process (ENGINE_ROLE=project): the
   * projection yields the cores to the fold, the live path, when both are busy.
   */
  projectorNice: number;
  reviewIntervalMs: number;
  /** Business dates are computed from now + this many days: lets a demo or a test move time. */
  clockOffsetDays: number;
  /**
   * ENGINE_ACCEPT_TRUNCATED_TOPICS: start even when an input topic deletes or
   * compacts history (a rebuild of the state would then be partial). Off: the
   * engine refuses to start, naming the topic and the setting.
   */
  acceptTruncatedTopics: boolean;
}

export interface RateLimitSettings {
  /** Requests one client (IP address) may make per window; more are answered 429. */
  limit: number;
  windowMs: number;
}

/**
 * What an access token must carry beyond a valid HS256 signature (libs/auth
 * jwt.ts): the issuer and audience, when set, and the longest lifetime.
 */
export interface TokenPolicySettings {
  /** AUTH_JWT_ISSUER: `iss` must equal it; unset = not checked. */
  issuer?: string;
  /** AUTH_JWT_AUDIENCE: `aud` must be or contain it; unset = not checked. */
  audience?: string;
  /** AUTH_JWT_MAX_TTL: longest `exp - iat`, in seconds. */
  maxTtlSeconds: number;
}

/** CSV exports: each holds a connection of their own small pool while it streams. */
export interface ExportSettings {
  /** Exports streaming at once per API instance (the size of their pool); more are answered 503. */
  concurrency: number;
  /** An export still streaming after this long is ended (the client sees a cut transfer). */
  timeoutMs: number;
}

/** The desk's live streams (server-sent events). */
export interface LiveStreamSettings {
  /** Open streams one user (token subject) may hold per API instance; more are answered 429. */
  streamsPerUser: number;
  /** A stream whose client has left this many bytes unread is closed (it reconnects and reloads). */
  maxBufferedBytes: number;
}

export interface ApiSettings extends CommonSettings {
  /** API_HOST: the interface to listen on; unset = every interface. */
  host?: string;
  port: number;
  jwtSecret: string;
  tokenPolicy: TokenPolicySettings;
  runMigrations: boolean;
  /** Largest JSON request body accepted; a larger one is answered 413. */
  maxBodyBytes: number;
  rateLimit: RateLimitSettings;
  /** Decoded customer records kept for credit checks, each used only while it is the stored version. */
  stateCacheSize: number;
  exports: ExportSettings;
  live: LiveStreamSettings;
  deadLetters: DeadLetterIntakeSettings;
}

/**
 * The API's projection of the dead-letter topic into Postgres (dead_letter),
 * which the operator tooling lists and re-drives. The instances share one
 * consumer group, so each dead letter is recorded by one of them (and again,
 * harmlessly, after a rebalance).
 */
export interface DeadLetterIntakeSettings {
  /** API_DEAD_LETTER_INTAKE: false leaves the projection to another instance or process. */
  enabled: boolean;
  groupId: string;
}

export type AlertLanguage = 'it' | 'en';

export interface NotifierSettings extends CommonSettings {
  groupId: string;
  /** How long the group waits for a silent notifier before giving its partitions to another. */
  sessionTimeoutMs: number;
  /** The output topics whose events subscriptions may ask for (later sections add topics here, by configuration). */
  sourceTopics: string[];
  /** Where the health routes listen: NOTIFIER_HEALTH_HOST, NOTIFIER_HEALTH_PORT. */
  healthHost: string;
  healthPort: number;
  smtpUrl: string;
  from: string;
  /** Base URL of the risk desk, for the link to the customer's page in every message. */
  deskBaseUrl: string;
  /** Language of e-mails when the company has none in `companyLanguages`. */
  language: AlertLanguage;
  companyLanguages: Record<string, AlertLanguage>;
  /** First retry after this long; each later one waits twice as long, up to `retryMaxDelayMs`. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** How long a delivery is retried before it is marked failed (default 24 h). */
  retryPeriodMs: number;
  /** How long one webhook call or SMTP session may take. */
  sendTimeoutMs: number;
  /** How often due deliveries and digests are looked for when nothing wakes the dispatcher. */
  pollIntervalMs: number;
  /** Deliveries sent at once. */
  concurrency: number;
  /** Business dates are computed from now + this many days (as the engine's CLOCK_OFFSET_DAYS). */
  clockOffsetDays: number;
}

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
/** A host name, an IPv4 address or an IPv6 address (without brackets). */
const HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|[0-9A-Fa-f:.]{2,45})$/;
const HOST_RULE = 'must be a host name or an IP address';
const TOPIC_RULE = 'must be a Kafka topic name (letters, digits, . _ -)';

function readCommon(env: EnvReader): CommonSettings {
  const topic = (name: string, fallback: string) => env.string(name, fallback, TOPIC, TOPIC_RULE);
  const defaultTimeZone = env.string('DEFAULT_TIME_ZONE', 'Europe/Rome');
  if (!isTimeZone(defaultTimeZone))
    env.problems.push(`DEFAULT_TIME_ZONE must be an IANA time zone (got "${defaultTimeZone}")`);
  return {
    kafka: {
      brokers: env.list('KAFKA_BROKERS', '127.0.0.1:9092', /^[^\s:]+:\d{1,5}$/, 'must be host:port'),
      clientId: env.string(
        'KAFKA_CLIENT_ID',
        'credit-exposure',
        /^[A-Za-z0-9._-]{1,64}$/,
        'must be 1-64 letters, digits, . _ -',
      ),
      partitions: env.int('KAFKA_TOPIC_PARTITIONS', 3, 1, 1000),
      replicationFactor: env.int('KAFKA_REPLICATION_FACTOR', 1, 1, 10),
      topics: {
        documents: topic('TOPIC_DOCUMENTS', 'erp.documents'),
        journalEntries: topic('TOPIC_JOURNAL_ENTRIES', 'erp.journal-entries'),
        billPortfolio: topic('TOPIC_BILL_PORTFOLIO', 'erp.bill-portfolio'),
        creditLimits: topic('TOPIC_CREDIT_LIMITS', 'risk.credit-limits'),
        customers: topic('TOPIC_CUSTOMERS', 'erp.customers'),
        breaches: topic('TOPIC_BREACHES', 'risk.breaches'),
        blocks: topic('TOPIC_BLOCKS', 'risk.blocks'),
        deadLetter: topic('TOPIC_DEAD_LETTER', 'risk.dead-letter'),
        notifications: topic('TOPIC_NOTIFICATIONS', 'risk.notifications'),
        collections: topic('TOPIC_COLLECTIONS', 'risk.collections'),
      },
    },
    redis: {
      url: env.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
      keyPrefix: env.string(
        'REDIS_KEY_PREFIX',
        'ce:',
        /^[A-Za-z0-9:_.-]{1,64}$/,
        'must be 1-64 letters, digits, : _ . -',
      ),
      clusterNodes: env
        .list('REDIS_CLUSTER_NODES', '', /^[^\s:]+:\d{1,5}$/, 'must be host:port', true)
        .map((node) => {
          const at = node.lastIndexOf(':');
          return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
        }),
    },
    postgres: {
      url: env.url('POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/credit_exposure', [
        'postgres:',
        'postgresql:',
      ]),
    },
    defaultTimeZone,
    logLevel: env.oneOf('LOG_LEVEL', 'log', ['error', 'warn', 'log', 'debug'] as const),
  };
}

/** Only what every process shares (Kafka, Redis, Postgres): for operator tools such as `npm run dlq`. */
export function commonSettings(source = loadEnvironment()): CommonSettings {
  const env = new EnvReader(source);
  const settings = readCommon(env);
  env.done();
  return settings;
}

export function engineSettings(source = loadEnvironment()): EngineSettings {
  const env = new EnvReader(source);
  const common = readCommon(env);
  const settings: EngineSettings = {
    ...common,
    role: env.oneOf('ENGINE_ROLE', 'all', ['all', 'fold', 'project'] as const),
    groupId: env.string(
      'ENGINE_GROUP_ID',
      'exposure-engine',
      /^[A-Za-z0-9._-]{1,128}$/,
      'must be a consumer group id',
    ),
    sessionTimeoutMs: env.int('ENGINE_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    healthHost: env.string('ENGINE_HEALTH_HOST', '127.0.0.1', HOST, HOST_RULE),
    healthPort: env.int('ENGINE_HEALTH_PORT', 3001, 0, 65535),
    maxEventBytes: env.int('MAX_EVENT_BYTES', 1_048_576, 1024, 16_777_216),
    stateCacheSize: env.int('ENGINE_STATE_CACHE_SIZE', 100_000, 0, 10_000_000),
    dedupWindowDays: env.int('ENGINE_DEDUP_WINDOW_DAYS', 35, 1, 3650),
    archiveQuietDays: env.int('ENGINE_ARCHIVE_QUIET_DAYS', 35, 0, 3650),
    // One batch per input partition at once: the topics of one partition fold in turn (FoldService).
    partitionsConcurrently: env.int(
      'ENGINE_PARTITIONS_CONCURRENTLY',
      Math.min(common.kafka.partitions, 64),
      1,
      64,
    ),
    projectorNice: env.int('ENGINE_PROJECTOR_NICE', 10, 0, 19),
    fetchBytesPerPartition: env.int('ENGINE_FETCH_BYTES_PER_PARTITION', 8_388_608, 65_536, 104_857_600),
    reviewIntervalMs: env.int('ENGINE_REVIEW_INTERVAL_MS', 60_000, 100, 86_400_000),
    clockOffsetDays: env.int('CLOCK_OFFSET_DAYS', 0, -36500, 36500),
    acceptTruncatedTopics:
      env.oneOf('ENGINE_ACCEPT_TRUNCATED_TOPICS', 'false', ['true', 'false'] as const) === 'true',
  };
  env.done();
  return settings;
}

const TOKEN_PARTY = /^[\x21-\x7E]{1,256}$/;
const TOKEN_PARTY_RULE = 'must be 1 to 256 printable ASCII characters without spaces';

function readTokenPolicy(env: EnvReader): TokenPolicySettings {
  return {
    issuer: env.optional('AUTH_JWT_ISSUER', TOKEN_PARTY, TOKEN_PARTY_RULE),
    audience: env.optional('AUTH_JWT_AUDIENCE', TOKEN_PARTY, TOKEN_PARTY_RULE),
    maxTtlSeconds: env.duration('AUTH_JWT_MAX_TTL', 86_400, 60, 31_536_000),
  };
}

/** The token policy alone, for the token minter (`npm run token`). */
export function tokenPolicySettings(source = loadEnvironment()): TokenPolicySettings {
  const env = new EnvReader(source);
  const settings = readTokenPolicy(env);
  env.done();
  return settings;
}

export function apiSettings(source = loadEnvironment()): ApiSettings {
  const env = new EnvReader(source);
  const settings: ApiSettings = {
    ...readCommon(env),
    host: env.optional('API_HOST', HOST, HOST_RULE),
    port: env.int('API_PORT', 3000, 0, 65535),
    jwtSecret: env.secret('AUTH_JWT_SECRET', 32),
    tokenPolicy: readTokenPolicy(env),
    runMigrations: env.oneOf('API_RUN_MIGRATIONS', 'true', ['true', 'false'] as const) === 'true',
    maxBodyBytes: env.int('API_MAX_BODY_BYTES', 102_400, 1024, 10_485_760),
    rateLimit: {
      limit: env.int('API_RATE_LIMIT', 1200, 1, 10_000_000),
      windowMs: env.int('API_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
    },
    stateCacheSize: env.int('API_STATE_CACHE_SIZE', 10_000, 0, 1_000_000),
    exports: {
      concurrency: env.int('API_EXPORT_CONCURRENCY', 2, 1, 50),
      timeoutMs: env.int('API_EXPORT_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    },
    live: {
      streamsPerUser: env.int('API_LIVE_STREAMS_PER_USER', 5, 1, 1000),
      maxBufferedBytes: env.int('API_LIVE_MAX_BUFFER_BYTES', 1_048_576, 16_384, 67_108_864),
    },
    deadLetters: {
      enabled: env.oneOf('API_DEAD_LETTER_INTAKE', 'true', ['true', 'false'] as const) === 'true',
      groupId: env.string(
        'API_DEAD_LETTER_GROUP_ID',
        'risk-api-dead-letters',
        /^[A-Za-z0-9._-]{1,128}$/,
        'must be a consumer group id',
      ),
    },
  };
  env.done();
  return settings;
}

const LANGUAGES = ['it', 'en'] as const;

export function notifierSettings(source = loadEnvironment()): NotifierSettings {
  const env = new EnvReader(source);
  const common = readCommon(env);
  const companyLanguages = Object.fromEntries(
    env
      .string(
        'NOTIFIER_COMPANY_LANGUAGES',
        '',
        /^$|^[A-Za-z0-9_-]{1,32}=(it|en)(,[A-Za-z0-9_-]{1,32}=(it|en))*$/,
        'must list <companyId>=it or <companyId>=en, comma-separated',
      )
      .split(',')
      .filter((entry) => /^[A-Za-z0-9_-]{1,32}=(it|en)$/.test(entry))
      .map((entry) => entry.split('=') as [string, AlertLanguage]),
  );
  const settings: NotifierSettings = {
    ...common,
    groupId: env.string(
      'NOTIFIER_GROUP_ID',
      'notifier',
      /^[A-Za-z0-9._-]{1,128}$/,
      'must be a consumer group id',
    ),
    sessionTimeoutMs: env.int('NOTIFIER_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    sourceTopics: env.list(
      'NOTIFIER_SOURCE_TOPICS',
      `${common.kafka.topics.breaches},${common.kafka.topics.blocks},${common.kafka.topics.collections}`,
      TOPIC,
      TOPIC_RULE,
    ),
    healthHost: env.string('NOTIFIER_HEALTH_HOST', '127.0.0.1', HOST, HOST_RULE),
    healthPort: env.int('NOTIFIER_HEALTH_PORT', 3003, 0, 65535),
    smtpUrl: env.url('NOTIFIER_SMTP_URL', 'smtp://127.0.0.1:2525', ['smtp:', 'smtps:']),
    from: env.string(
      'NOTIFIER_FROM',
      'credit-desk@localhost',
      /^[^\s@<>]+@[^\s@<>]+$/,
      'must be an e-mail address',
    ),
    deskBaseUrl: env.url('NOTIFIER_DESK_BASE_URL', 'http://127.0.0.1:3000/desk/', ['http:', 'https:']),
    language: env.oneOf('NOTIFIER_LANGUAGE', 'it', LANGUAGES),
    companyLanguages,
    retryInitialDelayMs: env.int('NOTIFIER_RETRY_INITIAL_DELAY_MS', 30_000, 10, 86_400_000),
    retryMaxDelayMs: env.int('NOTIFIER_RETRY_MAX_DELAY_MS', 3_600_000, 10, 86_400_000),
    retryPeriodMs: env.int('NOTIFIER_RETRY_PERIOD_MS', 86_400_000, 100, 30 * 86_400_000),
    sendTimeoutMs: env.int('NOTIFIER_SEND_TIMEOUT_MS', 10_000, 100, 300_000),
    pollIntervalMs: env.int('NOTIFIER_POLL_INTERVAL_MS', 1_000, 10, 600_000),
    concurrency: env.int('NOTIFIER_CONCURRENCY', 8, 1, 256),
    clockOffsetDays: env.int('CLOCK_OFFSET_DAYS', 0, -36500, 36500),
  };
  env.done();
  return settings;
}
