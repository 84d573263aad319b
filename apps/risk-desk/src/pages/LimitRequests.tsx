import { useCallback, useEffect, useState } from 'react';
import { companyPath, hasRole, LimitRequest, Page } from '../api';
import { LimitRefusal, LimitRole, limitRequestAbilities } from '../authority';
import { formatAmount, formatDate, formatInstant } from '../format';
import { LabelKey, Translate, useI18n } from '../i18n';
import { useSession } from '../session';
import { DecisionControls } from '../decision';
import { ErrorNote, Money } from '../ui';

type User = { subject: string; canDecide: boolean; roles: LimitRole[] };

/**
 * The four-eyes queue (spec section 11): limit changes above their setter's
 * authority, oldest first. Another credit manager whose limit authority covers
 * the amount approves (the API then applies the limit) or rejects, with a reason.
 */
export function LimitRequests() {
  const { api, companyId, me } = useSession();
  const { t } = useI18n();
  const [page, setPage] = useState<Page<LimitRequest> | null>(null);
  const [roles, setRoles] = useState<LimitRole[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(async () => {
    try {
      const [requests, mine] = await Promise.all([
        api.get<Page<LimitRequest>>(
          companyPath(companyId, '/credit-limit-requests?status=pending&limit=200'),
        ),
        api.get<Page<LimitRole>>(
          companyPath(companyId, `/approval-roles?userSubject=${encodeURIComponent(me.subject)}&limit=500`),
        ),
      ]);
      setPage(requests);
      setRoles(mine.items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, companyId, me.subject]);

  useEffect(() => {
    void load();
  }, [load]);

  const user: User = { subject: me.subject, canDecide: hasRole(me.roles, 'credit-manager'), roles };
  const items = page ? [...page.items].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)) : [];

  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">{t('limitRequestsTitle')}</h2>
      <p className="hint">{t('limitRequestsHelp')}</p>
      <p role="status" aria-live="polite" className="announcement">
        {announcement}
      </p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {page === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('noLimitRequests')}</p>
      ) : (
        <table className="holds">
          <caption className="visually-hidden">{t('limitRequestsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('customer')}</th>
              <th scope="col" className="num">
                {t('limit')}
              </th>
              <th scope="col">{t('mode')}</th>
              <th scope="col">{t('reason')}</th>
              <th scope="col">{t('requestedBy')}</th>
              <th scope="col">{t('requestedAt')}</th>
              <th scope="col">{t('action')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((request) => (
              <RequestRow
                key={request.requestId}
                request={request}
                user={user}
                onDecided={(text) => {
                  setAnnouncement(text);
                  void load();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const refusalText = (t: Translate, locale: 'en' | 'it', r: LimitRefusal): string =>
  r.code === 'MAX_LIMIT'
    ? t('refuseMAX_LIMIT', { max: formatAmount(r.maxLimit, locale) })
    : t(`refuse${r.code}` as LabelKey);

function RequestRow({
  request,
  user,
  onDecided,
}: {
  request: LimitRequest;
  user: User;
  onDecided: (announcement: string) => void;
}) {
  const { api, companyId } = useSession();
  const { t, locale } = useI18n();
  const can = limitRequestAbilities(request, user);
  const refusal = (r: LimitRefusal | null) => (r === null ? null : refusalText(t, locale, r));

  const send = async (action: 'approve' | 'reject', reason: string) => {
    await api.request(
      'POST',
      companyPath(companyId, `/credit-limit-requests/${encodeURIComponent(request.requestId)}/${action}`),
      { reason },
    );
    onDecided(
      t('requestDecided', {
        customer: request.customerId,
        decision: action === 'approve' ? t('approvedWord') : t('rejectedRequestWord'),
        who: user.subject,
      }),
    );
  };

  return (
    <tr data-request={request.requestId} data-customer={request.customerId}>
      <th scope="row">
        <a href={`#/customers/${encodeURIComponent(request.customerId)}`}>{request.customerId}</a>
        {request.customerName && (
          <span className="customer-name" data-name>
            {request.customerName}
          </span>
        )}
      </th>
      <td className="num">
        <Money value={request.amount} />
        {request.temporaryAmount !== null && (
          <span className="hint" data-temporary>
            {' '}
            {t('temporaryOf', {
              amount: formatAmount(request.temporaryAmount, locale),
              until: formatDate(request.temporaryUntil, locale),
            })}
          </span>
        )}
      </td>
      <td>{request.mode === 'block' ? t('modeBlock') : t('modeWarn')}</td>
      <td>{request.reason}</td>
      <td>{request.requestedBy}</td>
      <td>{formatInstant(request.requestedAt, locale)}</td>
      <td>
        <DecisionControls
          id={`request-${request.requestId}`}
          reasonLabel={t('requestDecisionReason', { customer: request.customerId })}
          choices={[
            { action: 'approve', label: t('approve'), className: 'release', refusal: refusal(can.approve) },
            { action: 'reject', label: t('reject'), className: 'reject', refusal: refusal(can.reject) },
          ]}
          send={send}
        />
      </td>
    </tr>
  );
}
