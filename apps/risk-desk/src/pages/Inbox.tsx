import { useCallback, useEffect, useRef, useState } from 'react';
import { Api, ApiError, InboxItem, InboxPage } from '../api';
import { formatAmount, formatInstant, Locale } from '../format';
import { LabelKey, LABELS, Translate, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorNote } from '../ui';

/** How often the unread count is read again (the inbox has no live stream of its own). */
const UNREAD_POLL_MS = 20_000;

const label = (t: Translate, key: unknown) =>
  typeof key === 'string' && key in LABELS.en ? t(key as LabelKey) : String(key ?? '—');

/**
 * An entry in words: the customer and the kind of event as its subject, the
 * figures of the event it carries (docs/events.md) as its body.
 */
export function inboxText(item: InboxItem, t: Translate, locale: Locale): { subject: string; body: string } {
  const who = [item.customerId, item.customerName].filter(Boolean).join(' ') || item.companyId;
  const subject = `${who}: ${label(t, item.eventType)}`;
  const event = item.event;
  if (event === null) return { subject, body: t('inboxDigest') };
  const d = event.data;
  const money = (value: unknown) => formatAmount(typeof value === 'string' ? value : null, locale);
  const reasons = Array.isArray(d.reasons ?? d.previousReasons)
    ? t('inboxReasons', {
        reasons: ((d.reasons ?? d.previousReasons) as unknown[]).map((r) => label(t, r)).join(', '),
      })
    : '';
  if (event.type === 'exposure.statusChanged') {
    const body = t('inboxStatusChanged', {
      to: label(t, d.to),
      from: label(t, d.from),
      total: money(d.total),
      limit: money(d.limit),
    });
    return { subject, body };
  }
  if (event.type === 'overdue.changed') {
    return {
      subject,
      body: t('inboxOverdue', { amount: money(d.overdueAmount), days: String(d.oldestOverdueDays ?? '—') }),
    };
  }
  if (event.type.startsWith('document.')) {
    const body = t('inboxDocument', {
      documentId: String(d.documentId ?? '—'),
      amount: money(d.amount),
      after: money(d.exposureAfter),
      limit: money(d.limit),
    });
    return { subject, body: [body, reasons].filter(Boolean).join(' ') };
  }
  return { subject, body: reasons };
}

/**
 * The signed-in user's unread notifications (GET /v1/me/inbox?unread=true),
 * read at start, every UNREAD_POLL_MS, on every live event of the company
 * (a breach may have just put one in the inbox) and when `refresh` is called.
 * null while unknown or when the API has no inbox.
 */
export function useUnreadCount(api: Api): { unread: number | null; refresh: () => void } {
  const [unread, setUnread] = useState<number | null>(null);
  const load = useCallback(async () => {
    try {
      setUnread((await api.get<InboxPage>('/v1/me/inbox?unread=true&limit=1')).unread);
    } catch {
      setUnread(null);
    }
  }, [api]);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), UNREAD_POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);
  const refresh = useCallback(() => void load(), [load]);
  return { unread, refresh };
}

/** The inbox page: the user's notifications, newest first, each marked read with one button. */
export function Inbox({ onChanged }: { onChanged: () => void }) {
  const { api } = useSession();
  const { t, locale } = useI18n();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const request = useRef(0);

  const load = useCallback(async () => {
    const mine = ++request.current;
    try {
      const page = await api.get<InboxPage>(`/v1/me/inbox?limit=100${onlyUnread ? '&unread=true' : ''}`);
      if (mine !== request.current) return;
      setItems(page.items);
      setError(null);
    } catch (e) {
      if (mine === request.current) setError(e);
    }
  }, [api, onlyUnread]);

  useEffect(() => {
    void load();
  }, [load]);

  const markRead = async (item: InboxItem) => {
    try {
      await api.request('POST', `/v1/me/inbox/${encodeURIComponent(item.deliveryId)}/read`);
      onChanged();
      await load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="inbox-title">
      <h2 id="inbox-title">{t('inboxTitle')}</h2>
      <div className="filters">
        <label className="check">
          <input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.target.checked)} />{' '}
          {t('onlyUnread')}
        </label>
      </div>
      {error !== null && (
        <ErrorNote
          error={error instanceof ApiError && error.status === 404 ? new Error('GET /v1/me/inbox') : error}
          onRetry={() => void load()}
        />
      )}
      {items === null ? (
        error === null && <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('noNotifications')}</p>
      ) : (
        <ul className="inbox">
          {items.map((item) => {
            const { subject, body } = inboxText(item, t, locale);
            return (
              <li
                key={item.deliveryId}
                data-notification={item.deliveryId}
                className={item.readAt === null ? 'unread' : 'read'}
              >
                <h3>
                  {item.readAt === null && <span className="badge unread-badge">{t('unread')}</span>}{' '}
                  {subject}
                </h3>
                {body && <p>{body}</p>}
                <p className="meta">
                  {item.customerId !== null && (
                    <>
                      <a href={`#/customers/${encodeURIComponent(item.customerId)}`} title={item.companyId}>
                        {item.customerId}
                        {item.customerName ? ` – ${item.customerName}` : ''}
                      </a>
                      {' · '}
                    </>
                  )}
                  {label(t, item.eventType)}
                  {' · '}
                  {t('receivedAt')} {formatInstant(item.createdAt, locale)}
                </p>
                {item.readAt === null ? (
                  <button
                    type="button"
                    onClick={() => void markRead(item)}
                    aria-label={t('markReadOf', { subject })}
                  >
                    {t('markRead')}
                  </button>
                ) : (
                  <p className="hint">{t('readOn', { when: formatInstant(item.readAt, locale) })}</p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
