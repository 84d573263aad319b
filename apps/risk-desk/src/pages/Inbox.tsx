import { useCallback, useEffect, useRef, useState } from 'react';
import { Api, ApiError, InboxItem, itemsOf, Page } from '../api';
import { formatInstant } from '../format';
import { LabelKey, LABELS, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorNote } from '../ui';

/** How often the unread count is read again (the inbox has no live stream of its own). */
const UNREAD_POLL_MS = 20_000;

const textOf = (item: InboxItem) => ({
  subject: item.subject ?? item.title ?? item.eventType,
  body: item.body ?? item.summary ?? '',
});

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
      const page = await api.get<Page<InboxItem> | InboxItem[]>('/v1/me/inbox?unread=true&limit=1');
      setUnread(Array.isArray(page) ? page.length : page.total);
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
      const body = await api.get<Page<InboxItem> | InboxItem[]>(
        `/v1/me/inbox?limit=100${onlyUnread ? '&unread=true' : ''}`,
      );
      if (mine !== request.current) return;
      setItems(itemsOf(body));
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
      await api.request('POST', `/v1/me/inbox/${encodeURIComponent(item.id)}/read`);
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
            const { subject, body } = textOf(item);
            return (
              <li
                key={item.id}
                data-notification={item.id}
                className={item.readAt === null ? 'unread' : 'read'}
              >
                <h3>
                  {item.readAt === null && <span className="badge unread-badge">{t('unread')}</span>}{' '}
                  {subject}
                </h3>
                {body && <p>{body}</p>}
                <p className="meta">
                  <a href={`#/customers/${encodeURIComponent(item.customerId)}`} title={item.companyId}>
                    {item.customerId}
                    {item.customerName ? ` – ${item.customerName}` : ''}
                  </a>
                  {' · '}
                  {item.eventType in LABELS.en ? t(item.eventType as LabelKey) : item.eventType}
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
