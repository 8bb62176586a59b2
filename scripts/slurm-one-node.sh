#!/usr/bin/env bash
# A private one-node Slurm cluster in DIR (munge, slurmctld, slurmd as root; nothing in /etc), for
# the array-job test. `start DIR [PORT]` starts it and waits until the node is idle, then prints
# SLURM_CONF=…; `stop DIR` stops exactly the processes it started (by their recorded PIDs).
# Exit 3 from start: Slurm is not installed or cannot run here (the reason on stderr).
set -uo pipefail
cmd=${1:?start|stop} dir=$(realpath -m "${2:?DIR}") port=${3:-16817}

stop() {
  for p in slurmd slurmctld munged; do
    [ -f "$dir/$p.pid" ] && kill -TERM "$(cat "$dir/$p.pid")" 2>/dev/null
  done
  for p in slurmd slurmctld munged; do
    [ -f "$dir/$p.pid" ] || continue
    local pid; pid=$(cat "$dir/$p.pid")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/$p.pid"
  done
}
if [ "$cmd" = stop ]; then stop; exit 0; fi

why() { echo "slurm-one-node: $*" >&2; stop; exit 3; }
for t in munged mungekey munge unmunge slurmctld slurmd sbatch squeue sinfo; do
  command -v "$t" >/dev/null || why "$t is not installed (apt-get install slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" = 0 ] || why "needs root (slurmd runs jobs as their owner)"
mkdir -p "$dir"/{spool,state,log}
host=$(hostname -s)
sock="$dir/munge.socket" key="$dir/munge.key"
[ -f "$key" ] || mungekey -c -k "$key" >/dev/null 2>&1 || why "mungekey failed"
chmod 600 "$key"
munged -F --force -S "$sock" --key-file="$key" --log-file="$dir/log/munged.log" \
  --pid-file="$dir/munged.pidfile" --seed-file="$dir/munge.seed" >/dev/null 2>&1 &
echo $! >"$dir/munged.pid"
for _ in $(seq 50); do munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 && break; sleep 0.1; done
munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 || why "munged did not start (see $dir/log/munged.log)"

cat >"$dir/slurm.conf" <<EOF
ClusterName=sk$port
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pidfile
SlurmdPidFile=$dir/slurmd.pidfile
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc)
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -c >/dev/null 2>&1 &
echo $! >"$dir/slurmctld.pid"
slurmd -D >/dev/null 2>&1 &
echo $! >"$dir/slurmd.pid"
for _ in $(seq 100); do
  [ "$(sinfo -h -N -o %t 2>/dev/null | head -1)" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.2
done
why "the node did not become idle in 20 s (see $dir/log/slurmctld.log and slurmd.log)"
