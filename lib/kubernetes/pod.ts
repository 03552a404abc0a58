/** Core pod types used in the runner pod template, typed after the fields of the Terraform CRD (v1alpha2). */

export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}

export interface ConfigMapKeySelector {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}

export interface ObjectFieldSelector {
  readonly fieldPath: string;
  readonly apiVersion?: string;
}

export interface EnvVarSource {
  readonly secretKeyRef?: SecretKeySelector;
  readonly configMapKeyRef?: ConfigMapKeySelector;
  readonly fieldRef?: ObjectFieldSelector;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: EnvVarSource;
}

export interface EnvFromSource {
  readonly prefix?: string;
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}
