import { Construct } from "constructs";
import { DNS_LABEL } from "../azure/infrastructure-stack";
import { DNS_SUBDOMAIN } from "../core/patterns";
import { Registry } from "../core/registry";
import { addPropValidation, PropChecks } from "../core/validation";
import { alertObject, AlertEventSource, NotificationProviderType, providerObject } from "../kubernetes/notification";
import { forFluxTarget } from "../schema/flux-api-versions";
import { IFluxCluster, isFluxClusterLike } from "./flux-cluster";
import {
  checkMessagePatterns,
  CLUSTER_METADATA_KEY,
  DRIFT_MESSAGE_PATTERN,
  DriftAlertOptions,
  ENVIRONMENT_METADATA_KEY,
  PLAN_AWAITING_APPROVAL_PATTERN,
} from "./terraform-alerts";

export type { NotificationProviderType } from "../kubernetes/notification";

/** The alerts of each cluster, in creation order. */
const ALERTS = new Registry<undefined, FluxAlerts>();

/** Which events an Alert forwards: `info` is every event, `error` only Warning events (failures, drift). */
export enum AlertSeverity {
  INFO = "info",
  ERROR = "error",
}

/** Secret reference of a notification provider: the address (webhook URL) is its `address` key, never a literal. */
export interface NotificationSecretProps {
  /**
   * Secret in the cluster's Flux namespace with the key `address` (the webhook URL; for Slack's bot API also `token`).
   * Create it out of band (`kubectl create secret generic <name> --from-literal=address=…`) or keep it SOPS-encrypted.
   */
  readonly secretName: string;
}

/** Slack: the webhook URL (or the chat.postMessage URL with a bot `token`) in the Secret. */
export interface SlackProviderProps extends NotificationSecretProps {
  /**
   * Channel (for the bot API; an incoming webhook posts to its own channel).
   * @default - the webhook's channel
   */
  readonly channel?: string;
  /**
   * Bot user name shown with the message.
   * @default - the webhook's
   */
  readonly username?: string;
}

/**
 * Where a cluster's alerts go: a Flux notification `Provider` (notification.toolkit.fluxcd.io/v1beta3). Only types
 * whose address can come from a Secret are offered, and the address is only ever taken from the Secret.
 */
export class NotificationProvider {
  /** Microsoft Teams: the Secret's `address` is a Teams Workflows webhook URL ("Post to a channel when a webhook request is received"). */
  static msteams(props: NotificationSecretProps): NotificationProvider {
    return new NotificationProvider("msteams", props?.secretName as string);
  }

  /** Slack: the Secret's `address` is an incoming webhook URL. */
  static slack(props: SlackProviderProps): NotificationProvider {
    // `?.`: a JavaScript caller without props gets the alerts' message about provider.secretName, not a TypeError here.
    return new NotificationProvider("slack", props?.secretName as string, props?.channel, props?.username);
  }

  /** Any HTTP endpoint: the event as JSON is POSTed to the Secret's `address` (with the Secret's `headers`, if any). */
  static generic(props: NotificationSecretProps): NotificationProvider {
    return new NotificationProvider("generic", props?.secretName as string);
  }

  private constructor(
    /** Provider `type`. */
    readonly type: NotificationProviderType,
    /** Secret with the address. */
    readonly secretName: string,
    readonly channel?: string,
    readonly username?: string,
  ) {}
}

