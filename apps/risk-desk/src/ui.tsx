import { ReactNode } from 'react';
import { ApiError, Status } from './api';
import { formatAmount, formatPercent, Locale } from './format';
import { useI18n } from './i18n';

export function StatusBadge({ status }: { status: Status | string }) {
  const { t } = useI18n();
  const label = ['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED'].includes(status) ? t(status as Status) : status;
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {label}
    </span>
  );
}

/** Utilisation as a bar and a figure; over 100 % the bar is full and red. */
export function UtilisationBar({
  pct,
  status,
  locale,
}: {
  pct: string | null;
  status: string;
  locale: Locale;
}) {
  const { t } = useI18n();
  if (pct === null) return <span>—</span>;
  const [units] = pct.split('.');
  const width = Math.max(0, Math.min(100, Number(units)));
  return (
    <span className="utilisation">
      <span
        className="bar"
        role="meter"
        aria-label={t('utilisation')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={width}
        aria-valuetext={formatPercent(pct, locale)}
      >
        <span className={`fill status-${status}`} style={{ width: `${width}%` }} />
      </span>
      <span className="figure">{formatPercent(pct, locale)}</span>
    </span>
  );
}

export function Money({ value }: { value: string | null | undefined }) {
  const { locale } = useI18n();
  return <span className="money">{formatAmount(value, locale)}</span>;
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="error">
      {error instanceof ApiError && error.status === 403
        ? t('forbidden', { message })
        : t('error', { message })}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** A labelled form field with its validation messages right under it (aria-describedby). */
export function Field({
  id,
  label,
  errors,
  children,
  hint,
}: {
  id: string;
  label: string;
  errors: string[];
  children: ReactNode;
  hint?: string;
}) {
  return (
    <div className={`field${errors.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {errors.length > 0 && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {errors.join('; ')}
        </span>
      )}
    </div>
  );
}

export const describedBy = (id: string, errors: string[], hint = false) =>
  [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
