"""Who you are comes from the kernel (issue: trust boundary, point 1): every environment a
user can set, and the one a sudo hop sets, against ``identity.os_account`` and
``server.load``. Real accounts of this machine (root, daemon, nobody) and real files."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from govdesk import server
from govdesk.services import identity

NOBODY = pwd.getpwnam("nobody")
DAEMON = pwd.getpwnam("daemon")
SERVER = server.ServerConfig(db="/srv/govdesk/govdesk.db", service_user="nobody",
                             group="govdesk", wrapper="/usr/local/libexec/govdesk/govdesk-desk")
FORGED = {"GOVDESK_LOGIN": "linzh", "LOGNAME": "linzh", "USER": "linzh", "USERNAME": "linzh"}


def test_an_ordinary_process_is_its_real_uid_whatever_the_environment():
    for env in ({}, FORGED, {**FORGED, "SUDO_UID": "0", "SUDO_USER": "root"}):
        for cfg in (None, SERVER):
            acct = identity.os_account(uid=DAEMON.pw_uid, env=env, server=cfg)
            assert acct.login == "daemon" and not acct.via_sudo and not acct.operator


def test_sudo_uid_is_trusted_only_in_the_service_account():
    acct = identity.os_account(uid=NOBODY.pw_uid, env={"SUDO_UID": str(DAEMON.pw_uid)},
                               server=SERVER)
    assert acct.login == "daemon" and acct.via_sudo and not acct.operator
    # The same variable in any other account's process changes nothing.
    acct = identity.os_account(uid=DAEMON.pw_uid, env={"SUDO_UID": str(NOBODY.pw_uid)},
                               server=SERVER)
    assert acct.login == "daemon" and not acct.via_sudo
    # Without a server configuration there is no service account to trust.
    acct = identity.os_account(uid=NOBODY.pw_uid, env={"SUDO_UID": str(DAEMON.pw_uid)},
                               server=None)
    assert acct.login == "nobody" and not acct.via_sudo


def test_root_through_sudo_and_the_service_account_itself_are_operators_not_people():
    root = identity.os_account(uid=NOBODY.pw_uid, env={"SUDO_UID": "0"}, server=SERVER)
    assert root.login == "root" and root.operator
    for env in ({}, {"SUDO_UID": ""}, {"SUDO_UID": "12x"}, {"SUDO_UID": "１２"}):
        acct = identity.os_account(uid=NOBODY.pw_uid, env=env, server=SERVER)
        assert acct.login == "nobody" and acct.operator and not acct.via_sudo, env


def test_a_uid_without_an_account_has_no_login():
    free = next(u for u in range(60000, 65000) if not _uid_exists(u))
    acct = identity.os_account(uid=free, env=FORGED, server=None)
    assert acct.login == "" and acct.uid == free


def _uid_exists(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


@pytest.mark.skipif(os.geteuid() != 0, reason="makes root-owned files")
def test_server_config_counts_only_when_root_alone_can_write_it():
    # Not under /tmp: a folder everyone may write (1777) above the file makes it untrusted.
    base = Path(tempfile.mkdtemp(prefix="govdesk-test-", dir="/var/lib"))
    try:
        _server_config_checks(base)
    finally:
        shutil.rmtree(base)


def _server_config_checks(base: Path) -> None:
    os.chmod(base, 0o755)
    folder = base / "etc"
    folder.mkdir(mode=0o755)
    cfg = folder / "server.toml"
    cfg.write_text('db = "/srv/g.db"\nservice_user = "nobody"\ngroup = "govdesk"\n'
                   'wrapper = "/usr/local/libexec/govdesk/govdesk-desk"\n')
    os.chmod(cfg, 0o644)
    assert server.load(cfg) == server.ServerConfig(
        db="/srv/g.db", service_user="nobody", group="govdesk",
        wrapper="/usr/local/libexec/govdesk/govdesk-desk")
    os.chmod(cfg, 0o664)  # group-writable: ignored
    assert server.load(cfg) is None
    os.chmod(cfg, 0o644)
    os.chown(cfg, DAEMON.pw_uid, -1)  # not root's: ignored
    assert server.load(cfg) is None
    os.chown(cfg, 0, -1)
    os.chmod(folder, stat.S_IMODE(folder.stat().st_mode) | 0o002)  # a folder others may write
    assert server.load(cfg) is None
    assert server.load(folder / "missing.toml") is None


def test_the_sudo_hop_runs_one_fixed_command_without_a_password():
    argv = server.hop_argv(SERVER, ["--db", "/srv/govdesk/govdesk.db", "today"])
    assert argv[:6] == [server.SUDO, "-n", "-u", "nobody", "--", SERVER.wrapper]
    assert argv[6:] == ["--db", "/srv/govdesk/govdesk.db", "today"]
    assert server.same_database("/srv/govdesk/../govdesk/govdesk.db", SERVER)
    assert not server.same_database("/tmp/other.db", SERVER)
    assert "-I" in server.python_command()


def test_the_pinned_login_is_only_a_call_inside_the_process():
    identity.pin_login("lixm")
    try:
        assert identity.session_login(identity.os_account(server=None)) == "lixm"
        assert not identity.is_operator()
    finally:
        identity.pin_login(None)


def test_the_desk_writes_no_file_and_starts_no_program_a_user_names(demo_db, tmp_path):
    """As the service account the desk must not be a way to files or programs: Textual's
    screenshot, download and open-URL actions (reachable from any markup) do nothing."""
    out = tmp_path / "out"
    out.mkdir()
    import asyncio
    import io

    from govdesk.app import GovDesk
    from govdesk.services import org

    async def run() -> list[str]:
        app = GovDesk(person=org.person_by_login("lixm"), poll=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.run_action(f"screenshot('shot.svg', '{out}')")
            app.deliver_text(io.StringIO("x"), save_directory=out, save_filename="t.txt")
            app.open_url(f"file://{out}/x")
            await pilot.pause()
            return [n.message for n in app._notifications]

    messages = asyncio.run(run())
    assert list(out.iterdir()) == []
    assert sum("不提供" in m for m in messages) == 3
