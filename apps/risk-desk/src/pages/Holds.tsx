import { useCallback, useEffect, useRef, useState } from 'react';
import { companyPath, hasRole, Hold, LiveChange, Page } from '../api';
import { abilities, ApprovalRole, Refusal } from '../authority';
import { formatAmount } from '../format';
import { LabelKey, useI18n } from '../i18n';
import { useLive, useSession } from '../session';
import { DecisionControls } from '../decision';
import { ErrorNote, Money } from '../ui';

const DOCUMENT_LABELS: Record<string, LabelKey> = {
  order: 'docOrder',
  delivery: 'docDelivery',
  invoice: 'docInvoice',
};

/**
 * The approval queue: pending holds, oldest first. A decision made here or by
 * anyone else reaches every open queue through the live stream (the API publishes
 * document.released / document.rejected on risk.blocks), which reloads the list.
 */
export function HoldsQueue() {
  const { api, companyId, me } = useSession();
  const { t } = useI18n();
  const [page, setPage] = useState<Page<Hold> | null>(null);
  const [roles, setRoles] = useState<ApprovalRole[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');
  const later = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const [holds, mine] = await Promise.all([
        api.get<Page<Hold>>(companyPath(companyId, '/holds?status=pending&limit=200')),
        api.get<Page<ApprovalRole>>(
          companyPath(companyId, `/approval-roles?userSubject=${encodeURIComponent(me.subject)}&limit=500`),
        ),
      ]);
      setPage(holds);
      setRoles(mine.items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, companyId, me.subject]);

  useEffect(() => {
    void load();
    return () => window.clearTimeout(later.current);
  }, [load]);

  useLive(
    (event: LiveChange) => {
      if (!event.type.startsWith('document.')) return;
      if (event.type === 'document.released' || event.type === 'document.rejected') {
        setAnnouncement(
          t('decided', {
            document: String(event.data.documentId),
            decision: event.type === 'document.released' ? t('releasedWord') : t('rejectedWord'),
            who: String(event.data.decidedBy),
          }),
        );
      }
      void load();
      // A hold of an asynchronous check is written by the engine's projector, which may follow the event.
      window.clearTimeout(later.current);
      later.current = window.setTimeout(() => void load(), 1000);
    },
    () => void load(),
  );

  const user = { subject: me.subject, canDecide: hasRole(me.roles, 'approver'), roles };

  return (
    <section aria-labelledby="holds-title">
      <h2 id="holds-title">{t('holdsTitle')}</h2>
      <p className="hint">{t('holdsHelp')}</p>
      <p role="status" aria-live="polite" className="announcement">
        {announcement}
      </p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {page === null ? (
        <p>{t('loading')}</p>
      ) : page.items.length === 0 ? (
        <p>{t('noHolds')}</p>
      ) : (
        <table className="holds">
          <caption className="visually-hidden">{t('holdsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('document')}</th>
              <th scope="col">{t('customer')}</th>
              <th scope="col" className="num">
                {t('amount')}
              </th>
              <th scope="col" className="num">
                {t('exposureBefore')}
              </th>
              <th scope="col" className="num">
                {t('exposureAfter')}
              </th>
              <th scope="col" className="num">
                {t('limit')}
              </th>
              <th scope="col" className="num">
                {t('excess')}
              </th>
              <th scope="col">{t('reasons')}</th>
              <th scope="col">{t('requestedBy')}</th>
              <th scope="col">{t('age')}</th>
              <th scope="col">{t('action')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((hold) => (
              <HoldRow
                key={hold.holdId}
                hold={hold}
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

function refusalText(
  t: ReturnType<typeof useI18n>['t'],
  locale: ReturnType<typeof useI18n>['locale'],
  r: Refusal,
): string {
  return r.code === 'MAX_EXCESS'
    ? t('refuseMAX_EXCESS', { max: formatAmount(r.maxExcess, locale) })
    : t(`refuse${r.code}` as LabelKey);
}

function HoldRow({
  hold,
  user,
  onDecided,
}: {
  hold: Hold;
  user: { subject: string; canDecide: boolean; roles: ApprovalRole[] };
  onDecided: (announcement: string) => void;
}) {
  const { api, companyId } = useSession();
  const { t, locale } = useI18n();
  const can = abilities(hold, user);
  const refusal = (r: Refusal | null) => (r === null ? null : refusalText(t, locale, r));

  const send = async (action: 'release' | 'reject', reason: string) => {
    await api.request('POST', companyPath(companyId, `/holds/${hold.holdId}/${action}`), { reason });
    onDecided(
      t('decided', {
        document: hold.documentId,
        decision: action === 'release' ? t('releasedWord') : t('rejectedWord'),
        who: user.subject,
      }),
    );
  };

  return (
    <tr data-hold={hold.holdId} data-document={hold.documentId}>
      <th scope="row">
        {DOCUMENT_LABELS[hold.documentType] ? t(DOCUMENT_LABELS[hold.documentType]) : hold.documentType}{' '}
        {hold.documentId}
      </th>
      <td>
        <a href={`#/customers/${encodeURIComponent(hold.customerId)}`}>{hold.customerId}</a>
        {hold.customerName && (
          <span className="customer-name" data-name>
            {hold.customerName}
          </span>
        )}
      </td>
      <td className="num">
        <Money value={hold.amount} />
      </td>
      <td className="num">
        <Money value={hold.exposureBefore} />
      </td>
      <td className="num">
        <Money value={hold.exposureAfter} />
      </td>
      <td className="num">
        <Money value={hold.limit} />
      </td>
      <td className="num">
        <Money value={hold.excess} />
      </td>
      <td>{hold.reasons.map((r) => t(r as LabelKey)).join(', ')}</td>
      <td>
        {hold.requestedBy ?? '—'}
        {hold.sentBy !== null && hold.sentBy !== hold.requestedBy ? (
          <span className="hint"> {t('sentVia', { who: hold.sentBy })}</span>
        ) : null}
      </td>
      <td>{t('minutes', { n: hold.ageMinutes })}</td>
      <td>
        <DecisionControls
          id={`hold-${hold.holdId}`}
          reasonLabel={t('decisionReason', { document: hold.documentId })}
          choices={[
            { action: 'release', label: t('release'), className: 'release', refusal: refusal(can.release) },
            { action: 'reject', label: t('reject'), className: 'reject', refusal: refusal(can.reject) },
          ]}
          send={send}
        />
      </td>
    </tr>
  );
}
