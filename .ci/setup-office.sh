#!/usr/bin/env bash
# Installs what the rendering checks of the office's files need (tests/test_gongwen_docx.py and
# the other .docx tests): LibreOffice Writer without a GUI to turn a .docx into a PDF, Noto CJK
# for the Chinese metrics, and poppler-utils (pdftotext, pdfinfo) to read the PDF back.
# Idempotent: does nothing when all are there; without them those checks are skipped with
# their reason and everything else runs.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftotext >/dev/null \
        && fc-list 2>/dev/null | grep -qi "Noto.*CJK"; then
    echo "setup-office: LibreOffice, poppler-utils and Noto CJK already installed"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup-office: not root or no apt-get; the PDF checks will be skipped" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# apt-get runs with none of our descriptors (see setup-ssh.sh).
LOG=${TMPDIR:-/tmp}/govdesk-setup-office.log
detached() { "$@" </dev/null >>"$LOG" 2>&1; }
install() {
    detached apt-get install -y -q --no-install-recommends libreoffice-writer-nogui \
        fonts-noto-cjk poppler-utils
}
if ! install; then
    detached apt-get update -q || true
    install || { echo "setup-office: apt-get install failed, see $LOG" >&2; exit 1; }
fi
echo "setup-office: installed LibreOffice Writer, Noto CJK and poppler-utils"
