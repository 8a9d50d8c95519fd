// A small SVG line chart: replicas over time, so docs can show each trace without a plotting library.
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  values: number[];
}

const WIDTH = 860;
const HEIGHT = 358;
/** Below the plot: the minute ticks, the axis title, then up to three rows of legend. */
const PAD = { left: 50, right: 20, top: 40, bottom: 98 };
/** Legend entries per row and the width of each. */
const LEGEND_COLUMNS = 3;
const LEGEND_WIDTH = 265;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChart(title: string, tMs: number[], series: Series[]): string {
  const maxT = tMs[tMs.length - 1] ?? 1;
  const maxY = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
  const x = (t: number) => PAD.left + (t / maxT) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - (v / maxY) * (HEIGHT - PAD.top - PAD.bottom);
  const lines = series.map((s) => {
    const points = s.values.map((v, i) => `${x(tMs[i] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,4"' : ''} points="${points}"/>`;
  });
  const yTicks = Array.from({ length: 5 }, (_, i) => (maxY / 4) * i).map(
    (v) => `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text><line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
  );
  const minutes = Math.floor(maxT / 60_000);
  const step = Math.max(1, Math.ceil(minutes / 10));
  const xTicks = Array.from({ length: Math.floor(minutes / step) + 1 }, (_, i) => i * step).map(
    (m) => `<text x="${x(m * 60_000)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${m}</text>`,
  );
  const legend = series.map((s, i) => {
    const left = PAD.left + (i % LEGEND_COLUMNS) * LEGEND_WIDTH;
    const baseline = HEIGHT - PAD.bottom + 42 + Math.floor(i / LEGEND_COLUMNS) * 18;
    return `<line x1="${left}" x2="${left + 24}" y1="${baseline - 4}" y2="${baseline - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/><text x="${left + 30}" y="${baseline}">${escape(s.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>
${yTicks.join('\n')}
${xTicks.join('\n')}
<text x="${WIDTH / 2}" y="${HEIGHT - PAD.bottom + 32}" text-anchor="middle">minutes</text>
<text x="14" y="${HEIGHT / 2}" transform="rotate(-90 14 ${HEIGHT / 2})" text-anchor="middle">tasks</text>
${lines.join('\n')}
${legend.join('\n')}
</svg>
`;
}
