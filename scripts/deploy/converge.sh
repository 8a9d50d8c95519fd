# Waiting for a deployed stack to converge, for scripts/deploy.sh (sourced).
# shellcheck shell=bash

# One line per service of STACK: name, a hash of its task template, a hash of its whole spec.
# A changed task template means Swarm rolls the service's tasks; a changed spec alone does not.
stack_specs() {
  local ids
  ids=$(docker service ls -q --filter "label=com.docker.stack.namespace=$1")
  [[ -n $ids ]] || return 0
  # shellcheck disable=SC2086 # one id per word
  docker service inspect --format '{{.Spec.Name}}{{"\t"}}{{json .Spec.TaskTemplate}}{{"\t"}}{{json .Spec}}' $ids |
    while IFS=$'\t' read -r name template spec; do
      echo "$name $(sha256sum <<<"$template" | cut -c1-16) $(sha256sum <<<"$spec" | cut -c1-16)"
    done | sort
}

# The manager's clock (seconds), against which Swarm's update and task times are compared.
manager_time() {
  local now
  now=$(docker info --format '{{.SystemTime}}')
  echo $(($(date -d "$now" +%s) - 1))
}

# The distinct errors of SERVICE's tasks created since SINCE (any task when none is that new),
# most frequent first, on one line.
task_errors() {
  local ids
  ids=$(docker service ps -q --no-trunc "$1" 2>/dev/null)
  [[ -n $ids ]] || { echo "no tasks"; return; }
  # shellcheck disable=SC2086 # one id per word
  docker inspect --type task --format '{{.CreatedAt.Unix}}{{"\t"}}{{.Status.State}}{{"\t"}}{{.Status.Err}}' $ids |
    awk -F'\t' -v since="$2" '
      $3 != "" { all[$3]++; if ($1 >= since) recent[$3]++ }
      END {
        n = 0; for (e in recent) n++
        if (n == 0) for (e in all) recent[e] = all[e]
        out = ""; for (e in recent) out = out (out == "" ? "" : "; ") e " (x" recent[e] ")"
        print (out == "" ? "none" : out)
      }'
}

# Whether a task of job SERVICE created since SINCE failed or was rejected.
job_failed() {
  local ids
  ids=$(docker service ps -q --no-trunc "$1" 2>/dev/null)
  [[ -n $ids ]] || return 1
  # shellcheck disable=SC2086 # one id per word
  docker inspect --type task --format '{{.CreatedAt.Unix}} {{.Status.State}}' $ids |
    awk -v since="$2" '$1 >= since && ($2 == "failed" || $2 == "rejected") { found = 1 } END { exit !found }'
}

# Waits until every service of STACK runs all its tasks and has completed the update this deploy
# started (jobs: completed all their tasks). Fails with one line naming the first service that
# Swarm rolled back or paused, a job that failed, or, after TIMEOUT seconds, one that has not
# converged, each with its tasks' errors. SINCE is the manager time before the deploy; BEFORE and
# AFTER the stack_specs output from before and after it.
wait_converged() {
  local stack=$1 since=$2 before=$3 after=$4 timeout=$5
  local deadline=$((SECONDS + timeout)) waiting name replicas info mode state started message running desired
  local rolled=" " old new
  # Services whose task template this deploy changed: Swarm must start and complete their update.
  while read -r name new _; do
    old=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$before")
    [[ -z $old || $old == "$new" ]] || rolled+="$name "
  done <<<"$after"
  while true; do
    waiting=
    while IFS=$'\t' read -r name replicas; do
      info=$(docker service inspect --format '{{if .Spec.Mode.ReplicatedJob}}job{{else}}service{{end}}{{"\t"}}{{if .UpdateStatus}}{{.UpdateStatus.State}}{{"\t"}}{{if .UpdateStatus.StartedAt}}{{.UpdateStatus.StartedAt.Unix}}{{else}}0{{end}}{{"\t"}}{{.UpdateStatus.Message}}{{else}}none{{"\t"}}0{{"\t"}}{{end}}' "$name")
      IFS=$'\t' read -r mode state started message <<<"$info"
      [[ $started -ge $since ]] || state=none
      case $state in
        rollback_completed | rollback_paused)
          echo "deploy: $name: Swarm rolled the update back ($message); task errors: $(task_errors "$name" "$since")" >&2
          return 1 ;;
        paused)
          echo "deploy: $name: the update is paused ($message); task errors: $(task_errors "$name" "$since")" >&2
          return 1 ;;
      esac
      running=${replicas%%/*}
      desired=${replicas#*/}
      desired=${desired%% *}
      if [[ $mode == job ]]; then
        if [[ $replicas =~ \(([0-9]+)/([0-9]+)\ completed\) && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]; then continue; fi
        if job_failed "$name" "$since"; then
          echo "deploy: $name: the job failed; task errors: $(task_errors "$name" "$since")" >&2
          return 1
        fi
        waiting="$name: job not completed ($replicas)"
      elif [[ $state == updating || $state == rollback_started ]]; then
        waiting="$name: update $state ($running/$desired running)"
      elif [[ $state == none && $rolled == *" $name "* ]]; then
        # The task template changed but Swarm has not started the update yet.
        waiting="$name: update not started"
      elif [[ $running != "$desired" ]]; then
        waiting="$name: $running/$desired tasks running"
      fi
      [[ -z $waiting ]] || break
    done < <(docker stack services "$stack" --format '{{.Name}}{{"\t"}}{{.Replicas}}')
    [[ -n $waiting ]] || return 0
    if [[ $SECONDS -ge $deadline ]]; then
      echo "deploy: ${waiting%%:*} did not converge within $timeout s (${waiting#*: }); task errors: $(task_errors "${waiting%%:*}" "$since")" >&2
      return 1
    fi
    sleep 3
  done
}
