/** The phases of long work: fetching days (a backfill), then the index build's three. */
export type BuildPhase = 'fetching' | 'embedding' | 'indexing' | 'saving';

/** How far an index build has come: what the bot's and the CLI's progress lines show. */
export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
}

const PHASE_LABEL: Record<BuildPhase, string> = {
  fetching: 'Fetching',
  embedding: 'Embedding',
  indexing: 'Indexing',
  saving: 'Saving',
};

/** `Embedding 340/1200 ▰▰▰▱▱▱▱▱▱▱ 28%` */
export function progressLine({ phase, done, total }: BuildProgress, width = 10): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `${PHASE_LABEL[phase]} ${done}/${total} ${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${Math.round(share * 100)}%`;
}
