import { meets, type Figure, type Section, type Target } from './types.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  /** Corpus sizes measured, and why any asked for was not. */
  sizes: number[];
  notRun: string[];
  machine: Machine;
  sections: Section[];
}

const number = (value: number, digits?: number) =>
  digits !== undefined ? value.toFixed(digits) : Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);

function targetText(target: Target | undefined, value: number): string {
  if (!target) return '';
  return `${target.op === '<=' ? '≤' : '≥'} ${target.value} ${meets(value, target) ? '✅' : '❌'}`;
}

function figureRow(f: Figure): string {
  const spread = f.p25 !== undefined && f.p75 !== undefined && f.runs && f.runs > 1 ? `${number(f.p25)}–${number(f.p75)}` : '';
  return `| ${f.name} | ${number(f.median, f.digits)} ${f.unit} | ${spread} | ${f.runs ?? ''} | ${targetText(f.target, f.median)} | ${f.note ?? ''} |`;
}

export function markdown(report: BenchReport): string {
  const { machine } = report;
  const out = [
    `# paperscout benchmark${report.quick ? ' (quick)' : ''}`,
    '',
    `${report.startedAt}, ${report.durationSeconds.toFixed(0)} s. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb.toFixed(0)} GB, Node ${machine.node}, ${machine.platform}. Corpus sizes: ${report.sizes.join(', ')}.`,
    '',
    ...report.notRun.flatMap((line) => [line, '']),
    'Every figure is the median over its runs; the spread is the 25th–75th percentile. Targets are from the issue; nothing here is asserted in CI.',
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.title}`, '');
    if (section.skipped) {
      out.push(`Skipped: ${section.skipped}`);
      continue;
    }
    if (section.figures.length) {
      out.push('| figure | median | spread (p25–p75) | runs | target | note |', '|---|---|---|---|---|---|');
      out.push(...section.figures.map(figureRow));
    }
    if (section.comparisons?.length) {
      out.push('', '| comparison | paperscout | the alternative | ratio | target | note |', '|---|---|---|---|---|---|');
      for (const c of section.comparisons) {
        out.push(`| ${c.name} | ${number(c.ours.median)} ${c.ours.unit} | ${number(c.theirs.median)} ${c.theirs.unit} | ${c.ratio.toFixed(2)}× | ${targetText(c.target, c.ratio)} | ${c.note ?? ''} |`);
      }
    }
    for (const table of section.tables ?? []) {
      out.push('', `**${table.title}**`, '', `| ${table.columns.join(' | ')} |`, `|${table.columns.map(() => '---').join('|')}|`);
      out.push(...table.rows.map((row) => `| ${row.join(' | ')} |`));
    }
    for (const note of section.notes ?? []) out.push('', note);
  }
  return `${out.join('\n')}\n`;
}

/** The figures that carry a target, for the README's summary table. */
export function summaryRows(report: BenchReport): string[] {
  const rows: string[] = [];
  for (const section of report.sections) {
    for (const f of section.figures) if (f.target) rows.push(`| ${f.name} | ${number(f.median, f.digits)} ${f.unit} | ${targetText(f.target, f.median)} |`);
    for (const c of section.comparisons ?? []) if (c.target) rows.push(`| ${c.name} | ${c.ratio.toFixed(2)}× | ${targetText(c.target, c.ratio)} |`);
  }
  return rows;
}
