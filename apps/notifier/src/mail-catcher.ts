import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the loopback SMTP server received it. */
export interface CaughtMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export interface MailCatcher {
  port: number;
  received: CaughtMail[];
  /** Further messages are answered with a temporary failure (451) while down. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps every message it accepts: the
 * demo prints them, the tests read them. No authentication, no TLS: loopback only.
 */
export async function startMailCatcher(
  port = 0,
  onMail: (mail: CaughtMail) => void = () => undefined,
): Promise<MailCatcher> {
  const received: CaughtMail[] = [];
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (down) {
        const error = new Error('mail catcher is down') as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of parsed.headers)
            headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
          const mail: CaughtMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            headers,
          };
          received.push(mail);
          onMail(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  const port = Number(process.env.MAIL_CATCHER_PORT ?? 2525);
  void startMailCatcher(port, (mail) => {
    console.log(`\n[mail] to ${mail.to.join(', ')}: ${mail.subject}\n${mail.text}`);
  }).then((catcher) => console.log(`[mail] loopback SMTP server on smtp://127.0.0.1:${catcher.port}`));
}
