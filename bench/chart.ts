/** The load chart: answered rate and p99 latency against offered load, ours and the echo baseline. */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface CurvePoint {
  readonly target: string;
  readonly offeredPerSecond: number | null;
  readonly answeredPerSecond: number;
  readonly p99: number;
}

export async function renderLoadChart(curve: readonly CurvePoint[]): Promise<string> {
  const values = curve.map((c) => ({ target: c.target, offered: c.offeredPerSecond, answered: c.answeredPerSecond, p99: c.p99 }));
  const layer = (field: string, title: string) => ({
    width: 360, height: 240,
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'offered', type: 'quantitative' as const, title: 'offered requests/s' },
      y: { field, type: 'quantitative' as const, title, ...(field === 'p99' ? { scale: { type: 'log' as const } } : {}) },
      color: { field: 'target', type: 'nominal' as const, title: null },
    },
  });
  const spec: TopLevelSpec = {
    title: 'simple-hole-punch against a bare Node echo server, same run',
    data: { values },
    hconcat: [layer('answered', 'answered requests/s'), layer('p99', 'p99 latency (ms, log scale)')],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return `${await view.toSVG()}\n`;
}
