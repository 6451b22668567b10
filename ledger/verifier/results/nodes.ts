/**
 * Codes of the recap tree's nodes, and which node may list which child: the
 * observer's check that no recap sums what is not below it.
 *
 * Area codes carry the hierarchy (the Kemendagri scheme, DOMAIN.md): 'ID' is the
 * nation, then 2 digits a provinsi, 4 a kab/kota, 6 a kecamatan, 10 a desa, 13 a
 * TPS (desa + 3-digit number); a code's parent is its prefix. A large area lists
 * *parts* `<area>/<i>` of its children, and if those are too many, *super parts*
 * `<area>//<j>` list the parts (api/domains/results/recap/parts.ts decides the
 * split; the verifier needs only the grammar).
 */

const AREA_LENGTHS = [2, 4, 6, 10, 13] as const;

/** A TPS code: desa (10 digits) + TPS number (3). */
export const TPS_CODE = /^[0-9]{13}$/;

/** An area code: 'ID' or 2, 4, 6, 10 or 13 digits. */
export const isAreaCode = (s: string): boolean =>
  s === 'ID' || ((AREA_LENGTHS as readonly number[]).includes(s.length) && /^[0-9]+$/.test(s));

/** The enclosing area of an area code; null for the nation or for no area code. */
export function parentOfArea(code: string): string | null {
  if (!isAreaCode(code) || code === 'ID') return null;
  const i = AREA_LENGTHS.indexOf(code.length as (typeof AREA_LENGTHS)[number]);
  return i === 0 ? 'ID' : code.slice(0, AREA_LENGTHS[i - 1]);
}

export interface RecapNode {
  area: string;
  kind: 'area' | 'part' | 'super';
  index: number;
}

const NODE = /^([0-9A-Z]+)(?:(\/\/?)(0|[1-9][0-9]*))?$/;

/** A recap node's code read back: an area, a part `<area>/<i>` or a super part `<area>//<j>`. */
export function parseNode(code: string): RecapNode | null {
  const m = NODE.exec(code);
  if (!m) return null;
  return {
    area: m[1]!,
    kind: m[2] === undefined ? 'area' : m[2] === '/' ? 'part' : 'super',
    index: m[3] === undefined ? 0 : Number(m[3]),
  };
}

export const isPart = (node: string): boolean => node.includes('/');

/** The area a recap node is about: the area itself, or the area a part belongs to. */
export const areaOf = (node: string): string => {
  const slash = node.indexOf('/');
  return slash === -1 ? node : node.slice(0, slash);
};

/**
 * Whether recap node `node` may list `child`: an area lists its parts, super
 * parts or children; a super part lists its area's parts; a part its area's
 * children.
 */
export function listsOwnChild(node: string, child: string): boolean {
  const n = parseNode(node);
  const c = parseNode(child);
  if (!n || !c || !isAreaCode(n.area) || !isAreaCode(c.area)) return false;
  if (c.kind === 'super') return n.kind === 'area' && c.area === n.area;
  if (c.kind === 'part') return n.kind !== 'part' && c.area === n.area;
  if (n.kind === 'super') return false;
  return parentOfArea(child) === n.area;
}
