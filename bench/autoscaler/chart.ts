// A small SVG line chart: replicas over time, so docs can show each trace without a plotting library.
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  values: number[];
}

const WIDTH = 860;
const HEIGHT = 320;
const PAD = { left: 50, right: 20, top: 40, bottom: 60 };

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
  const legend = series.map(
    (s, i) =>
      `<line x1="${PAD.left + i * 250}" x2="${PAD.left + i * 250 + 24}" y1="${HEIGHT - 18}" y2="${HEIGHT - 18}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/><text x="${PAD.left + i * 250 + 30}" y="${HEIGHT - 14}">${escape(s.label)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>
${yTicks.join('\n')}
${xTicks.join('\n')}
<text x="${WIDTH / 2}" y="${HEIGHT - 32}" text-anchor="middle">minutes</text>
<text x="14" y="${HEIGHT / 2}" transform="rotate(-90 14 ${HEIGHT / 2})" text-anchor="middle">tasks</text>
${lines.join('\n')}
${legend.join('\n')}
</svg>
`;
}
