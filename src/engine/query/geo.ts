// $geoWithin (and $geoIntersects) on points, which mongod evaluates without an index: legacy
// shapes ($box, $center, $polygon, $centerSphere) and a GeoJSON Polygon/MultiPolygon
// `$geometry`. Points are legacy pairs ([x, y] or {lng, lat}) or GeoJSON Points. Polygons are
// tested in the plane, which for the small areas demos use matches mongod's spherical edges;
// stored lines and polygons (not points) never match. $near/$nearSphere/$geoNear need a geo
// index, which the engine does not have (see src/engine/README.md).
import { isNumeric, toNumber } from '../bson/order.js';
import { isPlainObject } from '../bson/paths.js';
import { CommandError } from '../errors.js';

type Point = [number, number];

function legacyPoint(value: unknown): Point | undefined {
  const coords = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : undefined;
  if (!coords || coords.length < 2 || !isNumeric(coords[0]) || !isNumeric(coords[1])) return undefined;
  return [toNumber(coords[0]), toNumber(coords[1])];
}

function pointOf(value: unknown): Point | undefined {
  if (isPlainObject(value) && value.type === 'Point') return legacyPoint(value.coordinates);
  if (isPlainObject(value) && typeof value.type === 'string') return undefined;
  return legacyPoint(value);
}

function inRing(p: Point, ring: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i] as Point;
    const [xj, yj] = ring[j] as Point;
    // On an edge counts as inside, as mongod's $geoWithin does for boundaries.
    const cross = (p[0] - xi) * (yj - yi) - (p[1] - yi) * (xj - xi);
    if (cross === 0 && p[0] >= Math.min(xi, xj) && p[0] <= Math.max(xi, xj) && p[1] >= Math.min(yi, yj) && p[1] <= Math.max(yi, yj)) return true;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function ring(raw: unknown): Point[] {
  if (!Array.isArray(raw)) throw new CommandError(2, 'Polygon coordinates must be an array of points');
  return raw.map((q) => {
    const point = legacyPoint(q);
    if (!point) throw new CommandError(2, `Point must only contain numeric elements: ${JSON.stringify(q)}`);
    return point;
  });
}

function inPolygon(p: Point, rings: unknown): boolean {
  if (!Array.isArray(rings) || rings.length === 0) throw new CommandError(2, 'Polygon has no loops.');
  const [outer, ...holes] = rings.map(ring);
  return inRing(p, outer as Point[]) && !holes.some((h) => inRing(p, h));
}

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Angle between two lng/lat points, in radians (haversine). */
function angularDistance(a: Point, b: Point): number {
  const dLat = toRadians(b[1] - a[1]);
  const dLng = toRadians(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a[1])) * Math.cos(toRadians(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function compileShape(op: string, shape: Record<string, unknown>): (p: Point) => boolean {
  const [kind] = Object.keys(shape);
  const arg = kind === undefined ? undefined : shape[kind];
  switch (kind) {
    case '$box': {
      const [a, b] = ring(arg);
      if (!a || !b) throw new CommandError(2, '$box needs two points');
      return (p) => p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
    }
    case '$center':
    case '$centerSphere': {
      const center = Array.isArray(arg) ? legacyPoint(arg[0]) : undefined;
      const radius = Array.isArray(arg) ? toNumber(arg[1]) : Number.NaN;
      if (!center || !(radius >= 0)) throw new CommandError(2, `${kind} needs [[x, y], radius] with a non-negative radius`);
      if (kind === '$center') return (p) => Math.hypot(p[0] - center[0], p[1] - center[1]) <= radius;
      return (p) => angularDistance(center, p) <= radius;
    }
    case '$polygon': {
      const points = ring(arg);
      if (points.length < 3) throw new CommandError(2, 'Polygon must have at least 3 points');
      return (p) => inRing(p, points);
    }
    case '$geometry': {
      const geometry = isPlainObject(arg) ? arg : {};
      if (geometry.type === 'Polygon') return (p) => inPolygon(p, geometry.coordinates);
      if (geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates)) {
        const polygons = geometry.coordinates as unknown[];
        return (p) => polygons.some((rings) => inPolygon(p, rings));
      }
      if (op === '$geoIntersects' && geometry.type === 'Point') {
        const target = legacyPoint(geometry.coordinates);
        return (p) => target !== undefined && p[0] === target[0] && p[1] === target[1];
      }
      throw new CommandError(2, `${op} with a $geometry of type ${String(geometry.type)} is not supported by the embedded engine (Polygon and MultiPolygon are)`);
    }
    default:
      throw new CommandError(2, `unknown geo specifier: ${String(kind)}`);
  }
}

/** Tests a field value (a point, or an array of points) against a $geoWithin/$geoIntersects shape. */
export function compileGeoWithin(op: string, shape: unknown): (value: unknown) => boolean {
  if (!isPlainObject(shape)) throw new CommandError(2, `${op} takes an object`);
  const inside = compileShape(op, shape);
  return (value) => {
    const point = pointOf(value);
    if (point) return inside(point);
    return Array.isArray(value) && value.some((v) => {
      const p = pointOf(v);
      return p !== undefined && inside(p);
    });
  };
}
