import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError,
  ClassAssignment,
  Component,
  COMPONENTS,
  customerPath,
  Exposure,
  hasRole,
  LimitProposal,
  LiveChange,
  ManualBlock,
  noneIfMissing,
  Page,
} from '../api';
import { detailRows } from '../details';
import { formatAmount, formatDate, formatInstant, monthlyDaysLate, share, toCents } from '../format';
import { LABELS, LabelKey, useI18n } from '../i18n';
import { Expected, expectationOf, meets, useLive, useSession } from '../session';
import { ErrorNote, Money, StatusBadge, UtilisationBar } from '../ui';
import { exposurePoints } from '../exposure-points';
import { ExposureChart } from './ExposureChart';
import { ClassAndBlock, ProposalView } from './CustomerCredit';
import { LimitForm } from './LimitForm';
import { CollectionCase } from './CollectionCase';

interface DocumentRow {
  documentId: string;
  amount: string;
  details: Record<string, unknown>;
}
interface Documents {
  components: Partial<Record<Component, { amount: string; count: number; items: DocumentRow[] }>>;
}
interface OpenItem {
  openItemId: string;
  amount: string;
  residual: string;
  dueDate: string;
  daysOverdue: number;
}
interface Ageing {
  buckets: Record<(typeof BUCKETS)[number], string>;
  overdueTotal: string;
}
interface Behaviour {
  avgDaysLate: string;
  dishonouredBills12m: number;
  riskClass: string;
  settlements: { items: { settlementDate: string; amount: string; daysLate: number | null }[] };
  dishonouredBills: { items: { billId: string; amount: string; dishonouredOn: string | null }[] };
}
interface LimitView {
  amount: string;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  blockOnOverdue: boolean | null;
  overdueToleranceDays: number | null;
  temporaryAmount?: string | null;
  temporaryUntil?: string | null;
}
interface LimitChange {
  changeId: string;
  action: 'set' | 'removed';
  after: LimitView | null;
  changedBy: string;
  reason: string;
  changedAt: string;
}
interface HistoryItem {
  type: string;
  occurredAt: string;
  eventId: string | null;
  data: Record<string, unknown>;
}

interface Loaded {
  exposure: Exposure;
  documents: Documents;
  openItems: Page<OpenItem>;
  ageing: Ageing;
  behaviour: Behaviour;
  limit: LimitView | null;
  limitHistory: Page<LimitChange>;
  history: Page<HistoryItem>;
  statusChanges: Page<HistoryItem>;
  assignment: ClassAssignment | null;
  manualBlock: ManualBlock | null;
  proposal: LimitProposal | null;
}

const BUCKETS = ['notDue', 'days1To30', 'days31To60', 'days61To90', 'over90Days'] as const;
const STATUS_EVENTS = 'exposure.statusChanged,customer.blocked,customer.unblocked,overdue.changed';

