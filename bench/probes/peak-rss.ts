import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set size. On Linux it is VmHWM, the high-water mark of this process's
 * own address space: getrusage's maxRSS is not usable in a child, because Linux carries it over from
 * the parent at fork, so a child of a large parent would report the parent's size.
 */
export function peakRssBytes(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
