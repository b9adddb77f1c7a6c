#!/bin/sh
# algo-1 of the MPI harness test: what the toolkit's MPI runner will do, by hand: host keys, sshd, then
# mpirun over SSH to algo-2 with the image's hostname shim preloaded into every rank.
set -eu
ssh-keygen -A >/dev/null
/usr/sbin/sshd
exec mpirun --allow-run-as-root -np 2 -H algo-1:1,algo-2:1 \
  -x LD_PRELOAD=/opt/smtk/lib/libsmtkhostname.so \
  --mca btl_tcp_if_include eth0 --mca oob_tcp_if_include eth0 --mca plm_rsh_no_tree_spawn 1 \
  python3 /opt/ml/input/data/code/allreduce.py
