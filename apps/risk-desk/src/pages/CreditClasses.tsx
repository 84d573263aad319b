import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, companyPath, CreditClass, hasRole, Page } from '../api';
import { formatInstant } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { describedBy, ErrorNote, Field, Money } from '../ui';

const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const AMOUNT = /^[0-9]{1,13}(\.[0-9]{1,2})?$/;
const wholeIn = (text: string, min: number, max: number) =>
  /^\d{1,4}$/.test(text) && Number(text) >= min && Number(text) <= max;

interface Draft {
  code: string;
  description: string;
  maxPaymentTermsDays: string;
  maxDocumentAmount: string;
  reviewEveryDays: string;
}
const EMPTY: Draft = {
  code: '',
  description: '',
  maxPaymentTermsDays: '60',
  maxDocumentAmount: '',
  reviewEveryDays: '',
};
const FIELDS = [
  'code',
  'description',
  'maxPaymentTermsDays',
  'maxDocumentAmount',
  'reviewEveryDays',
] as const;
type Problems = Partial<Record<(typeof FIELDS)[number], string[]>>;

/**
 * The company's credit classes (spec section 11): each gives the customers that
 * hold it their maximum payment terms, and optionally a maximum document amount
 * and a review interval. Credit managers create, edit and delete; others read.
 */
