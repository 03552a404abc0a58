import { Parsed } from "./parsed";

/**
 * Fields the AKS extension's Flux (2.7: kustomize-controller 1.7, helm-controller 1.4) does not serve, although the
 * Flux 2.9 CRDs the schema check uses have them (shared/reference/flux.md §5). The generated objects must avoid them
 * in both modes, so a cluster folder works on either Flux.
 */
export function flux29OnlyFields(doc: Parsed): string[] {
  const found: string[] = [];
  const spec = doc?.spec ?? {};
  if (doc?.kind === "Kustomization" && String(doc.apiVersion).startsWith("kustomize.toolkit.fluxcd.io/")) {
    for (const k of ["ignore", "buildMetadata"]) if (k in spec) found.push(`spec.${k}`);
    if (spec.postBuild?.substituteStrategy !== undefined) found.push("spec.postBuild.substituteStrategy");
    (spec.dependsOn ?? []).forEach((d: Parsed, i: number) => d.readyExpr !== undefined && found.push(`spec.dependsOn[${i}].readyExpr`));
    if (spec.sourceRef?.kind === "ExternalArtifact") found.push("spec.sourceRef.kind ExternalArtifact");
  }
  if (doc?.kind === "HelmRelease") {
    for (const k of ["waitStrategy", "healthCheckExprs", "postRenderStrategy"]) if (k in spec) found.push(`spec.${k}`);
    for (const a of ["install", "upgrade", "rollback"]) {
      if (spec[a]?.strategy !== undefined) found.push(`spec.${a}.strategy`);
      if (spec[a]?.serverSideApply !== undefined) found.push(`spec.${a}.serverSideApply`);
    }
    (spec.valuesFrom ?? []).forEach((v: Parsed, i: number) => v.literal !== undefined && found.push(`spec.valuesFrom[${i}].literal`));
  }
  return found;
}
