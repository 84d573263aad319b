import { ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { companyPath, Exposure, ExposureSummary, LiveChange, Page, STATUSES } from '../api';
import { formatAmount } from '../format';
import { useI18n } from '../i18n';
import { Expected, expectationOf, meets, useLive, useSession } from '../session';
import { Direction, directionOf, nextSort } from '../sort';
import { ErrorNote, Money, StatusBadge, UtilisationBar } from '../ui';

const PAGE_SIZE = 100;

/**
 * A column header that sorts the list by `sortKey` (a key of the API's `sort`):
 * a button, so a keyboard reaches and presses it, and `aria-sort` on the
 * sorted column, so a screen reader says which column and which direction.
 */
function SortHeader({
  label,
  sortKey,
  first,
  sort,
  onSort,
  numeric = false,
}: {
  label: string;
  sortKey: string;
  first: Direction;
  sort: string;
  onSort: (sort: string) => void;
  numeric?: boolean;
}) {
  const direction = directionOf(sort, sortKey);
  return (
    <th scope="col" className={numeric ? 'num' : undefined} aria-sort={direction}>
      <button type="button" className="sort" onClick={() => onSort(nextSort(sort, sortKey, first))}>
        {label}
        <span className={`sort-icon${direction ? '' : ' unsorted'}`} aria-hidden="true">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

/**
 * Every customer of the company, filtered and sorted by the API (GET /exposures);
 * the column headers choose the sort.
 * A live event patches its row at once with what the event says, then the page is
 * read again; until the projection shows what the event announced, the event's
 * values win and the read is retried.
 */
export function Board() {
  const { api, companyId } = useSession();
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [blocked, setBlocked] = useState('');
  const [riskClass, setRiskClass] = useState('');
  const [agent, setAgent] = useState('');
  const [sort, setSort] = useState('customerId');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<Exposure> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [flash, setFlash] = useState<Set<string>>(new Set());
  const expected = useRef(new Map<string, { fields: Expected; tries: number }>());
  const retry = useRef<number | undefined>(undefined);
  const request = useRef(0);

  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset), sort });
  if (q.trim()) query.set('q', q.trim());
  if (status) query.set('status', status);
  if (blocked) query.set('blocked', blocked);
  if (riskClass) query.set('riskClass', riskClass);
  if (agent.trim()) query.set('salesAgentId', agent.trim());
  const path = companyPath(companyId, `/exposures?${query}`);
  // The strip sums the customers the same filters keep, over every page.
  const filters = new URLSearchParams(query);
  for (const name of ['limit', 'offset', 'sort']) filters.delete(name);
  const summaryPath = companyPath(companyId, `/exposures/summary${filters.toString() ? `?${filters}` : ''}`);
  const [summary, setSummary] = useState<ExposureSummary | null>(null);
  const summaryRequest = useRef(0);
  const summaryTimer = useRef<number | undefined>(undefined);
  const loadSummary = useCallback(async () => {
    const mine = ++summaryRequest.current;
    try {
      const result = await api.get<ExposureSummary>(summaryPath);
      if (mine === summaryRequest.current) setSummary(result);
    } catch {
      // the list shows the error; the strip keeps its last figures
    }
  }, [api, summaryPath]);
  useEffect(() => {
    void loadSummary();
    return () => window.clearTimeout(summaryTimer.current);
  }, [loadSummary]);

  const load = useCallback(async () => {
    const mine = ++request.current;
    try {
      const result = await api.get<Page<Exposure>>(path);
      if (mine !== request.current) return;
      let pending = false;
      const items = result.items.map((row) => {
        const e = expected.current.get(row.customerId);
        if (!e) return row;
        if (meets(row as unknown as Record<string, unknown>, e.fields) || e.tries >= 20) {
          expected.current.delete(row.customerId);
          return row;
        }
        e.tries += 1;
        pending = true;
        return { ...row, ...e.fields } as Exposure;
      });
      setPage({ ...result, items });
      setError(null);
      window.clearTimeout(retry.current);
      if (pending) retry.current = window.setTimeout(() => void load(), 250);
    } catch (e) {
      if (mine === request.current) setError(e);
    }
  }, [api, path]);

  useEffect(() => {
    void load();
    return () => window.clearTimeout(retry.current);
  }, [load]);

  const onChange = (event: LiveChange) => {
    const fields = expectationOf(event);
    if (!fields) return;
    const previous = expected.current.get(event.customerId)?.fields ?? {};
    expected.current.set(event.customerId, { fields: { ...previous, ...fields }, tries: 0 });
    setPage(
      (p) =>
        p && {
          ...p,
          items: p.items.map((row) =>
            row.customerId === event.customerId
              ? ({
                  ...row,
                  ...fields,
                  ...(event.type === 'exposure.statusChanged'
                    ? { utilizationPct: event.data.utilizationPct as string | null }
                    : {}),
                } as Exposure)
              : row,
          ),
        },
    );
    setFlash((f) => new Set(f).add(event.customerId));
    window.setTimeout(
      () =>
        setFlash((f) => {
          const next = new Set(f);
          next.delete(event.customerId);
          return next;
        }),
      3000,
    );
    window.clearTimeout(retry.current);
    retry.current = window.setTimeout(() => void load(), 150);
    // The projection follows the event by a moment: sum again a little later.
    window.clearTimeout(summaryTimer.current);
    summaryTimer.current = window.setTimeout(() => void loadSummary(), 500);
  };
  useLive(onChange, () => {
    void load();
    void loadSummary();
  });

  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setOffset(0);
      set(v);
    };

  const sorting = { sort, onSort: filter(setSort) };

  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">{t('navBoard')}</h2>
      <SummaryStrip summary={summary} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="board-q">{t('search')}</label>
          <input id="board-q" type="search" value={q} onChange={(e) => filter(setQ)(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="board-status">{t('filterStatus')}</label>
          <select id="board-status" value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-blocked">{t('filterBlocked')}</label>
          <select id="board-blocked" value={blocked} onChange={(e) => filter(setBlocked)(e.target.value)}>
            <option value="">{t('all')}</option>
            <option value="true">{t('yes')}</option>
            <option value="false">{t('no')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-risk-class">{t('filterRiskClass')}</label>
          <select
            id="board-risk-class"
            value={riskClass}
            onChange={(e) => filter(setRiskClass)(e.target.value)}
          >
            <option value="">{t('all')}</option>
            {['A', 'B', 'C', 'D'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-agent">{t('filterSalesAgent')}</label>
          <input
            id="board-agent"
            value={agent}
            onChange={(e) => filter(setAgent)(e.target.value)}
            aria-describedby="board-agent-hint"
          />
          <span id="board-agent-hint" className="hint">
            {t('filterSalesAgentHint')}
          </span>
        </div>
      </form>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      {page === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          <p className="count" aria-live="polite">
            {t('customersShown', { shown: page.items.length, total: page.total })}
          </p>
          <table className="board">
            <caption className="visually-hidden">{t('navBoard')}</caption>
            <thead>
              <tr>
                <SortHeader label={t('customer')} sortKey="customerId" first="ascending" {...sorting} />
                <SortHeader label={t('customerName')} sortKey="customerName" first="ascending" {...sorting} />
                <SortHeader label={t('total')} sortKey="total" first="descending" numeric {...sorting} />
                <th scope="col" className="num">
                  {t('limit')}
                </th>
                <SortHeader label={t('utilisation')} sortKey="utilization" first="descending" {...sorting} />
                <SortHeader label={t('status')} sortKey="status" first="descending" {...sorting} />
                <th scope="col">{t('blocked')}</th>
                <SortHeader
                  label={t('overdue')}
                  sortKey="overdueAmount"
                  first="descending"
                  numeric
                  {...sorting}
                />
                <th scope="col">{t('riskClass')}</th>
                <th scope="col">{t('creditClass')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.length === 0 && (
                <tr>
                  <td colSpan={10}>{t('noCustomers')}</td>
                </tr>
              )}
              {page.items.map((row) => (
                <tr
                  key={row.customerId}
                  data-customer={row.customerId}
                  className={flash.has(row.customerId) ? 'flash' : undefined}
                >
                  <th scope="row">
                    <a href={`#/customers/${encodeURIComponent(row.customerId)}`}>{row.customerId}</a>
                  </th>
                  <td className="customer-name" data-name>
                    {row.customerName ?? '—'}
                    {row.salesAgentId && (
                      <span className="agent">{t('agentOf', { agent: row.salesAgentId })}</span>
                    )}
                  </td>
                  <td className="num">
                    <Money value={row.total} />
                  </td>
                  <td className="num">
                    <Money value={row.limit?.amount} />
                  </td>
                  <td>
                    <UtilisationBar pct={row.utilizationPct} status={row.status} locale={locale} />
                  </td>
                  <td>
                    <StatusBadge status={row.status} />
                  </td>
                  <td>{row.blocked ? <strong className="blocked">{t('yes')}</strong> : t('no')}</td>
                  <td className="num">
                    <Money value={row.overdueAmount} />
                  </td>
                  <td>{row.riskClass}</td>
                  <td data-credit-class>{row.creditClass?.code ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              {t('previous')}
            </button>
            <button
              type="button"
              disabled={offset + PAGE_SIZE >= page.total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              {t('next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** Figures over every customer the filters keep (not just the page), from GET …/exposures/summary. */
function SummaryStrip({ summary }: { summary: ExposureSummary | null }) {
  const { t, locale } = useI18n();
  const figures: [string, string, ReactNode, string?][] = summary
    ? [
        [
          'total',
          t('summaryTotal'),
          <Money value={summary.totalExposure} />,
          t('summaryCustomers', { n: summary.customers }),
        ],
        ['exceeded', t('summaryExceeded'), summary.exceeded, t('summaryWarning', { n: summary.warning })],
        ['blocked', t('summaryBlocked'), summary.blocked],
        [
          'overdue',
          t('summaryOverdue'),
          <Money value={summary.overdueAmount} />,
          t('summaryCustomers', { n: summary.overdueCustomers }),
        ],
        ['holds', t('summaryHolds'), summary.holdsWaiting, formatAmount(summary.holdsWaitingAmount, locale)],
      ]
    : [];
  return (
    <section className="summary-strip" aria-label={t('summaryTitle')} aria-busy={summary === null}>
      <dl>
        {figures.map(([key, label, value, note]) => (
          <div key={key} data-summary={key}>
            <dt>{label}</dt>
            <dd>
              <span className="figure">{value}</span>
              {note && <span className="note">{note}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