export function CreditClasses() {
  const { api, companyId, me } = useSession();
  const { t, locale } = useI18n();
  const [items, setItems] = useState<CreditClass[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  const [notice, setNotice] = useState<string | null>(null);
  const base = companyPath(companyId, '/credit-classes');
  const manager = hasRole(me.roles, 'credit-manager');

  const load = useCallback(async () => {
    try {
      setItems((await api.get<Page<CreditClass>>(`${base}?limit=200`)).items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, base]);

  useEffect(() => {
    void load();
  }, [load]);

  const set = (key: keyof Draft, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    const found: Problems = {};
    if (!CODE.test(draft.code)) found.code = [t('mustBeClassCode')];
    if (!draft.description.trim()) found.description = [t('descriptionRequired')];
    if (!wholeIn(draft.maxPaymentTermsDays, 0, 3650)) found.maxPaymentTermsDays = [t('mustBeTermsDays')];
    if (draft.maxDocumentAmount.trim() && !AMOUNT.test(draft.maxDocumentAmount.trim()))
      found.maxDocumentAmount = [t('mustBeAmount')];
    if (draft.reviewEveryDays && !wholeIn(draft.reviewEveryDays, 1, 3650))
      found.reviewEveryDays = [t('mustBeReviewDays')];
    setProblems(found);
    if (Object.keys(found).length) return;
    try {
      await api.request('PUT', `${base}/${encodeURIComponent(draft.code)}`, {
        description: draft.description.trim(),
        maxPaymentTermsDays: Number(draft.maxPaymentTermsDays),
        maxDocumentAmount: draft.maxDocumentAmount.trim() || null,
        reviewEveryDays: draft.reviewEveryDays ? Number(draft.reviewEveryDays) : null,
      });
      setNotice(t('classSaved', { code: draft.code }));
      setDraft(EMPTY);
      setEditing(null);
      setError(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const fromApi: Problems = {};
        for (const f of FIELDS) if (err.about(f).length) fromApi[f] = err.about(f);
        setProblems(fromApi);
      }
      setError(err);
    }
  };

  const remove = async (code: string) => {
    setNotice(null);
    try {
      await api.request('DELETE', `${base}/${encodeURIComponent(code)}`);
      setNotice(t('classDeleted', { code }));
      setError(null);
      if (editing === code) {
        setDraft(EMPTY);
        setEditing(null);
      }
      await load();
    } catch (err) {
      // 409: the class is still assigned to customers; the API's message says so.
      setError(err);
    }
  };

  const err = (f: keyof Problems) => problems[f] ?? [];
  const input = (f: keyof Draft, props: { inputMode?: 'numeric' | 'decimal'; disabled?: boolean } = {}) => (
    <input
      id={`class-${f}`}
      value={draft[f]}
      onChange={(e) => set(f, e.target.value)}
      aria-invalid={err(f).length > 0}
      aria-describedby={describedBy(`class-${f}`, err(f))}
      {...props}
    />
  );

  return (
    <section aria-labelledby="classes-title">
      <h2 id="classes-title">{t('navCreditClasses')}</h2>
      <p className="hint">{t('classesHelp')}</p>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {items === null ? (
        error === null && <p>{t('loading')}</p>
      ) : (
        <table className="classes">
          <thead>
            <tr>
              <th scope="col">{t('classCode')}</th>
              <th scope="col">{t('description')}</th>
              <th scope="col" className="num">
                {t('maxPaymentTerms')}
              </th>
              <th scope="col" className="num">
                {t('maxDocumentAmount')}
              </th>
              <th scope="col" className="num">
                {t('reviewEveryDays')}
              </th>
              <th scope="col" className="num">
                {t('customersCount')}
              </th>
              <th scope="col">{t('updated')}</th>
              {manager && <th scope="col">{t('action')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr>
                <td colSpan={manager ? 8 : 7}>{t('noClasses')}</td>
              </tr>
            )}
            {items.map((c) => (
              <tr key={c.code} data-class={c.code}>
                <th scope="row">{c.code}</th>
                <td>{c.description}</td>
                <td className="num">{t('daysCount', { n: c.maxPaymentTermsDays })}</td>
                <td className="num">
                  <Money value={c.maxDocumentAmount} />
                </td>
                <td className="num">{c.reviewEveryDays ?? '—'}</td>
                <td className="num">{c.customers}</td>
                <td>
                  {c.updatedBy}, {formatInstant(c.updatedAt, locale)}
                </td>
                {manager && (
                  <td>
                    <button
                      type="button"
                      aria-label={t('editOf', { id: c.code })}
                      onClick={() => {
                        setDraft({
                          code: c.code,
                          description: c.description,
                          maxPaymentTermsDays: String(c.maxPaymentTermsDays),
                          maxDocumentAmount: c.maxDocumentAmount ?? '',
                          reviewEveryDays: c.reviewEveryDays === null ? '' : String(c.reviewEveryDays),
                        });
                        setEditing(c.code);
                        setProblems({});
                      }}
                    >
                      {t('edit')}
                    </button>{' '}
                    <button
                      type="button"
                      aria-label={t('deleteOf', { id: c.code })}
                      onClick={() => void remove(c.code)}
                    >
                      {t('delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manager ? (
        <form
          className="form"
          onSubmit={(e) => void submit(e)}
          noValidate
          aria-label={editing ? t('editOf', { id: editing }) : t('newClass')}
        >
          <h3>{editing ? t('editOf', { id: editing }) : t('newClass')}</h3>
          <Field id="class-code" label={t('classCode')} errors={err('code')}>
            {input('code', { disabled: editing !== null })}
          </Field>
          <Field id="class-description" label={t('description')} errors={err('description')}>
            {input('description')}
          </Field>
          <Field
            id="class-maxPaymentTermsDays"
            label={t('maxPaymentTermsDays')}
            errors={err('maxPaymentTermsDays')}
          >
            {input('maxPaymentTermsDays', { inputMode: 'numeric' })}
          </Field>
          <Field
            id="class-maxDocumentAmount"
            label={t('maxDocumentAmount')}
            errors={err('maxDocumentAmount')}
          >
            {input('maxDocumentAmount', { inputMode: 'decimal' })}
          </Field>
          <Field id="class-reviewEveryDays" label={t('reviewEveryDays')} errors={err('reviewEveryDays')}>
            {input('reviewEveryDays', { inputMode: 'numeric' })}
          </Field>
          <button type="submit">{t('save')}</button>{' '}
          {editing && (
            <button
              type="button"
              onClick={() => {
                setDraft(EMPTY);
                setEditing(null);
                setProblems({});
              }}
            >
              {t('cancel')}
            </button>
          )}
        </form>
      ) : (
        <p className="hint">{t('readOnly')}</p>
      )}
    </section>
  );
}
