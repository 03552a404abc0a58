import { checkNoSecrets } from "../lib/checks/secret-scan";
import { emptyRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";
import { RepoView } from "../lib/synth/repo-view";

const noRepo: RepoView = { record: emptyRecord(), read: () => undefined };
const opts = { acknowledged: new Set<string>() };

function scanYaml(doc: unknown): string[] {
  return checkNoSecrets(
    [renderFile({ path: "clusters/dev/x.yaml", source: "app/dev/x", content: { format: "yaml", documents: [doc] } })],
    noRepo,
    opts,
  );
}
function scanJson(value: unknown): string[] {
  return checkNoSecrets(
    [renderFile({ path: "infrastructure/a/main.tf.json", source: "app/a", content: { format: "json", value } })],
    noRepo,
    opts,
  );
}
const cm = (data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data });

describe("secret scan", () => {
  // Built at run time so this test file itself does not look like it holds credentials.
  const ghp = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  const pat = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
  const key = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
  const storage = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + "A".repeat(86) + "==;EndpointSuffix=core.windows.net";

  test.each([
    ["GitHub classic token", cm({ t: ghp }), /GitHub token/],
    ["GitHub fine-grained token", cm({ t: pat }), /fine-grained token/],
    ["private key block", cm({ k: key }), /private key block/],
    [
      "URL with user:token",
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "GitRepository",
        metadata: { name: "r" },
        spec: { url: "https://bob:s3cr3tt0ken@github.com/org/repo.git" },
      },
      /URL with a user and password/,
    ],
    ["Azure storage key", cm({ c: storage }), /storage account key/],
    ["password: value", cm({ password: "hunter2hunter2" }), /literal value for password/],
    [
      "literal secret env var",
      { spec: { runnerPodTemplate: { spec: { env: [{ name: "ARM_CLIENT_SECRET", value: "abc.def" }] } } } },
      /ARM_CLIENT_SECRET has a literal value/,
    ],
    [
      "Teams workflow webhook in a Terraform variable",
      {
        spec: {
          vars: [
            {
              name: "hook",
              value:
                "https://prod-01.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" +
                "Zx9".repeat(12),
            },
          ],
        },
      },
      /Microsoft Teams webhook address/,
    ],
    [
      "Slack webhook in an annotation",
      { metadata: { name: "x", annotations: { hook: "https://hooks.slack.com/services/T000/B000/" + "X".repeat(24) } } },
      /Slack webhook address/,
    ],
    ["Discord webhook", cm({ d: "https://discord.com/api/webhooks/123456789012345678/" + "a_B-".repeat(16) }), /Discord webhook address/],
    [
      "generic webhook with a function key",
      cm({ u: "https://alerts.example.com/api/notify?code=" + "k3Y".repeat(14) + "==" }),
      /key or token in its query/,
    ],
    [
      "token as a later query parameter",
      cm({ u: "https://example.com/hook?channel=ops&token=" + "t0K".repeat(8) }),
      /key or token in its query/,
    ],
  ])("catches %s and never prints it", (_name, doc, expected) => {
    const problems = scanYaml(doc);
    expect(problems.join("\n")).toMatch(expected);
    expect(problems.join("\n")).toMatch(/^\[app\/dev\/x\] clusters\/dev\/x\.yaml/);
    for (const secret of [ghp, pat, "s3cr3tt0ken", "hunter2hunter2", "A".repeat(86)]) expect(problems.join("\n")).not.toContain(secret);
  });

  test("catches a client secret in Terraform JSON", () => {
    expect(scanJson({ provider: { azurerm: [{ client_secret: "x~y" }] } }).join()).toMatch(
      /provider\.azurerm\[0\]\.client_secret: a literal value/,
    );
  });

  test("ordinary values pass: image tags, resource ids, hashes, secret references, token file paths, Terraform references", () => {
    const ordinary = {
      apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
      kind: "Terraform",
      metadata: { name: "aks-drift-reconciler", namespace: "flux-system" },
      spec: {
        backendConfig: { secretSuffix: "aks-gitops-tf", inClusterConfig: true },
        runnerPodTemplate: {
          spec: {
            image: "ghcr.io/flux-iac/tf-runner:v0.16.5",
            env: [
              { name: "ARM_OIDC_TOKEN_FILE_PATH", value: "/var/run/secrets/azure/tokens/azure-identity-token" },
              { name: "ARM_CLIENT_ID", value: "00000000-0000-0000-0000-000000000000" },
              { name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "sp", key: "secret" } } },
            ],
          },
        },
        varsFrom: [{ kind: "Secret", name: "vars" }],
        writeOutputsToSecret: { name: "outputs" },
      },
    };
    expect(scanYaml(ordinary)).toEqual([]);
    expect(
      scanJson({
        resource: {
          x: {
            y: {
              kubernetes_cluster_id:
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
              password: "${var.password}",
            },
          },
        },
        hash: "b758204b4213128fdc6fb5dd8acfdb90e7746307a37c6815734d88002b810302",
        url: "https://github.com/org/repo.git",
        ssh: "ssh://git@github.com/org/repo.git",
        api: "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/providers?api-version=2022-12-01",
        search: "https://example.com/search?query=node-pool-autoscaler-min-count&page=2",
        image: "ghcr.io/flux-iac/tf-runner:v0.16.5@sha256:b758204b4213128fdc6fb5dd8acfdb90e7746307a37c6815734d88002b810302",
      }),
    ).toEqual([]);
  });
});
