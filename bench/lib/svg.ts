export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const W = 640;
const H = 360;
const PAD = { left: 60, right: 20, top: 30, bottom: 50 };

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A line chart with a logarithmic x axis (corpus size) and a linear y axis, as standalone SVG. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const maxY = Math.max(...ys, 1) * 1.1;
  const lx = (x: number) => PAD.left + ((Math.log10(x) - Math.log10(minX)) / Math.max(1e-9, Math.log10(maxX) - Math.log10(minX))) * (W - PAD.left - PAD.right);
  const ly = (y: number) => H - PAD.bottom - (y / maxY) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="black"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${escape(yLabel)}</text>`,
  ];
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<text x="${lx(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : x}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const y = (maxY / 4) * i;
    parts.push(`<text x="${PAD.left - 6}" y="${ly(y) + 4}" text-anchor="end">${y.toFixed(y < 10 ? 1 : 0)}</text>`);
    parts.push(`<line x1="${PAD.left}" y1="${ly(y)}" x2="${W - PAD.right}" y2="${ly(y)}" stroke="#eee"/>`);
  }
  series.forEach((s, i) => {
    const path = s.points.map((p, j) => `${j ? 'L' : 'M'}${lx(p.x).toFixed(1)},${ly(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.points) parts.push(`<circle cx="${lx(p.x).toFixed(1)}" cy="${ly(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<rect x="${PAD.left + 10}" y="${PAD.top + 6 + i * 16}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${PAD.left + 26}" y="${PAD.top + 15 + i * 16}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
