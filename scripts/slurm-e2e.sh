#!/usr/bin/env bash
# The end-to-end check of lodi's Slurm jobs on a real one-node Slurm (scripts/slurm-local.sh), run by hand:
#   scripts/slurm-e2e.sh        exit 0 only when every check below holds
# 1. emits and submits a smoke-preset grid (2 methods x 2 seeds, at most 2 at once): pretrain -> grid -> collect;
# 2. requeues array task 0 mid-run, and gives task 1 the signal Slurm sends before a time limit: each must resume
#    from its checkpoint and end bit-identical to a run nobody interrupted;
# 3. collect must run after the whole array and its table must hold every run;
# 4. a task cancelled with scancel and submitted again resumes; the finished grid submitted again does no work;
# 5. stops the daemons it started, by their pids.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/lodi-slurm-e2e.XXXXXX)"
STATE="$WORK/slurm"
started=0
cleanup() {
    if (( started )); then
        scancel --quiet --user "$(id -un)" 2>/dev/null || true
        "$ROOT/scripts/slurm-local.sh" stop "$STATE" >/dev/null
    fi
}
trap cleanup EXIT
say() { echo "slurm-e2e: $*"; }
fail() { echo "slurm-e2e: FAILED: $*" >&2; exit 1; }
check() { local what="$1"; shift; if "$@"; then say "ok: $what"; else fail "$what"; fi; }
until_true() { # SECONDS WHAT COMMAND...: waits until COMMAND succeeds
    local limit="$1" what="$2"; shift 2
    for _ in $(seq $((limit * 5))); do "$@" && return 0; sleep 0.2; done
    fail "timed out after ${limit}s waiting for $what"
}
no_jobs_left() {
    if squeue -h -o %r | grep -q DependencyNeverSatisfied; then
        fail "a job's dependency can no longer be met (a job it waits on failed): $(squeue -h -o '%i %j %r')"
    fi
    [[ -z "$(squeue -h -o %i)" ]]
}
run_dir() { echo "$WORK/outputs/glue_multitask/multitask_$1_seed$2_frozen"; }
same_run() { # DIR_A DIR_B: the same weights and histories, byte for byte
    cmp -s "$1/adapter_model.safetensors" "$2/adapter_model.safetensors" \
        && cmp -s "$1/training_history.json" "$2/training_history.json" \
        && cmp -s "$1/evaluation_history.json" "$2/evaluation_history.json"
}

cd "$ROOT"
./lodi --version >/dev/null   # builds once here, so that no job builds
"$ROOT/scripts/slurm-local.sh" start "$STATE"
started=1
export SLURM_CONF="$STATE/slurm.conf"

COMMON=(--preset smoke --steps 1500 --eval-every 100 --set pretraining.steps=20 --set pretraining.batch_size=8)
say "reference runs, uninterrupted, here"
./lodi train --method full_ft --seed 42 "${COMMON[@]}" --outputs "$WORK/reference" >"$WORK/reference.log" 2>&1
./lodi train --method full_ft --seed 43 "${COMMON[@]}" --outputs "$WORK/reference" >>"$WORK/reference.log" 2>&1
./lodi train --method full_ft --seed 44 "${COMMON[@]}" --outputs "$WORK/reference" >>"$WORK/reference.log" 2>&1

say "1. emit and submit the grid"
./lodi reproduce --emit slurm "$WORK/jobs" "${COMMON[@]}" --methods full_ft,lora_diffusion --seeds 42,43 \
    --outputs "$WORK/outputs" --max-parallel 2
submitted="$(bash "$WORK/jobs/submit.sh")"
echo "$submitted"
grid="$(sed -n 's/.* grid \([0-9]*\) .*/\1/p' <<<"$submitted")"
collect="$(sed -n 's/.* collect \([0-9]*\).*/\1/p' <<<"$submitted")"
[[ -n "$grid" && -n "$collect" ]] || fail "submit.sh did not report its job ids"

say "2. requeue array task 0 once its first checkpoint exists"
first="$(run_dir full_ft 42)"
until_true 600 "the first checkpoint of task 0" test -d "$first/checkpoint"
sleep 1
scontrol requeue "${grid}_0"
say "requeued ${grid}_0"
second="$(run_dir full_ft 43)"
until_true 600 "the first checkpoint of task 1" test -d "$second/checkpoint"
sleep 1
scancel --batch --signal=USR1 "${grid}_1"   # what --signal=B:USR1@120 sends before the time limit
say "signalled ${grid}_1 as its time limit would"
until_true 900 "every job to finish" no_jobs_left

