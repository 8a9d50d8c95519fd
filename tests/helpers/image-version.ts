// The version an image reference pins, for checks that hold a stack file's images to the oldest
// release upstream says works. Only a full vX.Y.Z tag pins a version: a floating tag (v3, v3.6,
// latest) moves under the deployment, so it reads as no version at all.

export interface PinnedImage {
  repository: string;
  version: [number, number, number];
}

const REFERENCE = /^(?<repository>[^@\s]+?):v?(?<major>\d+)\.(?<minor>\d+)\.(?<patch>\d+)$/;

/** The repository and exact version of `image`, or undefined when it pins no full version. */
export function pinnedVersion(image: string): PinnedImage | undefined {
  const match = REFERENCE.exec(image);
  if (!match?.groups) return undefined;
  const { repository, major, minor, patch } = match.groups;
  return { repository: repository!, version: [Number(major), Number(minor), Number(patch)] };
}

/** Whether version `a` is the same as or later than `b`. */
export function atLeast(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
