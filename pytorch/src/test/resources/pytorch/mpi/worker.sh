#!/bin/sh
# algo-2 of the MPI harness test: host keys made now (none is in the image), then sshd in the foreground.
set -eu
ssh-keygen -A >/dev/null
exec /usr/sbin/sshd -D -e
