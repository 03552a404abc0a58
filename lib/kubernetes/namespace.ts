/** A core v1 Namespace. */
export function namespaceObject(name: string, labels?: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: labels && Object.keys(labels).length ? labels : undefined },
  };
}
