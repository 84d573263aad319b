import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, Page } from '../api';
import { formatInstant } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorNote, Field, describedBy } from '../ui';

/** GET /v1/admin/dead-letters items (apps/risk-api dead-letters.dto.ts). */
interface DeadLetter {
  eventId: string;
  reason: string;
  field: string | null;
  message: string;
  source: { topic: string; partition: number; offset: string };
  companyId: string | null;
  customerId: string | null;
  eventType: string | null;
  occurredAt: string;
  redrive: { newEventId: string; by: string; at: string } | null;
}

interface DeadLetterDetail extends DeadLetter {
  original: string | null;
  originalBase64: string | null;
}

interface ReasonCount {
  reason: string;
  total: number;
  pending: number;
}

const BASE = '/v1/admin/dead-letters';

/**
 * Dead letters (admin): the inputs the engine rejected, counted by reason and
 * listed newest first. One is opened, its original shown as received,
 * corrected and re-driven: the API publishes a copy with a new eventId to its
 * original topic and keeps the trail.
 */
export function DeadLetters() {
  const { api } = useSession();
  const { t, locale } = useI18n();
  const [counts, setCounts] = useState<ReasonCount[] | null>(null);
  const [page, setPage] = useState<Page<DeadLetter> | null>(null);
  const [reason, setReason] = useState('');
  const [pendingOnly, setPendingOnly] = useState(true);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(async () => {
    const query = new URLSearchParams({ limit: '200' });
    if (reason) query.set('reason', reason);
    if (pendingOnly) query.set('pending', 'true');
    try {
      const [byReason, list] = await Promise.all([
        api.get<{ reasons: ReasonCount[] }>(`${BASE}/counts`),
        api.get<Page<DeadLetter>>(`${BASE}?${query.toString()}`),
      ]);
      setCounts(byReason.reasons);
      setPage(list);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, reason, pendingOnly]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="dead-letters-title">
      <h2 id="dead-letters-title">{t('dlTitle')}</h2>
      <p className="hint">{t('dlHelp')}</p>
      <p role="status" aria-live="polite" className="announcement">
        {announcement}
      </p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      <h3>{t('dlByReason')}</h3>
      {counts === null ? (
        <p>{t('loading')}</p>
      ) : counts.length === 0 ? (
        <p>{t('dlNone')}</p>
      ) : (
        <table className="holds" data-testid="dead-letter-counts">
          <caption className="visually-hidden">{t('dlByReason')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dlReason')}</th>
              <th scope="col" className="num">
                {t('dlTotal')}
              </th>
              <th scope="col" className="num">
                {t('dlPending')}
              </th>
            </tr>
          </thead>
          <tbody>
            {counts.map((c) => (
              <tr key={c.reason} data-reason={c.reason}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => setReason(c.reason)}>
                    {c.reason}
                  </button>
                </th>
                <td className="num">{c.total}</td>
                <td className="num">{c.pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="filters">
        <label htmlFor="dl-reason">{t('dlReason')}</label>
        <select id="dl-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">{t('dlAllReasons')}</option>
          {(counts ?? []).map((c) => (
            <option key={c.reason} value={c.reason}>
              {c.reason}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} />{' '}
          {t('dlPendingOnly')}
        </label>
      </div>
      {page === null ? null : page.items.length === 0 ? (
        <p>{t('dlNone')}</p>
      ) : (
        <table className="holds" data-testid="dead-letters">
          <caption className="visually-hidden">{t('dlTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dlWhen')}</th>
              <th scope="col">{t('dlReason')}</th>
              <th scope="col">{t('dlSource')}</th>
              <th scope="col">{t('customer')}</th>
              <th scope="col">{t('dlProblem')}</th>
              <th scope="col">{t('dlState')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr key={d.eventId} data-event-id={d.eventId}>
                <td>{formatInstant(d.occurredAt, locale)}</td>
                <td>{d.reason}</td>
                <td>
                  <code>
                    {d.source.topic} [{d.source.partition}] @{d.source.offset}
                  </code>
                </td>
                <td>{d.customerId ? `${d.companyId ?? ''} ${d.customerId}` : '—'}</td>
                <td>{d.message}</td>
                <td>
                  {d.redrive ? (
                    t('dlRedrivenBy', { who: d.redrive.by, eventId: d.redrive.newEventId })
                  ) : (
                    <button type="button" onClick={() => setOpen(d.eventId)}>
                      {t('dlOpen')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && (
        <RedriveForm
          key={open}
          eventId={open}
          onClose={() => setOpen(null)}
          onRedriven={(text) => {
            setAnnouncement(text);
            setOpen(null);
            void load();
          }}
        />
      )}
    </section>
  );
}

function RedriveForm({
  eventId,
  onClose,
  onRedriven,
}: {
  eventId: string;
  onClose: () => void;
  onRedriven: (announcement: string) => void;
}) {
  const { api } = useSession();
  const { t } = useI18n();
  const [letter, setLetter] = useState<DeadLetterDetail | null>(null);
  const [corrected, setCorrected] = useState('');
  const [why, setWhy] = useState('');
  const [errors, setErrors] = useState<{ event: string[]; reason: string[]; other: string | null }>({
    event: [],
    reason: [],
    other: null,
  });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .get<DeadLetterDetail>(`${BASE}/${encodeURIComponent(eventId)}`)
      .then((found) => {
        setLetter(found);
        setCorrected(found.original ?? '');
      })
      .catch((e: unknown) => setErrors({ event: [], reason: [], other: String(e) }));
  }, [api, eventId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let event: unknown;
    try {
      event = JSON.parse(corrected);
    } catch {
      return setErrors({ event: [t('dlNotJson')], reason: [], other: null });
    }
    setBusy(true);
    try {
      const trail = await api.request<{ newEventId: string }>(
        'POST',
        `${BASE}/${encodeURIComponent(eventId)}/redrive`,
        { event, reason: why },
      );
      onRedriven(t('dlRedriven', { id: eventId, eventId: trail.newEventId }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const reason = error.about('reason');
        setErrors({ event: reason.length ? [] : [error.message], reason, other: null });
      } else
        setErrors({ event: [], reason: [], other: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="redrive-title" noValidate>
      <h3 id="redrive-title">{t('dlRedriveTitle', { id: eventId })}</h3>
      {errors.other && <ErrorNote error={errors.other} />}
      {letter === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          <p>
            <strong>{letter.reason}</strong>
            {letter.field ? ` (${letter.field})` : ''}: {letter.message}
          </p>
          <h4>{t('dlOriginal')}</h4>
          <pre className="original" data-testid="dead-letter-original">
            {letter.original ?? t('dlNotText', { base64: letter.originalBase64 ?? '' })}
          </pre>
          <Field id="dl-corrected" label={t('dlCorrected')} errors={errors.event} hint={t('dlCorrectedHelp')}>
            <textarea
              id="dl-corrected"
              rows={10}
              value={corrected}
              onChange={(e) => setCorrected(e.target.value)}
              spellCheck={false}
              aria-describedby={describedBy('dl-corrected', errors.event, true)}
              aria-invalid={errors.event.length > 0}
            />
          </Field>
          <Field id="dl-why" label={t('dlWhy')} errors={errors.reason}>
            <input
              id="dl-why"
              value={why}
              onChange={(e) => setWhy(e.target.value)}
              aria-describedby={describedBy('dl-why', errors.reason)}
              aria-invalid={errors.reason.length > 0}
            />
          </Field>
          <button type="submit" disabled={busy}>
            {t('dlRedrive')}
          </button>{' '}
          <button type="button" onClick={onClose}>
            {t('dlClose')}
          </button>
        </>
      )}
    </form>
  );
}
