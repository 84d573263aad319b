import {
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  NotAcceptableException,
  OnModuleDestroy,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiNotAcceptableResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { LiveStreamSettings } from '@credit/config';
import { CompanyIdParam, Slots } from '../http';
import { LiveEvent, LiveFeed } from './live-feed';

export const LIVE_FEED = Symbol('LIVE_FEED');
export const LIVE_STREAM_SETTINGS = Symbol('LIVE_STREAM_SETTINGS');

/** A comment line keeps proxies and the browser from treating a quiet stream as dead. */
const HEARTBEAT_MS = 15_000;

/** One server-sent event (text/event-stream framing: a JSON data line never holds a newline). */
export const sseFrame = (event: string, data: unknown, id?: string): string =>
  `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** Seconds until the bearer token expires (the guard verified it), or undefined when it has no `exp`. */
export function secondsLeft(authorization: string | undefined, now: Date): number | undefined {
  const token = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp - now.getTime() / 1000 : undefined;
  } catch {
    return undefined;
  }
}

@ApiTags('desk')
@Controller('v1/companies/:companyId/live')
export class LiveController implements OnModuleDestroy {
  private readonly logger = new Logger('LiveStreams');
  /** Each open stream and what stops its timers and subscription. */
  private readonly open = new Map<Response, () => void>();
  /** Open streams per user (token subject). */
  private readonly streams: Slots;

  constructor(
    @Inject(LIVE_FEED) private readonly feed: LiveFeed,
    @Inject(LIVE_STREAM_SETTINGS) private readonly settings: LiveStreamSettings,
  ) {
    this.streams = new Slots(settings.streamsPerUser);
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "Live updates of a company's exposures and holds (server-sent events)",
    description:
      'A text/event-stream of what the engine and the API publish on risk.breaches and risk.blocks for ' +
      'this company, from the moment the stream is ready: first `event: ready` (load the current state ' +
      'over HTTP now), then one `event: change` per output event with `{eventId, type, companyId, ' +
      'customerId, occurredAt, data}`, and a comment line every 15 s. The request must accept ' +
      '`text/event-stream` (406 otherwise). The stream ends when the bearer token expires; clients ' +
      'reconnect with a valid token. The risk desk reads it with fetch(), so the token travels in the ' +
      'Authorization header, never in the URL. A user may hold API_LIVE_STREAMS_PER_USER streams at once ' +
      'per API instance (429 beyond); a stream whose client leaves more than API_LIVE_MAX_BUFFER_BYTES ' +
      'unread is closed (the client reconnects and reloads the state).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'The event stream.' })
  @ApiNotAcceptableResponse({ description: 'The request does not accept text/event-stream.' })
  @ApiServiceUnavailableResponse({ description: 'The live feed cannot reach Kafka.' })
  @ApiTooManyRequestsResponse({ description: 'The user already holds as many streams as allowed.' })
  async live(
    @CompanyIdParam() companyId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('accept') accept: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!/(^|,)\s*(text\/event-stream|text\/\*|\*\/\*)\s*(;|,|$)/i.test(accept ?? '')) {
      throw new NotAcceptableException('this route only produces text/event-stream');
    }
    const giveBack = this.streams.tryTake(principal.subject);
    if (giveBack === null) {
      throw new HttpException(
        `at most ${this.streams.limit} live streams per user at once; close one first`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    try {
      await this.feed.ready();
    } catch {
      giveBack();
      throw new ServiceUnavailableException('live updates are unavailable: Kafka cannot be reached');
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    // A client that stops reading must not make the server hold every event for it: once more
    // than the bound waits unread, it is dropped (its browser reconnects and reloads the state
    // over HTTP). So a stream holds at most the bound plus one event.
    const send = (chunk: string) => {
      if (res.destroyed) return;
      if (res.writableLength > this.settings.maxBufferedBytes) {
        this.logger.warn(
          `closed a live stream of ${principal.subject} (${companyId}): more than ` +
            `${this.settings.maxBufferedBytes} bytes unread (API_LIVE_MAX_BUFFER_BYTES)`,
        );
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = this.feed.subscribe(companyId, (event: LiveEvent) =>
      send(sseFrame('change', event, event.eventId)),
    );
    // Unref'd: an open stream's socket keeps the process alive, its timers alone must not.
    const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS).unref();
    const left = secondsLeft(authorization, new Date());
    const expiry =
      left === undefined
        ? undefined
        : setTimeout(() => res.end(), Math.max(0, Math.min(left, 86_400)) * 1000).unref();
    const stop = () => {
      giveBack();
      unsubscribe();
      clearInterval(heartbeat);
      if (expiry) clearTimeout(expiry);
      this.open.delete(res);
    };
    this.open.set(res, stop);
    res.on('close', stop);
    send(sseFrame('ready', { companyId }));
  }

  /**
   * Open streams would keep the HTTP server from closing; a peer that went away
   * without the socket noticing yet would keep them forever.
   */
  onModuleDestroy(): void {
    for (const [res, stop] of [...this.open]) {
      stop();
      res.end();
      res.destroy();
    }
  }
}