/** Props of FluxAlerts: where a cluster's Flux and drift events are sent. */
export interface FluxAlertsProps {
  /** Where the alerts go. */
  readonly provider: NotificationProvider;
  /**
   * Name of the Provider and of the Alerts (`<name>`, `<name>-terraform`), in the cluster's Flux namespace; a DNS label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Which events of the cluster's Kustomizations, GitRepositories and HelmReleases are sent.
   * @default AlertSeverity.INFO (also what Flux changes: a drift it corrected, a new revision applied)
   */
  readonly eventSeverity?: AlertSeverity;
  /**
   * Also send the events of the cluster's Terraform objects (tofu-controller: drift detected, plan or apply failed).
   * Flux does not accept the kind `Terraform` in an Alert until its Alert CRD and notification-controller's
   * ClusterRole are patched: in flux CLI mode the library writes that patch into
   * `clusters/<cluster>/flux-system/kustomization.yaml` (or, when that file is yours, keeps it and prints what to
   * add). In AKS extension mode the extension owns the CRDs and they cannot be patched, so this is refused there.
   * @default - true in flux CLI mode when the cluster has Terraform objects, false in AKS extension mode
   */
  readonly terraformEvents?: boolean;
  /**
   * Which events of the Terraform objects are sent.
   * @default AlertSeverity.ERROR (Warning events: DriftDetected, DriftDetectionFailed, failed plans and applies)
   */
  readonly terraformEventSeverity?: AlertSeverity;
  /**
   * More `spec.eventMetadata` for every Alert (shown with each message). The library always sets `cluster` (the
   * cluster name) and, when the cluster declares one, `environment`; those two keys cannot be given here.
   * @default - only cluster and environment
   */
  readonly eventMetadata?: Record<string, string>;
  /**
   * Go regular expressions on the message of the Flux kinds' events: an event is sent only if one matches.
   * @default - every event
   */
  readonly inclusionList?: string[];
  /**
   * Go regular expressions on the message of the Flux kinds' events: an event that matches one is not sent.
   * @default - none
   */
  readonly exclusionList?: string[];
  /**
   * A drift-only Alert `<name>-drift` for the Terraform objects (tofu-controller's DriftDetected events), so drift is
   * not lost among failed plans; the `<name>-terraform` Alert then leaves drift out. `false`: no drift-only Alert.
   * Only where Terraform events can be alerted (see terraformEvents).
   * @default - a drift-only Alert with inclusionList ["^Drift detected"]
   */
  readonly driftAlert?: DriftAlertOptions | false;
  /**
   * An `info` Alert `<name>-approval` for the "plan awaiting approval" event of every Terraform object with manual
   * approval (a Normal event, which the `error` Terraform Alert drops). Only where Terraform events can be alerted.
   * @default true (written when the cluster has a Terraform object with manual approval)
   */
  readonly approvalAlert?: boolean;
}

/** The Flux kinds whose events a cluster's alerts cover. */
export const ALERTED_FLUX_KINDS: readonly string[] = ["Kustomization", "GitRepository", "HelmRelease"];

/**
 * Alerts of one cluster (`FluxBootstrap.addAlerts`): a notification Provider and an Alert for the events of the
 * cluster's Kustomizations, GitRepositories and HelmReleases (written to `clusters/<cluster>/notifications.yaml`), and
 * in flux CLI mode an Alert for its Terraform objects' events (`clusters/<cluster>/flux-system/terraform-alerts.yaml`,
 * applied together with the CRD patch that makes Flux accept it).
 */
export class FluxAlerts extends Construct {
  /** The alerts of `cluster`, in creation order. */
  static of(cluster: IFluxCluster): readonly FluxAlerts[] {
    return ALERTS.of(cluster, undefined);
  }

  readonly cluster: IFluxCluster;
  readonly provider: NotificationProvider;
  /** Name of the Provider and the Alerts. */
  readonly name: string;
  readonly eventSeverity: AlertSeverity;
  readonly terraformEventSeverity: AlertSeverity;
  private readonly props: FluxAlertsProps;

  constructor(scope: Construct, id: string, given: FluxAlertsProps & { readonly cluster: IFluxCluster }) {
    super(scope, id);
    // A JavaScript caller without props gets the validation's messages, not a TypeError here.
    const props = given ?? ({} as FluxAlertsProps & { readonly cluster: IFluxCluster });
    this.props = props;
    this.cluster = props.cluster;
    this.provider = props.provider;
    this.name = props.name ?? id;
    this.eventSeverity = props.eventSeverity ?? AlertSeverity.INFO;
    this.terraformEventSeverity = props.terraformEventSeverity ?? AlertSeverity.ERROR;
    if (isFluxClusterLike(props.cluster)) ALERTS.add(props.cluster, undefined, this);
    addPropValidation(this, (c) => this.validate(c));
  }

