import { createHmac } from 'node:crypto';
import { createTransport, Transporter } from 'nodemailer';
import type { EmailMessage } from './messages';

/** The header value that signs a webhook body: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const webhookSignature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** Why a send did not succeed, short enough for the attempt row and the outcome event. */
export class SendError extends Error {}

/**
 * POSTs the body to the URL with the event id and the signature; a 2xx answer
 * means delivered, anything else (or no answer within the timeout) throws.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: { eventId: string; secret: string },
  timeoutMs: number,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'credit-exposure-notifier',
        'x-credit-event-id': headers.eventId,
        'x-credit-signature': webhookSignature(headers.secret, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new SendError(`POST ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299)
    throw new SendError(`POST ${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  return `HTTP ${response.status}`;
}

/** E-mail over SMTP (NOTIFIER_SMTP_URL); one pooled connection set, reused across sends. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    const url = new URL(smtpUrl);
    this.transport = createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      pool: true,
      maxConnections: 4,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // A loopback or internal relay often has no certificate for its name; STARTTLS is used when offered.
      tls: { rejectUnauthorized: url.searchParams.get('tlsVerify') !== 'false' },
    });
  }

  /** Resolves with the server's answer once it accepted the message for the recipient. */
  async send(to: string, message: EmailMessage, headers: Record<string, string>): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to,
        subject: message.subject,
        text: message.text,
        headers,
      });
      const rejected = info.rejected ?? [];
      if (rejected.length > 0) throw new Error(`rejected ${rejected.join(', ')}`);
      return `SMTP ${info.response}`;
    } catch (error) {
      throw new SendError(`SMTP to ${to} failed: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
