/** A build report's time by stage, in whole milliseconds, for a one-line JSON record; undefined when it has none. */
export function roundedStages(report: { stagesMs?: Record<string, number> } | undefined): Record<string, number> | undefined {
  return report?.stagesMs && Object.fromEntries(Object.entries(report.stagesMs).map(([stage, ms]) => [stage, Math.round(ms)]));
}
