import { FormEvent, useState } from 'react';
import { ApiError, customerPath, LimitRequest } from '../api';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { describedBy, Field } from '../ui';

interface Current {
  amount: string;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  blockOnOverdue: boolean | null;
  overdueToleranceDays: number | null;
  temporaryAmount?: string | null;
  temporaryUntil?: string | null;
}

const AMOUNT = /^[0-9]{1,13}(\.[0-9]{1,2})?$/;
const CUSTOMER = /^[A-Za-z0-9._/-]{1,64}$/;

/**
 * Sets a customer's credit limit (PUT credit-limit, credit-manager). Checked here
 * first for quick feedback; the API's messages, one per field, are shown next to
 * the field they name. A change above the user's limit authority is not applied:
 * the API answers 202 with a limit request, and the form says it awaits a second
 * approver (the limit requests queue).
 */
export function LimitForm({
  customerId,
  current,
  onSaved,
}: {
  customerId?: string;
  current?: Current | null;
  onSaved?: () => void;
}) {
  const { api, companyId } = useSession();
  const { t } = useI18n();
  const prefix = customerId ? 'limit' : 'new-limit';
  const [customer, setCustomer] = useState(customerId ?? '');
  const [amount, setAmount] = useState(current?.amount ?? '');
  const [mode, setMode] = useState<'warn' | 'block'>(current?.mode ?? 'block');
  const [threshold, setThreshold] = useState(String(current?.attentionThresholdPct ?? 80));
  const [validUntil, setValidUntil] = useState(current?.validUntil ?? '');
  const [blockOnOverdue, setBlockOnOverdue] = useState(current?.blockOnOverdue ?? true);
  const [tolerance, setTolerance] = useState(String(current?.overdueToleranceDays ?? 0));
  const [temporaryAmount, setTemporaryAmount] = useState(current?.temporaryAmount ?? '');
  const [temporaryUntil, setTemporaryUntil] = useState(current?.temporaryUntil ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setGeneral(null);
    const local: Record<string, string[]> = {};
    if (!customerId && !CUSTOMER.test(customer.trim())) local.customerId = [t('mustBeCustomer')];
    if (!AMOUNT.test(amount.trim())) local.amount = [t('mustBeAmount')];
    if (!/^\d+$/.test(threshold) || Number(threshold) < 1 || Number(threshold) > 100)
      local.attentionThresholdPct = [t('mustBePct')];
    if (!/^\d+$/.test(tolerance)) local.overdueToleranceDays = [t('mustBeDays')];
    if (temporaryAmount.trim() && !AMOUNT.test(temporaryAmount.trim()))
      local.temporaryAmount = [t('mustBeAmount')];
    else if (Boolean(temporaryAmount.trim()) !== Boolean(temporaryUntil))
      local[temporaryUntil ? 'temporaryAmount' : 'temporaryUntil'] = [t('temporaryBoth')];
    if (!reason.trim()) local.reason = [t('reasonRequired')];
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setGeneral(t('fixErrors'));
      return;
    }
    try {
      // 200: the change applied; 202: a LimitRequest awaiting a second approver.
      const answer = await api.send<unknown>(
        'PUT',
        customerPath(companyId, customerId ?? customer.trim(), '/credit-limit'),
        {
          amount: amount.trim(),
          mode,
          attentionThresholdPct: Number(threshold),
          validUntil: validUntil || null,
          blockOnOverdue,
          overdueToleranceDays: Number(tolerance),
          ...(temporaryAmount.trim() ? { temporaryAmount: temporaryAmount.trim(), temporaryUntil } : {}),
          reason: reason.trim(),
        },
      );
      setSaved(
        answer.status === 202
          ? t('limitRequested', { id: (answer.body as LimitRequest).requestId })
          : t('saved'),
      );
      setReason('');
      onSaved?.();
    } catch (error) {
      if (error instanceof ApiError && error.errors.length > 0) {
        const fields = [
          'customerId',
          'amount',
          'mode',
          'attentionThresholdPct',
          'validUntil',
          'blockOnOverdue',
          'overdueToleranceDays',
          'temporaryAmount',
          'temporaryUntil',
          'reason',
        ];
        const byField: Record<string, string[]> = {};
        for (const f of fields) if (error.about(f).length) byField[f] = error.about(f);
        setErrors(byField);
        const placed = new Set(Object.values(byField).flat());
        const rest = error.errors.filter((m) => !placed.has(m));
        setGeneral(rest.length ? rest.join('; ') : t('fixErrors'));
      } else {
        setGeneral(error instanceof Error ? error.message : String(error));
      }
    }
  };

  const err = (f: string) => errors[f] ?? [];
  const id = (f: string) => `${prefix}-${f}`;
  return (
    <form
      className="form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={`${prefix}-form-title`}
    >
      <h4 id={`${prefix}-form-title`}>{t('setLimitTitle')}</h4>
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      {!customerId && (
        <Field id={id('customerId')} label={t('customerCode')} errors={err('customerId')}>
          <input
            id={id('customerId')}
            value={customer}
            onChange={(e) => setCustomer(e.target.value)}
            aria-invalid={err('customerId').length > 0}
            aria-describedby={describedBy(id('customerId'), err('customerId'))}
          />
        </Field>
      )}
      <Field id={id('amount')} label={t('limit')} errors={err('amount')}>
        <input
          id={id('amount')}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          aria-invalid={err('amount').length > 0}
          aria-describedby={describedBy(id('amount'), err('amount'))}
        />
      </Field>
      <Field id={id('mode')} label={t('mode')} errors={err('mode')}>
        <select id={id('mode')} value={mode} onChange={(e) => setMode(e.target.value as 'warn' | 'block')}>
          <option value="block">{t('modeBlock')}</option>
          <option value="warn">{t('modeWarn')}</option>
        </select>
      </Field>
      <Field id={id('attentionThresholdPct')} label={t('threshold')} errors={err('attentionThresholdPct')}>
        <input
          id={id('attentionThresholdPct')}
          inputMode="numeric"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          aria-invalid={err('attentionThresholdPct').length > 0}
          aria-describedby={describedBy(id('attentionThresholdPct'), err('attentionThresholdPct'))}
        />
      </Field>
      <Field id={id('validUntil')} label={t('validUntil')} errors={err('validUntil')}>
        <input
          id={id('validUntil')}
          type="date"
          value={validUntil}
          onChange={(e) => setValidUntil(e.target.value)}
          aria-invalid={err('validUntil').length > 0}
          aria-describedby={describedBy(id('validUntil'), err('validUntil'))}
        />
      </Field>
      <div className="field checkbox">
        <input
          id={id('blockOnOverdue')}
          type="checkbox"
          checked={blockOnOverdue}
          onChange={(e) => setBlockOnOverdue(e.target.checked)}
        />
        <label htmlFor={id('blockOnOverdue')}>{t('blockOnOverdue')}</label>
      </div>
      <Field id={id('overdueToleranceDays')} label={t('toleranceDays')} errors={err('overdueToleranceDays')}>
        <input
          id={id('overdueToleranceDays')}
          inputMode="numeric"
          value={tolerance}
          onChange={(e) => setTolerance(e.target.value)}
          aria-invalid={err('overdueToleranceDays').length > 0}
          aria-describedby={describedBy(id('overdueToleranceDays'), err('overdueToleranceDays'))}
        />
      </Field>
      <Field id={id('temporaryAmount')} label={t('temporaryAmount')} errors={err('temporaryAmount')}>
        <input
          id={id('temporaryAmount')}
          inputMode="decimal"
          value={temporaryAmount}
          onChange={(e) => setTemporaryAmount(e.target.value)}
          aria-invalid={err('temporaryAmount').length > 0}
          aria-describedby={describedBy(id('temporaryAmount'), err('temporaryAmount'))}
        />
      </Field>
      <Field id={id('temporaryUntil')} label={t('temporaryUntil')} errors={err('temporaryUntil')}>
        <input
          id={id('temporaryUntil')}
          type="date"
          value={temporaryUntil}
          onChange={(e) => setTemporaryUntil(e.target.value)}
          aria-invalid={err('temporaryUntil').length > 0}
          aria-describedby={describedBy(id('temporaryUntil'), err('temporaryUntil'))}
        />
      </Field>
      <Field id={id('reason')} label={t('reason')} errors={err('reason')}>
        <input
          id={id('reason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={err('reason').length > 0}
          aria-describedby={describedBy(id('reason'), err('reason'))}
        />
      </Field>
      <button type="submit">{t('save')}</button>
      <span role="status" className="saved">
        {saved ?? ''}
      </span>
    </form>
  );
}
