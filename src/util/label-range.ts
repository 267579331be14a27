/** Something that covers labels first … first + size - 1. */
export interface LabelRange {
  firstLabel: number;
}

/**
 * The range holding a label, by binary search over ranges in label order that do not overlap;
 * `size` says how many labels a range covers.
 */
export function rangeOf<T extends LabelRange>(ranges: readonly T[], label: number, size: (range: T) => number): T | undefined {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const range = ranges[middle]!;
    if (label < range.firstLabel) high = middle - 1;
    else if (label >= range.firstLabel + size(range)) low = middle + 1;
    else return range;
  }
  return undefined;
}
