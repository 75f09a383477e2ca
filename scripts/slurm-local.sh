#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying lodi's Slurm jobs without a cluster.
#   scripts/slurm-local.sh start [STATE_DIR]   start munge, slurmctld and slurmd (needs root and Debian's
#                                              slurm-wlm and munge: apt-get install slurm-wlm munge)
#   scripts/slurm-local.sh stop [STATE_DIR]    stop the daemons it started, by their pids
# Then: export SLURM_CONF=STATE_DIR/slurm.conf (start prints it) and use sbatch, squeue, scontrol as usual.
set -euo pipefail

command="${1:-}"
STATE="${2:-/tmp/lodi-slurm}"
CONF="$STATE/slurm.conf"

stop() {
    for daemon in slurmd slurmctld munged; do
        if [[ -f "$STATE/$daemon.pid" ]]; then
            pid="$(cat "$STATE/$daemon.pid")"
            if kill "$pid" 2>/dev/null; then
                for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            fi
            rm -f "$STATE/$daemon.pid"
        fi
    done
    echo "slurm-local: stopped"
}

start() {
    for tool in munged slurmctld slurmd sbatch; do
        if ! command -v "$tool" >/dev/null && [[ ! -x "/usr/sbin/$tool" ]]; then
            echo "slurm-local: $tool is missing; install Slurm and munge: apt-get install slurm-wlm munge" >&2
            exit 2
        fi
    done
    if [[ "$(id -u)" != 0 ]]; then
        echo "slurm-local: needs root (munge and slurmd run as root here)" >&2
        exit 2
    fi
    if [[ -f "$STATE/slurmctld.pid" ]] && kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null; then
        echo "slurm-local: already running (state in $STATE); 'scripts/slurm-local.sh stop' first" >&2
        exit 2
    fi
    mkdir -p "$STATE"/{spool,state,log}

    # munge: a key, its folders owned by munge, the daemon
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    mkdir -p /var/log/munge /run/munge /var/lib/munge
    chown munge:munge /etc/munge /etc/munge/munge.key /var/log/munge /run/munge /var/lib/munge
    chmod 400 /etc/munge/munge.key
    if ! pgrep -x munged >/dev/null; then
        runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/lodi-munged.pid
        for _ in $(seq 50); do [[ -s /run/munge/lodi-munged.pid ]] && break; sleep 0.1; done
        cp /run/munge/lodi-munged.pid "$STATE/munged.pid"
    fi

    local host cpus memory
    host="$(hostname -s)"
    cpus="$(nproc)"
    memory="$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) * 9 / 10 ))"
    cat > "$CONF" <<CONF
ClusterName=lodi-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmdSpoolDir=$STATE/spool
StateSaveLocation=$STATE/state
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
KillWait=30
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$CONF"
    /usr/sbin/slurmctld -i -f "$CONF"
    /usr/sbin/slurmd -f "$CONF"
    for _ in $(seq 100); do
        if sinfo -h -o %t 2>/dev/null | grep -q idle; then
            echo "slurm-local: one node ($host, $cpus CPUs, ${memory} MB) idle; state in $STATE"
            echo "export SLURM_CONF=$CONF"
            return
        fi
        sleep 0.2
    done
    echo "slurm-local: the node did not come up; see $STATE/log/" >&2
    stop
    exit 1
}

case "$command" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: scripts/slurm-local.sh start|stop [STATE_DIR]" >&2; exit 2 ;;
esac
