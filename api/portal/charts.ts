/**
 * Small inline SVG charts, written here rather than pulled from a charting
 * library: a bar per choice and a dot strip are a few lines of SVG, need no
 * script (the page works with JavaScript off) and no style attributes (the
 * page's CSP allows only the portal's stylesheet; SVG presentation attributes
 * are not styles).
 */
import { html } from 'hono/html';
import type { Html } from './layout.ts';

export interface Bar {
  label: string;
  value: number;
  /** Highlighted (an anomaly, the winner). */
  mark?: boolean;
}

/** Horizontal bars, one per row, scaled to the largest value. */
export function barChart(
  title: string,
  bars: readonly Bar[],
  fmtValue: (n: number) => string,
): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 22;
  const width = 320;
  const labelW = 110;
  const h = bars.length * rowH + 4;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} ${h}" width="100%" preserveAspectRatio="xMinYMin meet"><title>${title}</title>${bars.map(
    (b, i) => {
      const w = Math.round(((width - labelW - 60) * b.value) / max);
      const y = i * rowH + 2;
      return html`<text x="0" y="${y + 15}" font-size="12" fill="#222">${b.label.slice(0, 16)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${b.mark ? '#b3261e' : '#1f5f99'}"></rect><text x="${labelW + w + 4}" y="${y + 15}" font-size="12" fill="#222">${fmtValue(b.value)}</text>`;
    },
  )}</svg>`;
}

/**
 * A strip of points on one axis (e.g. each TPS's share for a choice), the marked
 * ones red: where a picture says more than a table — one TPS far from its
 * neighbours stands out at a glance.
 */
export function dotStrip(title: string, points: readonly Bar[], min: number, max: number): Html {
  const width = 320;
  const span = max - min || 1;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} 40" width="100%"><title>${title}</title><line x1="10" y1="20" x2="${width - 10}" y2="20" stroke="#999"></line>${points.map(
    (p) => {
      const x = 10 + Math.round(((width - 20) * (p.value - min)) / span);
      return html`<circle cx="${x}" cy="20" r="${p.mark ? 6 : 4}" fill="${p.mark ? '#b3261e' : '#1f5f99'}" fill-opacity="0.7"><title>${p.label}</title></circle>`;
    },
  )}<text x="10" y="38" font-size="10" fill="#555">${min.toFixed(1)}</text><text x="${width - 40}" y="38" font-size="10" fill="#555">${max.toFixed(1)}</text></svg>`;
}

/** A line of published totals over time (recap versions), jumps marked. */
export function lineChart(title: string, points: readonly Bar[]): Html {
  const width = 320;
  const h = 80;
  const max = Math.max(1, ...points.map((p) => p.value));
  const step = points.length > 1 ? (width - 20) / (points.length - 1) : 0;
  const xy = points.map((p, i) => [10 + i * step, h - 10 - ((h - 20) * p.value) / max] as const);
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${width} ${h}" width="100%"><title>${title}</title><polyline fill="none" stroke="#1f5f99" stroke-width="2" points="${xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"></polyline>${points.map((p, i) => html`<circle cx="${xy[i]![0].toFixed(1)}" cy="${xy[i]![1].toFixed(1)}" r="${p.mark ? 5 : 3}" fill="${p.mark ? '#b3261e' : '#1f5f99'}"><title>${p.label}</title></circle>`)}</svg>`;
}
