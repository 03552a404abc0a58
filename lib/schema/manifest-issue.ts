export interface ManifestIssue {
  /** Where, dotted from the object root: `spec.runnerPodTemplate.spec`, `spec.eventSources[0].kind`,
   *  `metadata.labels["app.kubernetes.io/name"]`; "" is the object itself. */
  readonly path: string;
  readonly message: string;
}
