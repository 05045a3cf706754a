import { DocumentParseError } from "./document-parse-error";
import type { DocumentSegment, ParsedDocument } from "./parsed-document";

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/**
 * Reads JSON as records: an array gives one record per element; an object with exactly one key holding an
 * array of objects gives one record per object (the object's other keys, if any, become a first record);
 * any other object gives one record per top-level key. A record is its values flattened to
 * `path.to.key: value` pairs joined by `; ` (arrays of plain values as a comma-separated list, empty values
 * left out). A top-level string `title` becomes the title. Throws a `DocumentParseError` for invalid JSON.
 */
export function parseJson(text: string): ParsedDocument {
  let value: JsonValue;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DocumentParseError(`The JSON is not valid: ${reason}`);
  }
  const title = isObject(value) && typeof value.title === "string" && value.title.trim() ? value.title.trim() : null;
  const segments = toRecords(value)
    .map((record) => flatten(record.value, record.path).join("; "))
    .filter((record) => record !== "")
    .map((record): DocumentSegment => ({ text: record, page: null, kind: "records" }));
  return { title, segments };
}

function toRecords(value: JsonValue): Array<{ path: string; value: JsonValue }> {
  if (Array.isArray(value)) return value.map((element) => ({ path: "", value: element }));
  if (!isObject(value)) return [{ path: "", value }];
  const entries = Object.entries(value);
  const collections = entries.filter(([, child]) => Array.isArray(child) && child.length > 0 && child.every(isObject));
  const [collection] = collections;
  if (collections.length === 1 && collection !== undefined && Array.isArray(collection[1])) {
    const rest = Object.fromEntries(entries.filter(([key]) => key !== collection[0]));
    const context = Object.keys(rest).length > 0 ? [{ path: "", value: rest }] : [];
    return [...context, ...collection[1].map((element) => ({ path: "", value: element }))];
  }
  return entries.map(([key, child]) => ({ path: key, value: child }));
}

// Iterative, so deeply nested input cannot exhaust the stack.
function flatten(root: JsonValue, rootPath: string): string[] {
  const pairs: string[] = [];
  const pending: Array<{ path: string; value: JsonValue }> = [{ path: rootPath, value: root }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    const { path, value } = next;
    if (Array.isArray(value) && value.every((element) => !isObject(element) && !Array.isArray(element))) {
      const list = value.map(scalarText).filter((element) => element !== "");
      if (list.length > 0) pairs.push(label(path, list.join(", ")));
    } else if (Array.isArray(value) || isObject(value)) {
      const children = Array.isArray(value)
        ? value.map((child, index) => ({ path: `${path}[${index}]`, value: child }))
        : Object.entries(value).map(([key, child]) => ({ path: path === "" ? key : `${path}.${key}`, value: child }));
      // Reversed onto the stack so pairs come out in document order.
      for (let index = children.length - 1; index >= 0; index -= 1) {
        const child = children[index];
        if (child !== undefined) pending.push(child);
      }
    } else {
      const text = scalarText(value);
      if (text !== "") pairs.push(label(path, text));
    }
  }
  return pairs;
}

function label(path: string, text: string): string {
  return path === "" ? text : `${path}: ${text}`;
}

function scalarText(value: JsonValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value.replace(/\s+/g, " ").trim();
  return typeof value === "object" ? "" : String(value);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
