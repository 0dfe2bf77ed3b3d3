#!/usr/bin/env bash
# Installs what tests/test_ssh_shared_server.py and tests/test_deploy.py need: a real OpenSSH
# server, tmux and sudo (the shared server's one privilege step), as Debian packages.
# Idempotent: does nothing when all are there. The test starts and stops
# its own sshd on a loopback port; this script never starts a service.
set -euo pipefail
if [ -x /usr/sbin/sshd ] && command -v tmux >/dev/null && command -v ssh >/dev/null \
        && command -v ssh-keygen >/dev/null && [ -x /usr/bin/sudo ] && [ -x /usr/sbin/visudo ]; then
    echo "setup-ssh: openssh-server, tmux and sudo already installed"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup-ssh: not root or no apt-get; the SSH test will be skipped" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# apt-get runs with none of our descriptors: a package's install script may start its service,
# which would otherwise hold CI's output pipe open for as long as it runs.
LOG=${TMPDIR:-/tmp}/govdesk-setup-ssh.log
detached() { "$@" </dev/null >>"$LOG" 2>&1; }
install() { detached apt-get install -y -q --no-install-recommends openssh-server openssh-client tmux sudo; }
# A fresh machine has no package lists yet; refresh them only when the install needs it.
if ! install; then
    detached apt-get update -q || true
    install || { echo "setup-ssh: apt-get install failed, see $LOG" >&2; exit 1; }
fi
echo "setup-ssh: installed openssh-server, tmux and sudo"
