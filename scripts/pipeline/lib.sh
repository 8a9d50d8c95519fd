# shellcheck shell=bash
# Sourced by the pipeline's scripts: the one-line failure, the registry check, which images
# there are, and the tags and version a build gives them. Reads REGISTRY, TAG, DRONE_TAG.

# The targets of stack/Dockerfile; each becomes the image $REGISTRY/swarm-platform-TARGET, the
# name stack/app.yml, stack/migrate.yml and stack/autoscaler.yml run.
# shellcheck disable=SC2034 # read by the scripts that source this file
PIPELINE_TARGETS=(app migrate autoscaler)

fail() { echo "$(basename "$0"): $*" >&2; exit 1; }

require_registry() {
  [[ -n ${REGISTRY:-} ]] || fail "REGISTRY is not set (host[:port] of the registry, e.g. registry.example.com:5000)"
}

image_name() { echo "$REGISTRY/swarm-platform-$1"; }

# The tag every build gets: TAG (Drone sets it to ${DRONE_COMMIT_SHA:0:8}), else the checkout's
# commit shortened the same way, so a workstation build names the same image as the pipeline.
commit_tag() {
  if [[ -n ${TAG:-} ]]; then echo "$TAG"; return; fi
  git rev-parse --short=8 HEAD 2>/dev/null || fail "TAG is not set and this is not a git checkout"
}

# On a release tag DRONE_TAG=v1.2.3 the images also get 1.2.3, 1.2 and 1; a pre-release
# (v1.2.3-rc.1) gets only its own version. No DRONE_TAG: no extra tags.
semver_tags() {
  [[ -n ${DRONE_TAG:-} ]] || return 0
  [[ $DRONE_TAG =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?$ ]] \
    || fail "DRONE_TAG $DRONE_TAG is not a release tag vMAJOR.MINOR.PATCH[-PRERELEASE]"
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]} pre=${BASH_REMATCH[4]}
  if [[ -n $pre ]]; then
    echo "$major.$minor.$patch$pre"
  else
    printf '%s\n' "$major.$minor.$patch" "$major.$minor" "$major"
  fi
}

# The version the images carry (label and APP_VERSION): the release tag without its v, else
# package.json's version.
image_version() {
  if [[ -n ${DRONE_TAG:-} ]]; then echo "${DRONE_TAG#v}"; return; fi
  sed -n 's/^  "version": "\([^"]*\)",$/\1/p' package.json | head -n 1
}

# Every tag of this build, one a line: the commit tag first, then the semver tags.
# Called as $(all_tags), where errexit does not reach: each failure is passed on explicitly.
all_tags() {
  local tag semver
  tag=$(commit_tag) || return 1
  semver=$(semver_tags) || return 1
  echo "$tag"
  if [[ -n $semver ]]; then echo "$semver"; fi
}
