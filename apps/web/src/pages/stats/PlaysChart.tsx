import { formatCount } from '../../components/format.js';
import { playsInWords } from '../../components/TrackList.js';

const BAR = 28;
const GAP = 12;
const HEIGHT = 140;
const AXIS = 22;

/** "Mar 2025" for "2025-03" (a month is a UTC month, as the API counts them). */
export function monthLabel(month: string, style: 'short' | 'long' = 'short'): string {
  const [year, m] = month.split('-').map(Number);
  const date = new Date(Date.UTC(year!, m! - 1, 1));
  return new Intl.DateTimeFormat(undefined, {
    month: style,
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** "Mar" for "2025-03", for the chart's axis. */
export function monthShort(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year!, m! - 1, 1)),
  );
}

/**
 * Plays per month as bars, drawn as plain SVG (a dozen bars need no chart library). The same
 * numbers are in a table under it, for screen readers and for anyone who wants the figures.
 */
export function PlaysChart({
  months,
  values,
  label,
}: {
  months: string[];
  values: number[];
  label: string;
}) {
  const max = Math.max(1, ...values);
  const width = months.length * (BAR + GAP) + GAP;
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <figure className="plays-chart">
      <svg
        viewBox={`0 0 ${width} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={`${label}: ${playsInWords(total)} from ${monthLabel(months[0] ?? '')} to ${monthLabel(months[months.length - 1] ?? '')}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line x1={0} x2={width} y1={HEIGHT} y2={HEIGHT} className="plays-chart-axis" />
        {months.map((month, i) => {
          const value = values[i] ?? 0;
          const h = value === 0 ? 0 : Math.max(2, (value / max) * (HEIGHT - 16));
          const x = GAP + i * (BAR + GAP);
          return (
            <g key={month}>
              <rect x={x} y={HEIGHT - h} width={BAR} height={h} rx={3} className="plays-chart-bar">
                <title>{`${monthLabel(month, 'long')}: ${playsInWords(value)}`}</title>
              </rect>
              {value > 0 && (
                <text
                  x={x + BAR / 2}
                  y={HEIGHT - h - 4}
                  textAnchor="middle"
                  className="plays-chart-value"
                >
                  {formatCount(value)}
                </text>
              )}
              <text
                x={x + BAR / 2}
                y={HEIGHT + 15}
                textAnchor="middle"
                className="plays-chart-month"
              >
                {monthShort(month)}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="plays-chart-table">
        <summary>Show as a table</summary>
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Plays</th>
            </tr>
          </thead>
          <tbody>
            {months.map((month, i) => (
              <tr key={month}>
                <th scope="row">{monthLabel(month, 'long')}</th>
                <td>{(values[i] ?? 0).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
