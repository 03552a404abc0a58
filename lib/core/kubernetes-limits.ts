/**
 * Limits the Kubernetes API server enforces beyond the syntax of a name, checked at synth so that nothing the API
 * server refuses reaches Git. Used by every construct that takes labels, annotations or label-valued names.
 */
import { PropChecks } from "./validation";

/** Longest label value (and label key name part): 63 characters. */
export const MAX_LABEL_VALUE = 63;
/** Longest label or annotation key prefix, a DNS subdomain: 253 characters. */
export const MAX_KEY_PREFIX = 253;
/** Largest total of an object's annotations, keys and values together, in bytes (apimachinery TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** The prefix of a `prefix/name` key is at most 253 characters; true if it is (or there is no prefix). */
export function checkKeyPrefixLength(c: PropChecks, prop: string, key: string): boolean {
  const slash = typeof key === "string" ? key.indexOf("/") : -1;
  const ok = slash <= MAX_KEY_PREFIX;
  c.check(
    ok,
    prop,
    key,
    `a key whose prefix (before '/') has at most ${MAX_KEY_PREFIX} characters (a DNS subdomain); this one has ${slash}`,
  );
  return ok;
}

/** All annotations of one object together (keys and values, UTF-8 bytes) are at most 256 KiB. */
export function checkAnnotationsSize(c: PropChecks, prop: string, annotations: Readonly<Record<string, unknown>> | undefined): void {
  if (annotations === null || typeof annotations !== "object") return;
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) bytes += Buffer.byteLength(k) + (typeof v === "string" ? Buffer.byteLength(v) : 0);
  c.check(
    bytes <= MAX_ANNOTATIONS_BYTES,
    prop,
    `<${Object.keys(annotations).length} annotations, ${bytes} bytes>`,
    `annotations of at most ${MAX_ANNOTATIONS_BYTES} bytes in total, keys and values (256 KiB; the API server refuses more)`,
  );
}

/** A value that ends up in a label value (e.g. a backend's state labels) has at most 63 characters. */
export function checkLabelValueLength(c: PropChecks, prop: string, value: unknown, where: string): boolean {
  const ok = typeof value !== "string" || value.length <= MAX_LABEL_VALUE;
  c.check(ok, prop, value, `at most ${MAX_LABEL_VALUE} characters (${where}, a label value); this one has ${String(value).length}`);
  return ok;
}