/** One customer: components, drill-down, ageing, payment behaviour, limit and status history. */
export function CustomerPage({ customerId }: { customerId: string }) {
  const { api, companyId, me } = useSession();
  const { t, locale } = useI18n();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [component, setComponent] = useState<Component | null>(null);
  const [document, setDocument] = useState<DocumentRow | null>(null);
  const expected = useRef<{ fields: Expected; tries: number } | null>(null);
  // A class just assigned reaches the exposure through the engine: reload until it shows.
  const awaitedClass = useRef<{ code: string; tries: number } | null>(null);
  const retry = useRef<number | undefined>(undefined);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const path = (rest: string) => customerPath(companyId, customerId, rest);

  const load = useCallback(async () => {
    try {
      const [
        exposure,
        documents,
        openItems,
        ageing,
        behaviour,
        limit,
        limitHistory,
        history,
        statusChanges,
        assignment,
        manualBlock,
        proposal,
      ] = await Promise.all([
        api.get<Exposure>(path('/exposure')),
        api.get<Documents>(path('/exposure/documents?limit=200')),
        api.get<Page<OpenItem>>(path('/open-items?limit=200')),
        api.get<Ageing>(path('/ageing')),
        api.get<Behaviour>(path('/payment-behaviour?limit=500')),
        api
          .get<{ limit: LimitView }>(path('/credit-limit'))
          .then((r) => r.limit)
          .catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 404) return null;
            throw e;
          }),
        api.get<Page<LimitChange>>(path('/credit-limit/history?limit=20')),
        api.get<Page<HistoryItem>>(path(`/history?type=${STATUS_EVENTS}&limit=50`)),
        // The chart's readings: each status change carries the total and the limit of its moment.
        api.get<Page<HistoryItem>>(path('/history?type=exposure.statusChanged&limit=500')),
        noneIfMissing(api.get<ClassAssignment>(path('/credit-class'))),
        noneIfMissing(api.get<ManualBlock>(path('/manual-block'))),
        noneIfMissing(api.get<LimitProposal>(path('/credit-limit/proposal'))),
      ]);
      const e = expected.current;
      window.clearTimeout(retry.current);
      if (e && !meets(exposure as unknown as Record<string, unknown>, e.fields) && e.tries < 20) {
        e.tries += 1;
        retry.current = window.setTimeout(() => void load(), 250);
        return;
      }
      const awaited = awaitedClass.current;
      if (awaited && exposure.creditClass?.code !== awaited.code && awaited.tries < 20) {
        awaited.tries += 1;
        retry.current = window.setTimeout(() => void load(), 250);
        return;
      }
      expected.current = null;
      awaitedClass.current = null;
      setData({
        exposure,
        documents,
        openItems,
        ageing,
        behaviour,
        limit,
        limitHistory,
        history,
        statusChanges,
        assignment,
        manualBlock,
        proposal,
      });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api, companyId, customerId]);

  useEffect(() => {
    void load();
    return () => window.clearTimeout(retry.current);
  }, [load]);

  useEffect(() => {
    if (document) detailHeading.current?.focus();
  }, [document]);

  useLive(
    (event: LiveChange) => {
      if (event.customerId !== customerId) return;
      const fields = expectationOf(event);
      if (fields) expected.current = { fields: { ...(expected.current?.fields ?? {}), ...fields }, tries: 0 };
      window.clearTimeout(retry.current);
      retry.current = window.setTimeout(() => void load(), 150);
    },
    () => void load(),
  );

  if (error !== null && data === null) return <ErrorNote error={error} onRetry={() => void load()} />;
  if (data === null) return <p>{t('loading')}</p>;
  const { exposure } = data;
  const positive = COMPONENTS.map((c) => [c, toCents(exposure.components[c])] as const);
  const stackTotal = positive.reduce((sum, [, v]) => sum + (v > 0n ? v : 0n), 0n);
  const selected = component ? data.documents.components[component] : undefined;
  const ageingMax = BUCKETS.reduce(
    (m, b) => (toCents(data.ageing.buckets[b]) > m ? toCents(data.ageing.buckets[b]) : m),
    0n,
  );
  const months = monthlyDaysLate(data.behaviour.settlements.items);
  const monthMax = Math.max(1, ...months.map((m) => m.avgDaysLate));

  return (
    <article aria-labelledby="customer-title" className="customer">
      <p>
        <a href="#/board">← {t('backToBoard')}</a>
      </p>
      <h2 id="customer-title">
        {t('customer')} {exposure.customerId}
        {exposure.customerName && <span className="customer-name"> – {exposure.customerName}</span>}
      </h2>
      {error !== null && <ErrorNote error={error} onRetry={() => void load()} />}
      <dl className="summary">
        <div>
          <dt>{t('status')}</dt>
          <dd>
            <StatusBadge status={exposure.status} />
          </dd>
        </div>
        <div>
          <dt>{t('blocked')}</dt>
          <dd data-testid="blocked">
            {exposure.blocked
              ? `${t('yes')} (${exposure.blockReasons.map((r) => t(r as LabelKey)).join(', ')})`
              : t('no')}
          </dd>
        </div>
        <div>
          <dt>{t('total')}</dt>
          <dd>
            <Money value={exposure.total} />
          </dd>
        </div>
        <div>
          <dt>{t('limit')}</dt>
          <dd>
            <Money value={exposure.limit?.amount} />
          </dd>
        </div>
        <div>
          <dt>{t('utilisation')}</dt>
          <dd>
            <UtilisationBar pct={exposure.utilizationPct} status={exposure.status} locale={locale} />
          </dd>
        </div>
        <div>
          <dt>{t('overdue')}</dt>
          <dd>
            <Money value={exposure.overdueAmount} />
          </dd>
        </div>
        <div>
          <dt>{t('riskClass')}</dt>
          <dd>{exposure.riskClass}</dd>
        </div>
        <div>
          <dt>{t('businessDate')}</dt>
          <dd>{formatDate(exposure.businessDate, locale)}</dd>
        </div>
        {exposure.vatNumber && (
          <div>
            <dt>{t('vatNumber')}</dt>
            <dd>{exposure.vatNumber}</dd>
          </div>
        )}
        {exposure.salesAgentId && (
          <div>
            <dt>{t('salesAgent')}</dt>
            <dd>{exposure.salesAgentId}</dd>
          </div>
        )}
        {exposure.customerEmail && (
          <div>
            <dt>{t('customerEmail')}</dt>
            <dd>
              <a href={`mailto:${exposure.customerEmail}`}>{exposure.customerEmail}</a>
            </dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="exposure-chart-heading">
        <h3 id="exposure-chart-heading">{t('exposureChart')}</h3>
        <ExposureChart
          points={exposurePoints(data.statusChanges.items, {
            at: exposure.asOf,
            total: exposure.total,
            limit: exposure.limit?.amount ?? null,
          })}
        />
        {data.statusChanges.items.length === 0 && <p className="hint">{t('exposureChartEmpty')}</p>}
      </section>

      <section aria-labelledby="components-title">
        <h3 id="components-title">{t('components')}</h3>
        <div className="stack" role="img" aria-label={t('componentsChart')}>
          {positive.map(([c, v]) =>
            v > 0n ? (
              <span
                key={c}
                className={`segment seg-${c}`}
                style={{ width: `${share(v, stackTotal)}%` }}
                title={`${t(c)}: ${formatAmount(exposure.components[c], locale)}`}
              />
            ) : null,
          )}
        </div>
        <table className="components">
          <thead>
            <tr>
              <th scope="col">{t('components')}</th>
              <th scope="col" className="num">
                {t('amount')}
              </th>
              <th scope="col">{t('details')}</th>
            </tr>
          </thead>
          <tbody>
            {COMPONENTS.map((c) => (
              <tr key={c}>
                <th scope="row">
                  <span className={`swatch seg-${c}`} aria-hidden="true" /> {t(c)}
                </th>
                <td className="num">
                  <Money value={exposure.components[c]} />
                </td>
                <td>
                  <button
                    type="button"
                    aria-expanded={component === c}
                    aria-controls="drilldown"
                    onClick={() => {
                      setComponent(component === c ? null : c);
                      setDocument(null);
                    }}
                  >
                    {t('showDocuments', { component: t(c) })}
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('total')}</th>
              <td className="num">
                <strong>
                  <Money value={exposure.total} />
                </strong>
              </td>
              <td />
            </tr>
          </tbody>
        </table>
        <div id="drilldown">
          {component && (
            <section aria-labelledby="documents-title" className="panel">
              <h4 id="documents-title">{t('documentsOf', { component: t(component) })}</h4>
              {!selected || selected.items.length === 0 ? (
                <p>{t('noDocuments')}</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('document')}</th>
                      <th scope="col" className="num">
                        {t('amount')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {selected.items.map((d) => (
                      <tr key={d.documentId}>
                        <th scope="row">
                          <button type="button" className="link" onClick={() => setDocument(d)}>
                            {d.documentId}
                          </button>
                        </th>
                        <td className="num">
                          <Money value={d.amount} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {component === 'receivables' && (
                <>
                  <h4>{t('openItems')}</h4>
                  {data.openItems.items.length === 0 ? (
                    <p>{t('noOpenItems')}</p>
                  ) : (
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('openItem')}</th>
                          <th scope="col">{t('dueDate')}</th>
                          <th scope="col" className="num">
                            {t('amount')}
                          </th>
                          <th scope="col" className="num">
                            {t('residual')}
                          </th>
                          <th scope="col" className="num">
                            {t('daysOverdue')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.openItems.items.map((o) => (
                          <tr key={o.openItemId}>
                            <th scope="row">{o.openItemId}</th>
                            <td>{formatDate(o.dueDate, locale)}</td>
                            <td className="num">
                              <Money value={o.amount} />
                            </td>
                            <td className="num">
                              <Money value={o.residual} />
                            </td>
                            <td className="num">{o.daysOverdue}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </>
              )}
              {document && (
                <section aria-labelledby="document-title" className="panel detail">
                  <h4 id="document-title" tabIndex={-1} ref={detailHeading}>
                    {t('documentDetail', { documentId: document.documentId })}
                  </h4>
                  <dl>
                    <div>
                      <dt>{t('amount')}</dt>
                      <dd>
                        <Money value={document.amount} />
                      </dd>
                    </div>
                    {detailRows(document.details, t, locale).map((d) => (
                      <div key={d.field} data-field={d.field}>
                        <dt>{d.label}</dt>
                        <dd>{d.value}</dd>
                      </div>
                    ))}
                  </dl>
                  <button type="button" onClick={() => setDocument(null)}>
                    {t('close')}
                  </button>
                </section>
              )}
            </section>
          )}
        </div>
      </section>

      <section aria-labelledby="ageing-title">
        <h3 id="ageing-title">{t('ageing')}</h3>
        <div className="bars" role="img" aria-label={t('ageingChart')}>
          {BUCKETS.map((b) => (
            <div key={b} className="bar-row">
              <span className="bar-label">{t(b)}</span>
              <span className="bar-track">
                <span
                  className={`bar-fill bucket-${b}`}
                  style={{ width: `${share(toCents(data.ageing.buckets[b]), ageingMax)}%` }}
                />
              </span>
              <span className="bar-value">{formatAmount(data.ageing.buckets[b], locale)}</span>
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="behaviour-title">
        <h3 id="behaviour-title">{t('paymentBehaviour')}</h3>
        <dl className="summary">
          <div>
            <dt>{t('avgDaysLate')}</dt>
            <dd>{data.behaviour.avgDaysLate}</dd>
          </div>
          <div>
            <dt>{t('dishonouredBills')}</dt>
            <dd>{data.behaviour.dishonouredBills12m}</dd>
          </div>
          <div>
            <dt>{t('riskClass')}</dt>
            <dd>{data.behaviour.riskClass}</dd>
          </div>
        </dl>
        <h4>{t('avgDaysLateChart')}</h4>
        {months.length === 0 ? (
          <p>{t('noSettlements')}</p>
        ) : (
          <div className="bars" role="img" aria-label={t('avgDaysLateChart')}>
            {months.map((m) => (
              <div key={m.month} className="bar-row">
                <span className="bar-label">{m.month}</span>
                <span className="bar-track">
                  <span className="bar-fill late" style={{ width: `${(m.avgDaysLate / monthMax) * 100}%` }} />
                </span>
                <span className="bar-value">{m.avgDaysLate}</span>
              </div>
            ))}
          </div>
        )}
        {data.behaviour.dishonouredBills.items.length > 0 && (
          <table>
            <caption>{t('dishonouredBills')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bill')}</th>
                <th scope="col">{t('dishonouredOn')}</th>
                <th scope="col" className="num">
                  {t('amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.behaviour.dishonouredBills.items.map((b) => (
                <tr key={b.billId}>
                  <th scope="row">{b.billId}</th>
                  <td>{formatDate(b.dishonouredOn, locale)}</td>
                  <td className="num">
                    <Money value={b.amount} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <ClassAndBlock
        customerId={customerId}
        exposure={exposure}
        assignment={data.assignment}
        block={data.manualBlock}
        onChanged={(code) => {
          if (code) awaitedClass.current = { code, tries: 0 };
          void load();
        }}
      />

      <section aria-labelledby="limit-title">
        <h3 id="limit-title">{t('limitAndHistory')}</h3>
        {data.limit ? (
          <dl className="summary">
            <div>
              <dt>{t('limit')}</dt>
              <dd>
                <Money value={data.limit.amount} />
              </dd>
            </div>
            <div>
              <dt>{t('mode')}</dt>
              <dd>{data.limit.mode === 'block' ? t('modeBlock') : t('modeWarn')}</dd>
            </div>
            <div>
              <dt>{t('threshold')}</dt>
              <dd>{data.limit.attentionThresholdPct}</dd>
            </div>
            <div>
              <dt>{t('validUntil')}</dt>
              <dd>{formatDate(data.limit.validUntil, locale)}</dd>
            </div>
            {data.limit.temporaryAmount && (
              <div>
                <dt>{t('temporaryAmount')}</dt>
                <dd data-testid="temporary-limit">
                  <Money value={data.limit.temporaryAmount} />{' '}
                  {t('manualBlockUntil', { until: formatDate(data.limit.temporaryUntil, locale) })}
                </dd>
              </div>
            )}
            {exposure.limit?.effectiveAmount && exposure.limit.effectiveAmount !== data.limit.amount && (
              <div>
                <dt>{t('effectiveLimit')}</dt>
                <dd>
                  <Money value={exposure.limit.effectiveAmount} />
                </dd>
              </div>
            )}
          </dl>
        ) : (
          <p>{t('noLimit')}</p>
        )}
        <ProposalView proposal={data.proposal} />
        {hasRole(me.roles, 'credit-manager') ? (
          <LimitForm customerId={customerId} current={data.limit} onSaved={() => void load()} />
        ) : (
          <p className="hint">{t('readOnly')}</p>
        )}
        <table>
          <caption>{t('limitHistory')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('changedAt')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col" className="num">
                {t('limit')}
              </th>
              <th scope="col">{t('changedBy')}</th>
              <th scope="col">{t('reason')}</th>
            </tr>
          </thead>
          <tbody>
            {data.limitHistory.items.length === 0 && (
              <tr>
                <td colSpan={5}>{t('noHistory')}</td>
              </tr>
            )}
            {data.limitHistory.items.map((c) => (
              <tr key={c.changeId}>
                <td>{formatInstant(c.changedAt, locale)}</td>
                <td>{c.action === 'set' ? t('set') : t('removed')}</td>
                <td className="num">
                  <Money value={c.after?.amount} />
                </td>
                <td>{c.changedBy}</td>
                <td>{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <CollectionCase customerId={customerId} reloadKey={data} />

      <section aria-labelledby="status-history-title">
        <h3 id="status-history-title">{t('statusHistory')}</h3>
        <table className="status-history">
          <thead>
            <tr>
              <th scope="col">{t('changedAt')}</th>
              <th scope="col">{t('event')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" className="num">
                {t('total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.history.items.length === 0 && (
              <tr>
                <td colSpan={4}>{t('noHistory')}</td>
              </tr>
            )}
            {data.history.items.map((h, i) => (
              <tr key={h.eventId ?? i}>
                <td>{formatInstant(h.occurredAt, locale)}</td>
                <td>{h.type in LABELS.en ? t(h.type as LabelKey) : h.type}</td>
                <td>
                  {h.type === 'exposure.statusChanged' ? (
                    <>
                      {h.data.from ? <StatusBadge status={String(h.data.from)} /> : null}
                      {h.data.from ? ' → ' : ''}
                      <StatusBadge status={String(h.data.to)} />
                    </>
                  ) : h.type === 'customer.blocked' ? (
                    ((h.data.reasons as string[]) ?? []).map((r) => t(r as LabelKey)).join(', ')
                  ) : h.type === 'overdue.changed' ? (
                    formatAmount(String(h.data.overdueAmount), locale)
                  ) : (
                    ''
                  )}
                </td>
                <td className="num">
                  {typeof h.data.total === 'string' ? <Money value={h.data.total} /> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
