/**
 * SSH host key algorithms a Flux controller accepts in `--ssh-hostkey-algos` (the names of golang.org/x/crypto/ssh,
 * which source-controller and image-automation-controller use). A closed list: a value made only of these names can
 * hold no secret, so the secret scan lets the `<controller>.ssh-host-key-args` setting through (lib/checks/secret-scan.ts).
 */
export enum SshHostKeyAlgorithm {
  SSH_ED25519 = "ssh-ed25519",
  ECDSA_SHA2_NISTP256 = "ecdsa-sha2-nistp256",
  ECDSA_SHA2_NISTP384 = "ecdsa-sha2-nistp384",
  ECDSA_SHA2_NISTP521 = "ecdsa-sha2-nistp521",
  RSA_SHA2_512 = "rsa-sha2-512",
  RSA_SHA2_256 = "rsa-sha2-256",
  /** SHA-1 RSA: Azure DevOps and GitHub no longer accept it. */
  SSH_RSA = "ssh-rsa",
  SK_SSH_ED25519 = "sk-ssh-ed25519@openssh.com",
  SK_ECDSA_SHA2_NISTP256 = "sk-ecdsa-sha2-nistp256@openssh.com",
  SSH_ED25519_CERT = "ssh-ed25519-cert-v01@openssh.com",
  ECDSA_SHA2_NISTP256_CERT = "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  ECDSA_SHA2_NISTP384_CERT = "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  ECDSA_SHA2_NISTP521_CERT = "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  RSA_SHA2_512_CERT = "rsa-sha2-512-cert-v01@openssh.com",
  RSA_SHA2_256_CERT = "rsa-sha2-256-cert-v01@openssh.com",
  SSH_RSA_CERT = "ssh-rsa-cert-v01@openssh.com",
}

const FLAG = "--ssh-hostkey-algos=";
const KNOWN: ReadonlySet<string> = new Set(Object.values(SshHostKeyAlgorithm));

/** The controller flag for these algorithms: `--ssh-hostkey-algos=a,b`. */
export function sshHostKeyAlgosFlag(algorithms: readonly string[]): string {
  return `${FLAG}${algorithms.join(",")}`;
}

/** True if `value` is exactly `--ssh-hostkey-algos=` and known algorithm names (nothing else can be in it). */
export function isSshHostKeyAlgosFlag(value: string): boolean {
  if (!value.startsWith(FLAG)) return false;
  const names = value.slice(FLAG.length).split(",");
  return names.length > 0 && names.every((n) => KNOWN.has(n));
}
