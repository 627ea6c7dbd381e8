/**
 * Writes a changed config into its YAML document node by node, so that everything not changed keeps its comments,
 * order and quoting: only the values that differ are replaced, added or removed.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { isJsonObject, type JsonValue } from './merge-patch.ts';

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The pair for `key`, matching keys YAML read as numbers (meter IDs of digits) by their text. */
function pairOf(map: { items: Pair[] }, key: string): Pair | undefined {
  return map.items.find((p) => {
    const k = isScalar(p.key) ? p.key : undefined;
    return k !== undefined && (String(k.value) === key || k.source === key);
  });
}

function change(doc: Document, node: Node | null, before: JsonValue | undefined, after: JsonValue): Node {
  if (isMap(node) && isJsonObject(before) && isJsonObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) node.items.splice(node.items.indexOf(pairOf(node, key)!), 1);
    }
    for (const [key, value] of Object.entries(after)) {
      const pair = pairOf(node, key);
      if (!pair) node.items.push(doc.createPair(key, value) as Pair);
      else if (!same(before[key], value)) pair.value = change(doc, pair.value as Node | null, before[key], value);
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(before) && Array.isArray(after)) {
    // Items compare by position: an added source is appended, and a removed one drops the tail's last item.
    node.items.splice(after.length);
    after.forEach((value, i) => {
      if (i >= before.length) node.items.push(doc.createNode(value));
      else if (!same(before[i], value)) node.items[i] = change(doc, node.items[i] as Node | null, before[i], value);
    });
    return node;
  }
  return doc.createNode(after);
}

/** Makes `doc` (which reads as `before`) read as `after`. */
export function applyChanges(doc: Document, before: JsonValue, after: JsonValue): void {
  doc.contents = change(doc, doc.contents as Node | null, before, after) as typeof doc.contents;
}