  /** Whether the Terraform objects' events are sent (see FluxAlertsProps.terraformEvents). */
  get terraformEvents(): boolean {
    return (this.props.terraformEvents ?? true) && !this.cluster._aksExtensionCluster && this.cluster.terraforms.length > 0;
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    if (!isFluxClusterLike(this.cluster)) {
      c.fail("cluster", this.cluster, "a FluxBootstrap (the cluster whose Flux sends the events)");
      return;
    }
    if (c.pattern("name", this.name, DNS_LABEL, "a DNS label (the Provider and Alert name)")) {
      c.check(
        this.name.length <= 53,
        "name",
        this.name,
        "at most 53 characters (the Terraform Alerts are <name>-terraform, -drift and -approval)",
      );
    }
    c.check(
      p.provider instanceof NotificationProvider,
      "provider",
      p.provider,
      "NotificationProvider.msteams(…), .slack(…) or .generic(…)",
    );
    if (p.provider instanceof NotificationProvider) {
      const secretAllowed = "the name of a Secret in the cluster's Flux namespace holding the address (never the address itself)";
      if (c.required("provider.secretName", p.provider.secretName, secretAllowed))
        c.pattern("provider.secretName", p.provider.secretName, DNS_SUBDOMAIN, secretAllowed);
      if (p.provider.username !== undefined)
        c.check(typeof p.provider.username === "string", "provider.username", p.provider.username, "a user name to post as");
      if (p.provider.channel !== undefined)
        c.check(
          typeof p.provider.channel === "string" && p.provider.channel.length > 0 && p.provider.channel.length <= 2048,
          "provider.channel",
          p.provider.channel,
          "a channel name",
        );
    }
    c.oneOf("eventSeverity", p.eventSeverity, Object.values(AlertSeverity));
    c.oneOf("terraformEventSeverity", p.terraformEventSeverity, Object.values(AlertSeverity));
    if (p.terraformEvents !== undefined)
      c.check(typeof p.terraformEvents === "boolean", "terraformEvents", p.terraformEvents, "true or false");
    if (p.terraformEvents === true && this.cluster._aksExtensionCluster) {
      c.fail(
        "terraformEvents",
        true,
        "unset or false in AKS extension mode: Flux accepts the kind Terraform in an Alert only with its Alert CRD patched, and on AKS the " +
          "microsoft.flux extension owns that CRD (use flux CLI mode for Terraform drift alerts, or alert on tofu-controller's DriftDetected " +
          "Kubernetes Events with Container Insights or kube-state-metrics: docs/drift.md)",
      );
    }
    this.validateFilters(c, p);
    for (const other of FluxAlerts.of(this.cluster)) {
      if (other === this) break;
      if (other.name === this.name)
        c.fail("name", this.name, `a name no other alerts of cluster ${this.cluster.clusterName} use (${other.node.path} has it)`);
    }
  }

  private validateFilters(c: PropChecks, p: FluxAlertsProps): void {
    if (p.eventMetadata !== undefined && c.record("eventMetadata", p.eventMetadata, "an object of string values")) {
      for (const [k, v] of Object.entries(p.eventMetadata)) {
        c.check(typeof v === "string", `eventMetadata.${k}`, v, "a string");
        c.check(
          k !== CLUSTER_METADATA_KEY && k !== ENVIRONMENT_METADATA_KEY,
          "eventMetadata",
          k,
          `a key other than "${CLUSTER_METADATA_KEY}" and "${ENVIRONMENT_METADATA_KEY}" ` +
            `(the library sets them from the cluster: its name and its environment prop)`,
        );
      }
    }
    checkMessagePatterns(c, "inclusionList", p.inclusionList);
    checkMessagePatterns(c, "exclusionList", p.exclusionList);
    if (
      p.driftAlert !== undefined &&
      p.driftAlert !== false &&
      c.record("driftAlert", p.driftAlert, "false or { inclusionList?, exclusionList? }")
    ) {
      checkMessagePatterns(c, "driftAlert.inclusionList", p.driftAlert.inclusionList);
      checkMessagePatterns(c, "driftAlert.exclusionList", p.driftAlert.exclusionList);
    }
    if (p.approvalAlert !== undefined) c.check(typeof p.approvalAlert === "boolean", "approvalAlert", p.approvalAlert, "true or false");
  }

