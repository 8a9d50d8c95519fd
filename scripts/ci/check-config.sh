#!/usr/bin/env bash
# Static validators that need Debian tools (npm run test:config). Each check names itself and
# the run fails if any check fails. No Docker daemon is needed: `docker stack config` and
# `docker-compose config` only render files.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -ne 0 ]]; then
  echo "usage: $0   (no arguments)" >&2
  exit 2
fi

declare -A package_of=([shellcheck]=shellcheck [yamllint]=yamllint [promtool]=prometheus [amtool]=prometheus-alertmanager
  [docker]=docker.io [docker-compose]=docker-compose [ansible-playbook]=ansible [ansible-lint]=ansible-lint)
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test:config needs $tool (apt-get install ${package_of[$tool]})" >&2; exit 1; }
done

failed=0
check() {
  local name=$1
  shift
  local output
  if output=$("$@" 2>&1); then
    echo "ok: $name"
  else
    echo "FAILED: $name" >&2
    echo "$output" >&2
    failed=1
  fi
}

tracked() { git ls-files --cached --others --exclude-standard "$@"; }

mapfile -t shell_scripts < <(tracked '*.sh' .ci/run)
check "shellcheck (${#shell_scripts[@]} scripts)" shellcheck -x "${shell_scripts[@]}"

mapfile -t yaml_files < <(tracked '*.yml' '*.yaml' .drone.yml '*.ansible-lint' | sort -u)
check "yamllint (${#yaml_files[@]} files)" yamllint --strict -c scripts/ci/yamllint.yml "${yaml_files[@]}"

# Every stack file (stack/stacks.txt) renders twice: with no settings at all (the defaults after
# ":-") and with the documented example settings.
mapfile -t stacks < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' stack/stacks.txt)
render_with_example() { (set -a; . stack/.env.example; set +a; docker stack config -c "$1" >/dev/null); }
render_bare() { env -i PATH="$PATH" HOME="$HOME" docker stack config -c "$1" >/dev/null; }
for stack in "${stacks[@]}"; do
  stack_file=stack/$stack.yml
  check "docker stack config $stack_file (defaults)" render_bare "$stack_file"
  check "docker stack config $stack_file (stack/.env.example)" render_with_example "$stack_file"
done
check "docker-compose config stack/compose.yaml" docker-compose -f stack/compose.yaml config -q

check "promtool check config stack/prometheus/prometheus.yml" promtool check config --syntax-only stack/prometheus/prometheus.yml
check "promtool check config stack/prometheus/prometheus.compose.yml" promtool check config --syntax-only stack/prometheus/prometheus.compose.yml
check "promtool check rules" promtool check rules stack/prometheus/rules/*.yml
check "promtool test rules" promtool test rules stack/prometheus/tests/*.test.yml

check "amtool check-config stack/alertmanager/alertmanager.yml" amtool check-config stack/alertmanager/alertmanager.yml
for template in platform.title platform.text; do
  check "amtool template render $template" amtool template render \
    --template.glob='stack/alertmanager/templates/*.tmpl' --template.text="{{ template \"$template\" . }}"
done

# Ansible: the playbooks parse, and ansible-lint's production profile (provisioning/.ansible-lint)
# passes, offline: the roles are here and community.docker comes with Debian's ansible.
syntax_check() { (cd provisioning && ANSIBLE_CONFIG=ansible.cfg ansible-playbook --syntax-check -i inventories/example/hosts.yml "$1"); }
for playbook in site.yml deploy.yml maintenance.yml; do
  check "ansible-playbook --syntax-check $playbook" syntax_check "$playbook"
done
check "ansible-lint --profile production" bash -c 'cd provisioning && ansible-lint --profile production --nocolor'

if [[ $failed -ne 0 ]]; then exit 1; fi
echo "test:config: all checks passed"
