import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, companyPath, COMPONENTS, hasRole } from '../api';
import { LabelKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { describedBy, ErrorNote, Field } from '../ui';
import { LimitForm } from './LimitForm';

type Severity = 'off' | 'warn' | 'block';
interface Parameters {
  timeZone: string;
  includedComponents: Record<(typeof COMPONENTS)[number], boolean>;
  billRiskDays: number;
  missingLimit: 'no-limit' | 'zero-warn' | 'zero-block';
  riskClasses: Record<'A' | 'B' | 'C', { maxAvgDaysLate: number; maxDishonouredBills: number }>;
  documentChecks: Record<'order' | 'delivery' | 'invoice', Severity>;
}

/** Limits and company parameters, for credit managers (viewers see them read-only). */
export function Settings() {
  const { me } = useSession();
  const { t } = useI18n();
  const editable = hasRole(me.roles, 'credit-manager');
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t('navSettings')}</h2>
      {!editable && <p className="hint">{t('readOnly')}</p>}
      {editable && <LimitForm />}
      <ParametersForm editable={editable} />
    </section>
  );
}

const asNumber = (text: string): number | string => (/^-?\d+$/.test(text.trim()) ? Number(text) : text);

function ParametersForm({ editable }: { editable: boolean }) {
  const { api, companyId } = useSession();
  const { t } = useI18n();
  const [form, setForm] = useState<Record<string, string | boolean> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const load = useCallback(async () => {
    try {
      const { parameters: p } = await api.get<{ parameters: Parameters }>(
        companyPath(companyId, '/parameters'),
      );
      const flat: Record<string, string | boolean> = {
        timeZone: p.timeZone,
        billRiskDays: String(p.billRiskDays),
        missingLimit: p.missingLimit,
        reason: '',
      };
      for (const c of COMPONENTS) flat[`includedComponents.${c}`] = p.includedComponents[c];
      for (const d of ['order', 'delivery', 'invoice'] as const)
        flat[`documentChecks.${d}`] = p.documentChecks[d];
      for (const c of ['A', 'B', 'C'] as const) {
        flat[`riskClasses.${c}.maxAvgDaysLate`] = String(p.riskClasses[c].maxAvgDaysLate);
        flat[`riskClasses.${c}.maxDishonouredBills`] = String(p.riskClasses[c].maxDishonouredBills);
      }
      setForm(flat);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, companyId]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error !== null) return <ErrorNote error={error} onRetry={() => void load()} />;
  if (form === null) return <p>{t('loading')}</p>;

  const set = (name: string, value: string | boolean) => setForm({ ...form, [name]: value });
  const err = (name: string) => errors[name] ?? [];
  const id = (name: string) => `param-${name.replace(/\./g, '-')}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setGeneral(null);
    if (!String(form.reason).trim()) {
      setErrors({ reason: [t('reasonRequired')] });
      setGeneral(t('fixErrors'));
      return;
    }
    const body = {
      timeZone: form.timeZone,
      billRiskDays: asNumber(String(form.billRiskDays)),
      missingLimit: form.missingLimit,
      includedComponents: Object.fromEntries(COMPONENTS.map((c) => [c, form[`includedComponents.${c}`]])),
      documentChecks: Object.fromEntries(
        ['order', 'delivery', 'invoice'].map((d) => [d, form[`documentChecks.${d}`]]),
      ),
      riskClasses: Object.fromEntries(
        ['A', 'B', 'C'].map((c) => [
          c,
          {
            maxAvgDaysLate: asNumber(String(form[`riskClasses.${c}.maxAvgDaysLate`])),
            maxDishonouredBills: asNumber(String(form[`riskClasses.${c}.maxDishonouredBills`])),
          },
        ]),
      ),
      reason: String(form.reason).trim(),
    };
    try {
      await api.request('PUT', companyPath(companyId, '/parameters'), body);
      setErrors({});
      setSaved(true);
      await load();
    } catch (failure) {
      if (failure instanceof ApiError && failure.errors.length > 0) {
        const byField: Record<string, string[]> = {};
        for (const name of Object.keys(form))
          if (failure.about(name).length) byField[name] = failure.about(name);
        setErrors(byField);
        const placed = new Set(Object.values(byField).flat());
        const rest = failure.errors.filter((m) => !placed.has(m));
        setGeneral(rest.length ? rest.join('; ') : t('fixErrors'));
      } else {
        setGeneral(failure instanceof Error ? failure.message : String(failure));
      }
    }
  };

  const text = (name: string, label: string, numeric = false) => (
    <Field id={id(name)} label={label} errors={err(name)}>
      <input
        id={id(name)}
        value={String(form[name])}
        inputMode={numeric ? 'numeric' : undefined}
        disabled={!editable}
        onChange={(e) => set(name, e.target.value)}
        aria-invalid={err(name).length > 0}
        aria-describedby={describedBy(id(name), err(name))}
      />
    </Field>
  );
  const severity = (d: 'order' | 'delivery' | 'invoice', label: LabelKey) => (
    <Field id={id(`documentChecks.${d}`)} label={t(label)} errors={err(`documentChecks.${d}`)}>
      <select
        id={id(`documentChecks.${d}`)}
        value={String(form[`documentChecks.${d}`])}
        disabled={!editable}
        onChange={(e) => set(`documentChecks.${d}`, e.target.value)}
      >
        <option value="off">{t('severityOff')}</option>
        <option value="warn">{t('severityWarn')}</option>
        <option value="block">{t('severityBlock')}</option>
      </select>
    </Field>
  );

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="parameters-title">
      <h3 id="parameters-title">{t('parametersTitle')}</h3>
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      {text('timeZone', t('timeZone'))}
      {text('billRiskDays', t('billRiskDays'), true)}
      <Field id={id('missingLimit')} label={t('missingLimit')} errors={err('missingLimit')}>
        <select
          id={id('missingLimit')}
          value={String(form.missingLimit)}
          disabled={!editable}
          onChange={(e) => set('missingLimit', e.target.value)}
        >
          <option value="no-limit">{t('missingNoLimit')}</option>
          <option value="zero-warn">{t('missingZeroWarn')}</option>
          <option value="zero-block">{t('missingZeroBlock')}</option>
        </select>
      </Field>
      <fieldset>
        <legend>{t('includedComponents')}</legend>
        {COMPONENTS.map((c) => (
          <div className="field checkbox" key={c}>
            <input
              id={id(`includedComponents.${c}`)}
              type="checkbox"
              disabled={!editable}
              checked={Boolean(form[`includedComponents.${c}`])}
              onChange={(e) => set(`includedComponents.${c}`, e.target.checked)}
            />
            <label htmlFor={id(`includedComponents.${c}`)}>{t(c)}</label>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('documentChecks')}</legend>
        {severity('order', 'checkOrder')}
        {severity('delivery', 'checkDelivery')}
        {severity('invoice', 'checkInvoice')}
      </fieldset>
      <fieldset>
        <legend>{t('riskClasses')}</legend>
        {(['A', 'B', 'C'] as const).map((c) => (
          <div key={c} className="pair">
            {text(`riskClasses.${c}.maxAvgDaysLate`, t('maxAvgDaysLate', { c }), true)}
            {text(`riskClasses.${c}.maxDishonouredBills`, t('maxDishonouredBills', { c }), true)}
          </div>
        ))}
      </fieldset>
      {editable && (
        <>
          {text('reason', t('reason'))}
          <button type="submit">{t('save')}</button>
          <span role="status" className="saved">
            {saved ? t('saved') : ''}
          </span>
        </>
      )}
    </form>
  );
}