  /** `spec.eventMetadata` of every Alert: the cluster, its environment, the user's keys. */
  private get eventMetadata(): Record<string, string> {
    const env = this.cluster.environment;
    return {
      [CLUSTER_METADATA_KEY]: this.cluster.clusterName,
      ...(env !== undefined ? { [ENVIRONMENT_METADATA_KEY]: env } : {}),
      ...(this.props.eventMetadata ?? {}),
    };
  }

  /** @internal The Provider and the Alert of the Flux kinds. */
  _fluxDocuments(): Record<string, unknown>[] {
    const ns = this.cluster.namespace;
    const docs = [
      providerObject(
        { name: this.name, namespace: ns },
        {
          type: this.provider.type,
          channel: this.provider.channel,
          username: this.provider.username,
          secretRef: { name: this.provider.secretName },
        },
      ),
      alertObject(
        { name: this.name, namespace: ns },
        {
          providerRef: { name: this.name },
          eventSeverity: this.eventSeverity,
          eventSources: ALERTED_FLUX_KINDS.map((kind) => ({ kind, name: "*" })),
          inclusionList: this.props.inclusionList,
          exclusionList: this.props.exclusionList,
          eventMetadata: this.eventMetadata,
        },
      ),
    ];
    return docs.map((d) => forFluxTarget(d, this.cluster._fluxTarget));
  }

  /** @internal The Alert of the Terraform objects (one event source per namespace that holds some), if enabled. */
  _terraformDocuments(): Record<string, unknown>[] {
    if (!this.terraformEvents) return [];
    const ns = this.cluster.namespace;
    const sources: AlertEventSource[] = this.cluster.terraformNamespaces.map((n) => ({
      kind: "Terraform",
      name: "*",
      namespace: n === ns ? undefined : n,
    }));
    const drift = this.props.driftAlert === false ? undefined : (this.props.driftAlert ?? {});
    const alerts = [
      alertObject(
        { name: `${this.name}-terraform`, namespace: ns },
        {
          providerRef: { name: this.name },
          eventSeverity: this.terraformEventSeverity,
          eventSources: sources,
          exclusionList: drift ? [DRIFT_MESSAGE_PATTERN] : undefined,
          eventMetadata: this.eventMetadata,
        },
      ),
    ];
    if (drift)
      alerts.push(
        alertObject(
          { name: `${this.name}-drift`, namespace: ns },
          {
            providerRef: { name: this.name },
            eventSeverity: AlertSeverity.ERROR,
            eventSources: sources,
            inclusionList: drift.inclusionList ?? [DRIFT_MESSAGE_PATTERN],
            exclusionList: drift.exclusionList,
            eventMetadata: this.eventMetadata,
          },
        ),
      );
    const waiting = this.cluster.terraforms.filter((t) => t._waitsForApproval);
    if (this.props.approvalAlert !== false && waiting.length > 0)
      alerts.push(
        alertObject(
          { name: `${this.name}-approval`, namespace: ns },
          {
            providerRef: { name: this.name },
            // The "plan awaiting approval" event is a Normal one: an `error` Alert never sees it.
            eventSeverity: AlertSeverity.INFO,
            eventSources: waiting.map((t) => ({
              kind: "Terraform",
              name: t.name,
              namespace: t.namespace === ns ? undefined : t.namespace,
            })),
            inclusionList: [PLAN_AWAITING_APPROVAL_PATTERN],
            eventMetadata: this.eventMetadata,
          },
        ),
      );
    return alerts.map((alert) => forFluxTarget(alert, this.cluster._fluxTarget));
  }
}
