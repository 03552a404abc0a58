import { LocalObjectReference, metadata, ObjectMeta } from "./meta";

export const NOTIFICATION_API_VERSION = "notification.toolkit.fluxcd.io/v1beta3";

/** The notification-controller Provider types the library writes (all served by Flux 2.7 and 2.9). */
export type NotificationProviderType = "msteams" | "slack" | "generic";

/** Provider types the library writes. */
export type ProviderType = NotificationProviderType;

/**
 * The fields of a Flux notification Provider (v1beta3) the library writes. No `address`: the address (a webhook URL
 * is a credential) is only ever taken from the Secret's `address` key.
 */
export interface ProviderSpec {
  readonly type: ProviderType;
  readonly secretRef: LocalObjectReference;
  readonly channel?: string;
  readonly username?: string;
}

export function providerObject(meta: ObjectMeta, spec: ProviderSpec): Record<string, unknown> {
  return {
    apiVersion: NOTIFICATION_API_VERSION,
    kind: "Provider",
    metadata: metadata(meta),
    spec: { type: spec.type, channel: spec.channel, username: spec.username, secretRef: { ...spec.secretRef } },
  };
}

/** `spec.eventSources[]` of an Alert. */
export interface AlertEventSource {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The fields of a Flux Alert (v1beta3) the library writes. */
export interface AlertSpec {
  readonly providerRef: LocalObjectReference;
  readonly eventSeverity: "info" | "error";
  readonly eventSources: readonly AlertEventSource[];
  readonly inclusionList?: readonly string[];
  readonly exclusionList?: readonly string[];
  /** Added to every event the Alert sends (v1beta3; Flux 2.7 and later). */
  readonly eventMetadata?: Readonly<Record<string, string>>;
}

export function alertObject(meta: ObjectMeta, spec: AlertSpec): Record<string, unknown> {
  return {
    apiVersion: NOTIFICATION_API_VERSION,
    kind: "Alert",
    metadata: metadata(meta),
    spec: {
      providerRef: { ...spec.providerRef },
      eventMetadata: spec.eventMetadata && Object.keys(spec.eventMetadata).length ? { ...spec.eventMetadata } : undefined,
      eventSeverity: spec.eventSeverity,
      eventSources: spec.eventSources.map((e) => ({ ...e })),
      inclusionList: spec.inclusionList?.length ? [...spec.inclusionList] : undefined,
      exclusionList: spec.exclusionList?.length ? [...spec.exclusionList] : undefined,
    },
  };
}
