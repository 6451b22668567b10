/**
 * The shape of the recap tree: which recap lists which child.
 *
 * A recap lists each child with its figures (ledger/verifier/results/recap.ts), and a log entry
 * may not exceed 65,535 bytes (C2SP tlog-tiles entry bundles use a uint16
 * length). A DPR listing of one child inside a dapil has a number per party and
 * per candidate (~300 on the national ballot), and a kelurahan can hold hundreds
 * of TPS (the national synthetic election has one with 481, a desa may number
 * 999), so a recap lists at most `rowsPerEntry(width)` rows: an area with more
 * children lists *parts* instead, `<area>/<i>`, each listing that many of its
 * children; if even the parts are too many, *super parts* `<area>//<j>` list the
 * parts. Each entry's rows then stay within ENTRY_ROWS_BUDGET bytes, whatever the
 * election's size, and a proof gains a level or two only for large areas.
 *
 * Which part a child falls in is fixed by its rank among the area's children in
 * the registry, so it never moves while the registry is unchanged. The node
 * codes' grammar and which node may list which child are the verifier's
 * (ledger/verifier/results/nodes.ts), re-exported here.
 */
import { areaOf, isPart, parseNode } from '../../../../ledger/verifier/results/index.ts';
import { AREA_LEVELS, areaLevel, parentArea } from '../../../../policies/areas.ts';
import type { ContestId, Registry } from '../../registry/index.ts';

/** Bytes for one entry's rows: the rest of 65,535 is the envelope and `choices`. */
export const ENTRY_ROWS_BUDGET = 40_000;
/** The `level` of a part's (or super part's) recap. */
export const PART_LEVEL = 'part';

export {
  areaOf,
  isPart,
  listsOwnChild,
  parseNode,
} from '../../../../ledger/verifier/results/index.ts';

/**
 * Most rows one recap lists when each row has `width` vote columns: a row is at
 * most ~96 bytes of code, version, hash and counts, plus ≤ 8 per number (seven
 * digits and a comma: more than any TPS, desa or part can hold below a
 * province, where widths are party lists only).
 */
export const rowsPerEntry = (width: number): number =>
  Math.max(8, Math.min(64, Math.floor(ENTRY_ROWS_BUDGET / (96 + 8 * width))));

/** The area level of a node, or `part`. */
export const nodeLevel = (node: string): string => (isPart(node) ? PART_LEVEL : areaLevel(node));

/** Depth from the nation (0) down: a super part sits below its area, a part below that. */
export const nodeDepth = (node: string): number =>
  AREA_LEVELS.indexOf(areaLevel(areaOf(node))) +
  (node.includes('//') ? 0.25 : isPart(node) ? 0.5 : 0);

/**
 * How many vote columns an area's listing of its children has at most: the
 * ballot inside one dapil (parties and candidates), party totals above it, the
 * pairs for PPWP, none for DPD above the province.
 */
export function listingWidth(registry: Registry, contest: ContestId, area: string): number {
  const within = area !== 'ID' && registry.dapilOf(contest, area) !== null;
  if (!within && contest === 'DPD') return 0;
  if (!within && contest !== 'PPWP') return registry.parties().length;
  const first = registry.tpsIn(area).next().value;
  return first ? (registry.ballotFor(contest, first)?.choiceIds.size ?? 0) : 0;
}

interface Partition {
  /** Rows per entry. */
  k: number;
  partOf: Map<string, number>;
  /** The parts are more than k: super parts list them. */
  supers: boolean;
}

export class RecapTree {
  /** Per area: how its children are split. Null: the area lists its children. */
  readonly #parts = new Map<string, Partition | null>();

  /**
   * `children(area)`: the registry's children of an area (TPS of a desa
   * included); `width(area)`: the vote columns of its listing (listingWidth).
   */
  constructor(
    private readonly children: (area: string) => readonly string[],
    private readonly width: (area: string) => number,
  ) {}

  /** One contest's tree over a registry. */
  static of(registry: Registry, contest: ContestId): RecapTree {
    return new RecapTree(
      (area) => registry.children(area),
      (area) => listingWidth(registry, contest, area),
    );
  }

  /** The recap node that lists `node` (a TPS, area or part), or null for the nation. */
  parentOf(node: string): string | null {
    const n = parseNode(node);
    if (n && n.kind !== 'area') {
      if (n.kind === 'super') return n.area;
      const p = this.partsOf(n.area);
      return p?.supers ? `${n.area}//${Math.floor(n.index / p.k)}` : n.area;
    }
    const area = parentArea(node);
    if (area === null) return null;
    const part = this.partsOf(area)?.partOf.get(node);
    return part === undefined ? area : `${area}/${part}`;
  }

  /** The nodes above a TPS (or node), lowest first, up to the nation. */
  pathOf(node: string): string[] {
    const path: string[] = [];
    for (let n = this.parentOf(node); n !== null; n = this.parentOf(n)) path.push(n);
    return path;
  }

  private partsOf(area: string): Partition | null {
    let p = this.#parts.get(area);
    if (p === undefined) {
      const kids = [...this.children(area)].sort();
      const k = rowsPerEntry(this.width(area));
      const parts = Math.ceil(kids.length / k);
      if (parts > k * k)
        throw new RangeError(
          `area ${area} has ${kids.length} children: more than a recap tree of ${k} rows per entry holds`,
        );
      p =
        kids.length <= k
          ? null
          : { k, partOf: new Map(kids.map((c, i) => [c, Math.floor(i / k)])), supers: parts > k };
      this.#parts.set(area, p);
    }
    return p;
  }
}
