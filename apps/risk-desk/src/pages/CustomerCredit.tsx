import { FormEvent, useEffect, useState } from 'react';
import {
  ApiError,
  ClassAssignment,
  companyPath,
  CreditClass,
  customerPath,
  Exposure,
  hasRole,
  LimitProposal,
  ManualBlock,
  noneIfMissing,
  Page,
} from '../api';
import { formatAmount, formatDate, formatInstant } from '../format';
import { LabelKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { describedBy, Field, Money } from '../ui';

/**
 * The customer's credit class and manual block (spec section 11): what holds now
 * and, for credit managers, the forms that change them (each with a reason, audited
 * by the API). `onChanged` gets the class code just assigned, if any, so that the
 * page reloads until the exposure (written by the engine) shows it.
 */
export function ClassAndBlock({
  customerId,
  exposure,
  assignment,
  block,
  onChanged,
}: {
  customerId: string;
  exposure: Exposure;
  assignment: ClassAssignment | null;
  block: ManualBlock | null;
  onChanged: (assignedCode?: string) => void;
}) {
  const { api, companyId, me } = useSession();
  const { t, locale } = useI18n();
  const manager = hasRole(me.roles, 'credit-manager');
  const [classes, setClasses] = useState<CreditClass[]>([]);
  const [code, setCode] = useState('');
  const [classReason, setClassReason] = useState('');
  const [blockReason, setBlockReason] = useState('');
  const [until, setUntil] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const path = (rest: string) => customerPath(companyId, customerId, rest);

  useEffect(() => {
    if (!manager) return;
    void noneIfMissing(api.get<Page<CreditClass>>(companyPath(companyId, '/credit-classes?limit=200')))
      .then((body) => setClasses(body ? body.items : []))
      .catch(() => setClasses([]));
  }, [api, companyId, manager]);

  /** Runs a change; the API's messages land next to the fields they name, the rest above the forms. */
  const change = async (
    form: 'class' | 'block',
    problems: Record<string, string>,
    run: () => Promise<string>,
    after?: string,
  ) => {
    setNotice(null);
    setGeneral(null);
    const local = Object.entries(problems).filter(([, message]) => message);
    setErrors(Object.fromEntries(local.map(([f, m]) => [`${form}-${f}`, [m]])));
    if (local.length) return;
    try {
      setNotice(await run());
      onChanged(after);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) {
        const byField: Record<string, string[]> = {};
        for (const f of ['code', 'reason', 'until'])
          if (error.about(f).length) byField[`${form}-${f}`] = error.about(f);
        setErrors(byField);
      }
      setGeneral(error instanceof Error ? error.message : String(error));
    }
  };

  const assign = (e: FormEvent) => {
    e.preventDefault();
    void change(
      'class',
      { code: code ? '' : t('mustChooseClass'), reason: classReason.trim() ? '' : t('reasonRequired') },
      async () => {
        await api.request('PUT', path('/credit-class'), { code, reason: classReason.trim() });
        setClassReason('');
        return t('classAssigned', { code });
      },
      code,
    );
  };

  const setBlock = (e: FormEvent) => {
    e.preventDefault();
    void change('block', { reason: blockReason.trim() ? '' : t('reasonRequired') }, async () => {
      if (block) {
        await api.request('DELETE', path('/manual-block'), { reason: blockReason.trim() });
      } else {
        await api.request('PUT', path('/manual-block'), { reason: blockReason.trim(), until: until || null });
      }
      setBlockReason('');
      setUntil('');
      return block ? t('manualBlockLifted') : t('manualBlockSet');
    });
  };

  const err = (f: string) => errors[f] ?? [];
  const creditClass = exposure.creditClass ?? null;
  return (
    <section aria-labelledby="credit-class-title">
      <h3 id="credit-class-title">
        {t('creditClass')} · {t('manualBlock')}
      </h3>
      <dl className="summary" data-testid="credit-terms">
        <div>
          <dt>{t('creditClass')}</dt>
          <dd data-testid="credit-class">{creditClass ? creditClass.code : t('noClass')}</dd>
        </div>
        {creditClass && (
          <>
            <div>
              <dt>{t('maxPaymentTerms')}</dt>
              <dd data-testid="max-payment-terms">
                {t('daysCount', { n: creditClass.maxPaymentTermsDays })}
              </dd>
            </div>
            <div>
              <dt>{t('maxDocumentAmount')}</dt>
              <dd>
                <Money value={creditClass.maxDocumentAmount} />
              </dd>
            </div>
          </>
        )}
        {exposure.reviewDueOn && (
          <div>
            <dt>{t('reviewDueOn')}</dt>
            <dd>{formatDate(exposure.reviewDueOn, locale)}</dd>
          </div>
        )}
        <div>
          <dt>{t('manualBlock')}</dt>
          <dd data-testid="manual-block">
            {block
              ? [
                  block.reason,
                  block.until ? t('manualBlockUntil', { until: formatDate(block.until, locale) }) : '',
                  t('manualBlockBy', { who: block.setBy, at: formatInstant(block.setAt, locale) }),
                ]
                  .filter(Boolean)
                  .join(', ')
              : t('manualBlockNone')}
          </dd>
        </div>
      </dl>
      {assignment && (
        <p className="hint" data-testid="class-assignment">
          {assignment.code}:{' '}
          {t('assignedBy', {
            who: assignment.assignedBy,
            at: formatInstant(assignment.assignedAt, locale),
            reason: assignment.reason,
          })}
        </p>
      )}
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      <p role="status" className="saved">
        {notice ?? ''}
      </p>
      {manager ? (
        <div className="forms">
          <form className="form" onSubmit={assign} noValidate aria-labelledby="assign-class-title">
            <h4 id="assign-class-title">{t('assignClassTitle')}</h4>
            <Field id="class-code" label={t('creditClass')} errors={err('class-code')}>
              <select
                id="class-code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                aria-invalid={err('class-code').length > 0}
                aria-describedby={describedBy('class-code', err('class-code'))}
              >
                <option value="">—</option>
                {classes.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.code} – {c.description} ({t('daysCount', { n: c.maxPaymentTermsDays })})
                  </option>
                ))}
              </select>
            </Field>
            <Field id="class-reason" label={t('reason')} errors={err('class-reason')}>
              <input
                id="class-reason"
                value={classReason}
                onChange={(e) => setClassReason(e.target.value)}
                aria-invalid={err('class-reason').length > 0}
                aria-describedby={describedBy('class-reason', err('class-reason'))}
              />
            </Field>
            <button type="submit">{t('assign')}</button>
          </form>
          <form className="form" onSubmit={setBlock} noValidate aria-labelledby="manual-block-title">
            <h4 id="manual-block-title">{block ? t('liftManualBlockTitle') : t('setManualBlockTitle')}</h4>
            <Field id="block-reason" label={t('reason')} errors={err('block-reason')}>
              <input
                id="block-reason"
                value={blockReason}
                onChange={(e) => setBlockReason(e.target.value)}
                aria-invalid={err('block-reason').length > 0}
                aria-describedby={describedBy('block-reason', err('block-reason'))}
              />
            </Field>
            {!block && (
              <Field id="block-until" label={t('untilOptional')} errors={err('block-until')}>
                <input
                  id="block-until"
                  type="date"
                  value={until}
                  onChange={(e) => setUntil(e.target.value)}
                  aria-invalid={err('block-until').length > 0}
                  aria-describedby={describedBy('block-until', err('block-until'))}
                />
              </Field>
            )}
            <button type="submit">{block ? t('liftAction') : t('blockAction')}</button>
          </form>
        </div>
      ) : (
        <p className="hint">{t('readOnly')}</p>
      )}
    </section>
  );
}

/** The proposed limit beside the current one, with the figures it comes from. */
export function ProposalView({ proposal }: { proposal: LimitProposal | null }) {
  const { t, locale } = useI18n();
  if (!proposal) return <p className="hint">{t('noProposal')}</p>;
  const b = proposal.basis;
  return (
    <div className="proposal" data-testid="limit-proposal">
      <dl className="summary">
        <div>
          <dt>{t('proposalTitle')}</dt>
          <dd data-testid="proposed-amount">
            <Money value={proposal.proposedAmount} />
          </dd>
        </div>
      </dl>
      <p className="hint" data-testid="proposal-basis">
        {t('proposalBasis', {
          turnover: formatAmount(b.turnover12m, locale),
          from: formatDate(b.fromDate, locale),
          to: formatDate(b.toDate, locale),
          terms: b.maxPaymentTermsDays,
          source: t(`termsFrom${b.termsSource}` as LabelKey),
          late: b.avgDaysLate,
          factor: b.factor,
          riskClass: b.riskClass,
        })}
      </p>
    </div>
  );
}
