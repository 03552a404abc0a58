/** Checks of Kubernetes label, annotation and boolean props shared by the Terraform object and its runner pod. */
import { checkAnnotationsSize, checkKeyPrefixLength } from "../core/kubernetes-limits";
import { LABEL_KEY, LABEL_VALUE } from "../core/patterns";
import { PropChecks } from "../core/validation";

export function checkBoolean(c: PropChecks, prop: string, value: unknown): void {
  if (value !== undefined) c.check(typeof value === "boolean", prop, value, "true or false");
}

export function checkLabels(c: PropChecks, prop: string, labels: Record<string, string> | undefined): void {
  if (labels === undefined || !c.literal(prop, labels) || !c.record(prop, labels, "an object of label keys and values")) return;
  for (const [k, v] of Object.entries(labels)) {
    const keyOk = LABEL_KEY.test(k);
    c.check(keyOk, `${prop}[${JSON.stringify(k)}]`, k, "a Kubernetes label key ([prefix/]name, name 1 to 63 characters)");
    if (keyOk) checkKeyPrefixLength(c, `${prop}[${JSON.stringify(k)}]`, k);
    c.check(
      typeof v === "string" && LABEL_VALUE.test(v),
      `${prop}[${JSON.stringify(k)}]`,
      v,
      "a Kubernetes label value (0 to 63 letters, digits, '-', '_', '.', alphanumeric at both ends)",
    );
  }
}

export function checkAnnotations(c: PropChecks, prop: string, map: Record<string, string> | undefined): void {
  if (map === undefined || !c.literal(prop, map) || !c.record(prop, map, "an object of annotation keys and values")) return;
  for (const [k, v] of Object.entries(map)) {
    const keyOk = LABEL_KEY.test(k);
    c.check(keyOk, `${prop}[${JSON.stringify(k)}]`, k, "an annotation key ([prefix/]name)");
    if (keyOk) checkKeyPrefixLength(c, `${prop}[${JSON.stringify(k)}]`, k);
    c.check(typeof v === "string", `${prop}[${JSON.stringify(k)}]`, v, "a string value");
  }
  checkAnnotationsSize(c, prop, map);
}
