/** What deduplication reads of a record: its ids and its title, normalized. */
export interface RecordKey {
  id: string;
  arxivId?: string;
  /** normalizeTitle(title). */
  title: string;
}

/** A record with the same id as an earlier one but another title: the newer title is kept. */
export interface SlotConflict {
  /** Input position of the record whose title the slot held until now. */
  replacedIndex: number;
}

/**
 * Decides which records are one paper, by id or by normalized title, from their keys alone, so
 * deduplication need not hold the records themselves: each record gets the slot of the paper it
 * belongs to, slots numbered in first-seen order. A later record joins a slot by id first, else by
 * title; the slot then takes the newer title, keeps an arXiv id once it has one, and answers to
 * its (possibly new) id. mergePaper combines the records of a slot the same way.
 */
export class PaperSlots {
  private readonly slotById = new Map<string, number>();
  private readonly slotByTitle = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly arxivIds: (string | undefined)[] = [];
  private readonly titles: string[] = [];
  /** Per slot: the input position of the record whose title it holds. */
  private readonly titleFrom: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Places the record at input position `index`, in order. */
  place(key: RecordKey, index: number): { slot: number; conflict?: SlotConflict } {
    const byId = this.slotById.get(key.id);
    const slot = byId ?? this.slotByTitle.get(key.title);
    if (slot === undefined) {
      const fresh = this.ids.length;
      this.slotById.set(key.id, fresh);
      this.slotByTitle.set(key.title, fresh);
      this.ids.push(key.id);
      this.arxivIds.push(key.arxivId);
      this.titles.push(key.title);
      this.titleFrom.push(index);
      return { slot: fresh };
    }
    const conflict = byId !== undefined && this.titles[slot] !== key.title ? { replacedIndex: this.titleFrom[slot]! } : undefined;
    const arxivId = this.arxivIds[slot] ?? key.arxivId;
    const id = arxivId ?? this.ids[slot]!;
    this.ids[slot] = id;
    this.arxivIds[slot] = arxivId;
    this.titles[slot] = key.title;
    this.titleFrom[slot] = index;
    this.slotById.set(id, slot);
    this.slotByTitle.set(key.title, slot);
    return { slot, conflict };
  }
}
