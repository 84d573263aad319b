import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError,
  CollectionActionType,
  companyPath,
  customerPath,
  hasRole,
  WorklistItem,
  WorklistPage,
} from '../api';
import { formatDate } from '../format';
import { LabelKey, useI18n } from '../i18n';
import { useLive, useSession } from '../session';
import { describedBy, ErrorNote, Field, Money } from '../ui';

/** `date` plus `days`, as a calendar day YYYY-MM-DD. */
const addDays = (date: string, days: number): string => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

/**
 * The day's worklist (spec section 12): what to do today, largest amount ×
 * days overdue first, as the API ranks it. Approvers log a call in one click,
 * a note or a promise to pay in two (the form opens under the row). It
 * loads again on the company's live events.
 */
export function Today() {
  const { api, companyId } = useSession();
  const { t, locale } = useI18n();
  const [page, setPage] = useState<WorklistPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(async () => {
    try {
      setPage(await api.get<WorklistPage>(companyPath(companyId, '/worklist?limit=200')));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, companyId]);

  useEffect(() => {
    void load();
  }, [load]);

  // A live event (a hold, a block, a status change) may change the day's items: load again shortly after.
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  useLive(
    () => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void load(), 300);
    },
    () => void load(),
  );

  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">{t('todayTitle')}</h2>
      <p className="hint">{t('todayHelp')}</p>
      <p role="status" aria-live="polite" className="announcement" data-announcement>
        {announcement}
      </p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {page === null ? (
        <p>{t('loading')}</p>
      ) : page.items.length === 0 ? (
        <p>{t('noWorklist')}</p>
      ) : (
        <table className="holds worklist">
          <caption>{t('worklistOf', { date: formatDate(page.date, locale), total: page.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('customer')}</th>
              <th scope="col">{t('intervention')}</th>
              <th scope="col" className="num">
                {t('amountAtStake')}
              </th>
              <th scope="col" className="num">
                {t('daysOverdue')}
              </th>
              <th scope="col">{t('suggestedAction')}</th>
              <th scope="col">{t('assignedTo')}</th>
              <th scope="col">{t('logActions')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <WorklistRow
                key={`${item.kind}:${item.customerId}:${item.holdId ?? ''}`}
                item={item}
                date={page.date}
                onRecorded={(text) => {
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

function WorklistRow({
  item,
  date,
  onRecorded,
}: {
  item: WorklistItem;
  date: string;
  onRecorded: (announcement: string) => void;
}) {
  const { api, companyId, me } = useSession();
  const { t } = useI18n();
  const [open, setOpen] = useState<'note' | 'promise' | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const canLog = hasRole(me.roles, 'approver') && item.caseId !== undefined;
  const id = `${item.kind}-${item.customerId}-${item.holdId ?? ''}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const who = item.customerName ? `${item.customerId} ${item.customerName}` : item.customerId;

  /** Records the action; the API's messages, if any, are shown under the row. */
  const record: RecordAction = async (type, body) => {
    setBusy(true);
    setFailure(null);
    try {
      await api.request('POST', customerPath(companyId, item.customerId, '/collection-actions'), {
        type,
        ...body,
      });
      setOpen(null);
      onRecorded(
        t('actionRecorded', { action: t(`actionType:${type}` as LabelKey), customer: item.customerId }),
      );
      return [];
    } catch (e) {
      if (e instanceof ApiError && e.errors.length > 0) return e.errors;
      setFailure(e instanceof Error ? e.message : String(e));
      return [];
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <tr data-customer={item.customerId} data-kind={item.kind}>
        <th scope="row">
          <a href={`#/customers/${encodeURIComponent(item.customerId)}`}>{item.customerId}</a>
          {item.customerName && (
            <span className="customer-name" data-name>
              {item.customerName}
            </span>
          )}
        </th>
        <td title={item.reason}>
          {t(`kind:${item.kind}` as LabelKey)}
          {item.kind === 'level-reached' &&
            item.level !== undefined &&
            ` (${t('levelN', { level: item.level })})`}
        </td>
        <td className="num">
          <Money value={item.amountAtStake} />
        </td>
        <td className="num">{item.daysOverdue}</td>
        <td>{t(`suggest:${item.suggestedAction}` as LabelKey)}</td>
        <td>{item.assignee ?? '—'}</td>
        <td className="log-actions">
          {canLog && (
            <>
              <button
                type="button"
                disabled={busy}
                aria-label={t('logCallFor', { customer: who })}
                onClick={() => void record('call', { text: t('callDefaultText') })}
              >
                {t('logCall')}
              </button>{' '}
              <button
                type="button"
                aria-expanded={open === 'note'}
                aria-controls={`${id}-form`}
                aria-label={t('logNoteFor', { customer: who })}
                onClick={() => setOpen(open === 'note' ? null : 'note')}
              >
                {t('logNote')}
              </button>{' '}
              <button
                type="button"
                aria-expanded={open === 'promise'}
                aria-controls={`${id}-form`}
                aria-label={t('logPromiseFor', { customer: who })}
                onClick={() => setOpen(open === 'promise' ? null : 'promise')}
              >
                {t('logPromise')}
              </button>
            </>
          )}
          {failure && (
            <span className="field-error" role="alert">
              {failure}
            </span>
          )}
        </td>
      </tr>
      {open !== null && (
        <tr className="log-form-row" id={`${id}-form`}>
          <td colSpan={7}>
            {open === 'note' ? (
              <NoteForm id={id} busy={busy} record={record} />
            ) : (
              <PromiseForm
                id={id}
                busy={busy}
                record={record}
                amount={item.amountAtStake}
                date={addDays(date, 7)}
              />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

type RecordAction = (type: CollectionActionType, body: { [field: string]: unknown }) => Promise<string[]>;

/** The API's messages about one field ("promise.amount must be …"), as ApiError.about reads them. */
const about = (errors: string[], field: string) => new ApiError(400, '', errors).about(field);

function NoteForm({ id, busy, record }: { id: string; busy: boolean; record: RecordAction }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setErrors([t('noteRequired')]);
    setErrors(await record('note', { text }));
  };
  const field = `${id}-note`;
  return (
    <form className="log-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field id={field} label={t('noteText')} errors={errors}>
        <textarea
          id={field}
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={errors.length > 0}
          aria-describedby={describedBy(field, errors)}
        />
      </Field>
      <button type="submit" disabled={busy}>
        {t('recordNote')}
      </button>
    </form>
  );
}

function PromiseForm({
  id,
  busy,
  record,
  amount: initialAmount,
  date: initialDate,
}: {
  id: string;
  busy: boolean;
  record: RecordAction;
  amount: string;
  date: string;
}) {
  const { t } = useI18n();
  const [amount, setAmount] = useState(initialAmount);
  const [date, setDate] = useState(initialDate);
  const [text, setText] = useState(t('promiseDefaultText'));
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors(await record('promise', { text, promise: { amount: amount.trim(), date } }));
  };
  const f = (name: string) => `${id}-${name}`;
  const amountErrors = about(errors, 'promise.amount');
  const dateErrors = about(errors, 'promise.date');
  const textErrors = about(errors, 'text');
  return (
    <form className="log-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field id={f('amount')} label={t('promiseAmount')} errors={amountErrors}>
        <input
          id={f('amount')}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          aria-invalid={amountErrors.length > 0}
          aria-describedby={describedBy(f('amount'), amountErrors)}
        />
      </Field>
      <Field id={f('date')} label={t('promiseDate')} errors={dateErrors}>
        <input
          id={f('date')}
          type="date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          aria-invalid={dateErrors.length > 0}
          aria-describedby={describedBy(f('date'), dateErrors)}
        />
      </Field>
      <Field id={f('text')} label={t('actionText')} errors={textErrors}>
        <input
          id={f('text')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={textErrors.length > 0}
          aria-describedby={describedBy(f('text'), textErrors)}
        />
      </Field>
      <button type="submit" disabled={busy}>
        {t('recordPromise')}
      </button>
    </form>
  );
}
