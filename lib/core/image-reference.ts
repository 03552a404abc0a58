/**
 * Container image references as props take them: `[registry[:port]/]repository:tag`, `…@sha256:<64 hex>` or both,
 * the grammar of distribution/reference. A reference must be pinned: a tag other than `latest`, or a digest. An
 * image without a tag is `latest` to the kubelet, and with the runner's `imagePullPolicy: IfNotPresent`
 * (tofu-controller controllers/tf_controller_runner.go:293@v0.16.5) each node keeps whichever `latest` it pulled
 * first, so two runners of one object could run different providers.
 */
import { PropChecks } from "./validation";

const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REFERENCE = new RegExp(
  String.raw`^(?<repository>(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$`,
);

/** An image reference taken apart. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The parts of a reference, or undefined if it is not one. */
export function parseImageReference(image: unknown): ImageReference | undefined {
  if (typeof image !== "string" || image.length > 255 + 128 + 72) return undefined;
  const m = REFERENCE.exec(image);
  if (!m) return undefined;
  return { repository: m.groups!.repository, tag: m.groups!.tag, digest: m.groups!.digest };
}

/**
 * A pinned image reference, else one problem naming what is wrong.
 * @param requireTag the reference must have a tag (digest alone is not enough: e.g. a chart that writes `repo:tag`)
 */
export function checkImageReference(c: PropChecks, prop: string, image: unknown, requireTag = false): ImageReference | undefined {
  if (image === undefined) return undefined;
  if (!c.literal(prop, image)) return undefined;
  const syntax = "an image reference <registry>/<repository>:<tag> or …@sha256:<64 hex> (lower-case repository, no scheme, no spaces)";
  const ref = parseImageReference(image);
  if (!ref) {
    c.fail(prop, image, syntax);
    return undefined;
  }
  const pinned = requireTag
    ? "a pinned tag (not latest, not left out); a digest may follow it (repository:tag@sha256:…)"
    : "a pinned tag (not latest, not left out) or a digest (@sha256:…)";
  const tagged = ref.tag !== undefined && (ref.tag !== "latest" || ref.digest !== undefined);
  if (requireTag && ref.tag === undefined && ref.digest !== undefined) {
    c.fail(prop, image, `a tag before the digest (repository:tag@sha256:…): the chart writes this image as repository:tag`);
    return undefined;
  }
  if (requireTag ? !tagged : !tagged && ref.digest === undefined) {
    c.fail(prop, image, `${pinned}: an unpinned image is whatever the registry serves as latest when a node first pulls it`);
    return undefined;
  }
  return ref;
}
