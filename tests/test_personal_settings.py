"""Each person's language and keys on the shared server: the desk runs as the service account,
whose home is everybody's, so they are kept in the database, per person (services/settings.py);
on a single PC they stay in the user's own config file."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from govdesk import config
from govdesk.server import ServerConfig
from govdesk.services import settings
from govdesk.services.errors import ValidationError
from govdesk.services.schema import get_meta

SERVER = ServerConfig(db="/srv/govdesk/govdesk.db", service_user="govdesk-svc",
                      group="govdesk", wrapper="/usr/local/libexec/govdesk/govdesk-desk")


@pytest.fixture
def on_server(tmp_path, monkeypatch):
    home_file = tmp_path / "service-home" / "config.toml"
    monkeypatch.setenv("GOVDESK_CONFIG", str(home_file))
    config.use_server(SERVER)
    yield home_file
    config.use_server(None)


def test_each_person_keeps_their_own_settings_in_the_database(demo_db, on_server):
    assert settings.load("lixm") == {}
    where = settings.save("lixm", {"language": "zh-Hant", "keys": {"app.help": "f9"},
                                   "db": "/tmp/elsewhere.db"})
    assert "服务器" in where
    assert settings.load("lixm") == {"language": "zh-Hant", "keys": {"app.help": "f9"}}
    assert settings.load("linzh") == {}  # one person's choice is not everybody's
    settings.save("lixm", {"language": "zh-Hans"})
    assert settings.load("lixm") == {"language": "zh-Hans", "keys": {"app.help": "f9"}}
    assert "db" not in (get_meta("settings.lixm") or "")
    assert not on_server.exists()  # nothing written in the service account's home
    with pytest.raises(config.ConfigError):
        config.save({"language": "zh-Hant"})
    assert config.load() == {"db": SERVER.db}  # the server's settings, not a home file's


def test_on_a_single_pc_they_stay_in_the_users_config_file(demo_db, tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("GOVDESK_CONFIG", str(cfg))
    assert settings.save("lixm", {"language": "zh-Hant"}) == str(cfg)
    assert 'language = "zh-Hant"' in cfg.read_text()
    assert settings.load("lixm") == {"language": "zh-Hant"}
    assert get_meta("settings.lixm") is None


def test_the_settings_screen_on_the_server_saves_to_the_database(demo_db, on_server):
    from govdesk.app import GovDesk
    from govdesk.i18n import set_language
    from govdesk.services import org

    async def switch() -> None:
        app = GovDesk(person=org.person_by_login("lixm"), poll=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("f2")
            await pilot.pause()
            app.screen.query_one("#language", Select).value = "zh-Hant"
            await pilot.click("#save")
            for _ in range(50):
                await pilot.pause(0.05)
                if "幫助" in [k.description for k in app.screen.query(FooterKey)]:
                    break
            assert "幫助" in [k.description for k in app.screen.query(FooterKey)]

    try:
        asyncio.run(switch())
    finally:
        set_language("zh-Hans")
    assert settings.load("lixm") == {"language": "zh-Hant"}
    assert not on_server.exists()
    # The next start speaks it: the desk is built with the person's own settings.

    try:
        GovDesk(person=org.person_by_login("lixm"), poll=False)
        from govdesk.i18n import language

        assert language() == "zh-Hant"
    finally:
        set_language("zh-Hans")


def test_list_filters_are_kept_per_person_and_list_on_the_server(demo_db, on_server):
    settings.set_list_filter("lixm", "mishu.work", "类:收文")
    settings.set_list_filter("lixm", "mishu.incoming", "急:特急")
    settings.set_list_filter("linzh", "home.inbox", "在办:林振华")
    assert settings.list_filters("lixm") == {"mishu.work": "类:收文", "mishu.incoming": "急:特急"}
    assert settings.list_filters("linzh") == {"home.inbox": "在办:林振华"}
    settings.set_list_filter("lixm", "mishu.work", "")
    assert settings.list_filters("lixm") == {"mishu.incoming": "急:特急"}
    settings.save_filter("lixm", "特急", "急:特急")
    settings.save_filter("lixm", "收文", "类:收文")
    assert list(settings.saved_filters("lixm")) == ["特急", "收文"]
    assert settings.delete_filter("lixm", "特急") == {"收文": "类:收文"}
    assert settings.saved_filters("linzh") == {}
    assert not on_server.exists()
    with pytest.raises(ValidationError):
        settings.set_list_filter("lixm", "mishu.work", "类:公文")  # a line no list can read
    with pytest.raises(ValidationError):
        settings.save_filter("lixm", " ", "类:收文")
    assert settings.list_filters("lixm") == {"mishu.incoming": "急:特急"}


def test_list_filters_on_a_pc_are_in_the_config_file(demo_db, tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("GOVDESK_CONFIG", str(cfg))
    settings.save("lixm", {"language": "zh-Hant"})
    settings.set_list_filter("lixm", "mishu.work", "类:收文 期限:11-01..11-30")
    settings.save_filter("lixm", "十一月", "期限:11-01..11-30")
    text = cfg.read_text()
    assert "[list_filters]" in text and "十一月" in text and 'language = "zh-Hant"' in text
    assert settings.list_filters("lixm") == {"mishu.work": "类:收文 期限:11-01..11-30"}
    assert get_meta("settings.lixm") is None