say "checks"
for method in full_ft lora_diffusion; do
    for seed in 42 43; do
        check "$method seed $seed finished" test -f "$(run_dir $method $seed)/training_summary.json"
    done
done
log0="$WORK/jobs/logs/grid_${grid}_0.out"
check "task 0 was stopped and resumed from its checkpoint" grep -q "resuming from step" "$log0"
check "task 0 recorded two attempts, the second a Slurm restart" \
    python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['attempts']; sys.exit(not (len(a) >= 2 and a[-1]['slurm']['slurm_restart_count'] != '0' and a[-1]['from_step'] > 0))" "$first/run_info.json"
check "the requeued run is bit-identical to the uninterrupted one" \
    same_run "$first" "$WORK/reference/glue_multitask/multitask_full_ft_seed42_frozen"
log1="$WORK/jobs/logs/grid_${grid}_1.out"
check "task 1 checkpointed on the time-limit signal and requeued itself" grep -q "time limit near: checkpointing" "$log1"
check "task 1 resumed from that checkpoint" grep -q "resuming from step" "$log1"
check "task 1 is bit-identical to the uninterrupted run" \
    same_run "$second" "$WORK/reference/glue_multitask/multitask_full_ft_seed43_frozen"
table="$WORK/outputs/GLUE_MULTITASK_RESULTS.md"
check "collect wrote the table" test -f "$table"
check "the table holds all four runs" test "$(grep -cE '^\| (full_ft|lora_diffusion) \| 4[23] \|' "$table" | head -1)" -ge 4
newest_summary="$(stat -c %Y "$WORK"/outputs/glue_multitask/*/training_summary.json | sort -n | tail -1)"
check "collect ran after every run finished" test "$(stat -c %Y "$table")" -ge "$newest_summary"
check "collect's log shows every run skipped as complete" test "$(grep -c 'complete, skipped' "$WORK"/jobs/logs/collect_*.out)" -eq 4

say "4. a task cancelled with scancel and submitted again resumes"
./lodi reproduce --emit slurm "$WORK/jobs-44" "${COMMON[@]}" --methods full_ft --seeds 44 --outputs "$WORK/outputs" >/dev/null
cancelled="$(sbatch --parsable "$WORK/jobs-44/grid.sbatch")"
cancelled="${cancelled%%;*}"
until_true 600 "the first checkpoint of seed 44" test -d "$(run_dir full_ft 44)/checkpoint"
sleep 1
scancel "${cancelled}_0"
until_true 120 "the cancelled task to end" no_jobs_left
check "the cancelled run is unfinished" test ! -f "$(run_dir full_ft 44)/training_summary.json"
sbatch --quiet --array=0 "$WORK/jobs-44/grid.sbatch"
until_true 600 "the resubmitted task to finish" no_jobs_left
check "the resubmitted task resumed" grep -q "resuming from step" "$WORK"/jobs-44/logs/grid_*_0.out
check "the resumed run is bit-identical to the uninterrupted one" \
    same_run "$(run_dir full_ft 44)" "$WORK/reference/glue_multitask/multitask_full_ft_seed44_frozen"

say "4. the finished grid submitted again does no work"
before="$(md5sum "$WORK"/outputs/glue_multitask/*/adapter_model.safetensors)"
again="$(bash "$WORK/jobs/submit.sh")"
again_grid="$(sed -n 's/.* grid \([0-9]*\) .*/\1/p' <<<"$again")"
until_true 600 "the resubmitted grid to finish" no_jobs_left
check "every resubmitted task found its run complete" \
    test "$(cat "$WORK"/jobs/logs/grid_"${again_grid}"_*.out | grep -c 'complete, skipped')" -eq 4
check "no resubmitted task trained" bash -c "! grep -q 'trainable params' $WORK/jobs/logs/grid_${again_grid}_*.out"
check "no run's weights changed" test "$before" = "$(md5sum "$WORK"/outputs/glue_multitask/*/adapter_model.safetensors)"

say "5. stopping the daemons"
"$ROOT/scripts/slurm-local.sh" stop "$STATE"
started=0
say "all checks passed (work folder $WORK)"
