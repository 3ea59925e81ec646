/** One line of bench/RESULTS.md: a measured value beside its same-run baseline and its target. */
export interface ResultRow {
  section: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number } | undefined;
  /** value / baseline (for rates) or baseline / value is NOT inverted: it is always value ÷ baseline. */
  ratio?: number | undefined;
  target?: string | undefined;
  met?: boolean | undefined;
  note?: string | undefined;
}

export function row(
  section: string,
  metric: string,
  value: number,
  unit: string,
  extra: Partial<Omit<ResultRow, 'section' | 'metric' | 'value' | 'unit'>> = {},
): ResultRow {
  const ratio =
    extra.baseline && extra.baseline.value > 0
      ? Math.round((value / extra.baseline.value) * 100) / 100
      : undefined;
  return { section, metric, value: Math.round(value * 10) / 10, unit, ratio, ...extra };
}

const cell = (v: string | number | boolean | undefined | null) =>
  (v === undefined || v === null ? '' : String(v)).replace(/\|/g, '\\|');

export function markdownTable(rows: ResultRow[]): string {
  const head =
    '| section | metric | value | baseline | ratio | target | met? |\n|---|---|---|---|---|---|---|';
  const lines = rows.map((r) =>
    [
      r.section,
      r.metric + (r.note ? ` (${r.note})` : ''),
      `${r.value} ${r.unit}`,
      r.baseline ? `${r.baseline.value} ${r.unit} (${r.baseline.name})` : '',
      r.ratio ?? '',
      r.target ?? '',
      r.met === undefined ? '' : r.met ? 'yes' : '**no**',
    ]
      .map(cell)
      .join(' | '),
  );
  return [head, ...lines.map((l) => `| ${l} |`)].join('\n');
}
