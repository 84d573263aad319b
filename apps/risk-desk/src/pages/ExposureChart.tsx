import { formatAmount, formatDate, toCents } from '../format';
import { ExposurePoint } from '../exposure-points';
import { useI18n } from '../i18n';

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 90;
const RIGHT = 16;
const TOP = 12;
const BOTTOM = 28;

/** Cents as a number, for drawing only: the figures shown are formatted from the decimal strings. */
const units = (money: string) => Number(toCents(money)) / 100;

/**
 * Exposure (a line with a dot per reading) against the limit (a dashed step
 * line: a limit holds until the next reading), as inline SVG. A title and a
 * description give screen readers the same figures in words.
 */
export function ExposureChart({ points }: { points: ExposurePoint[] }) {
  const { t, locale } = useI18n();
  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const values = points.flatMap((p) => [units(p.total), ...(p.limit === null ? [] : [units(p.limit)])]);
  const top = Math.max(1, ...values) * 1.1;
  const bottom = Math.min(0, ...values);
  const plotWidth = WIDTH - LEFT - RIGHT;
  // By time; readings that all share one instant (a clock held still) are spread evenly instead.
  const xs = points.map((_, i) =>
    last > first
      ? LEFT + ((times[i] - first) / (last - first)) * plotWidth
      : points.length === 1
        ? LEFT + plotWidth / 2
        : LEFT + (i / (points.length - 1)) * plotWidth,
  );
  const y = (value: number) => TOP + ((top - value) / (top - bottom)) * (HEIGHT - TOP - BOTTOM);

  const exposureLine = points.map((p, i) => `${xs[i].toFixed(1)},${y(units(p.total)).toFixed(1)}`).join(' ');
  // The limit as steps: flat until the next reading, then up or down; gaps where there was none.
  const limitSegments: string[] = [];
  points.forEach((p, i) => {
    if (p.limit === null) return;
    const level = y(units(p.limit)).toFixed(1);
    // A single reading (no history yet) shows its limit across the chart.
    const start = points.length === 1 ? LEFT : xs[i];
    const end = i + 1 < points.length ? xs[i + 1] : points.length === 1 ? WIDTH - RIGHT : start;
    if (end > start) limitSegments.push(`M${start.toFixed(1)},${level} H${end.toFixed(1)}`);
  });
  const current = points[points.length - 1];
  const highest = points.reduce((m, p) => (toCents(p.total) > toCents(m) ? p.total : m), points[0].total);
  const dateOf = (iso: string) => formatDate(iso.slice(0, 10), locale);
  const ticks = [bottom, (top + bottom) / 2, top];

  return (
    <figure className="exposure-chart">
      <svg
        role="img"
        aria-labelledby="exposure-chart-title exposure-chart-desc"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="exposure-chart-title">{t('exposureChart')}</title>
        <desc id="exposure-chart-desc">
          {t('exposureChartDesc', {
            n: points.length,
            from: dateOf(points[0].at),
            to: dateOf(current.at),
            total: formatAmount(current.total, locale),
            max: formatAmount(highest, locale),
            limit: current.limit === null ? t('noLimitShort') : formatAmount(current.limit, locale),
          })}
        </desc>
        {ticks.map((v) => (
          <g key={v} className="tick">
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(v)} y2={y(v)} />
            <text x={LEFT - 6} y={y(v) + 4} textAnchor="end">
              {formatAmount(v.toFixed(2), locale)}
            </text>
          </g>
        ))}
        <text x={LEFT} y={HEIGHT - 8} className="axis">
          {dateOf(points[0].at)}
        </text>
        <text x={WIDTH - RIGHT} y={HEIGHT - 8} textAnchor="end" className="axis">
          {dateOf(current.at)}
        </text>
        {limitSegments.length > 0 && (
          <path className="limit-line" d={limitSegments.join(' ')} data-series="limit" />
        )}
        <polyline className="exposure-line" points={exposureLine} data-series="exposure" />
        {points.map((p, i) => (
          <circle
            key={`${p.at}-${i}`}
            className="exposure-point"
            cx={xs[i]}
            cy={y(units(p.total))}
            r={3.5}
            data-total={p.total}
            data-limit={p.limit ?? ''}
          />
        ))}
      </svg>
      <figcaption className="legend">
        <span className="key exposure-key" aria-hidden="true" /> {t('chartExposure')}{' '}
        <span className="key limit-key" aria-hidden="true" /> {t('chartLimit')}
      </figcaption>
    </figure>
  );
}
