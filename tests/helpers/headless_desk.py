"""``python -m govdesk …`` with the desk run headless, as a user's process would run it:
``python -m tests.helpers.headless_desk [--crash] [--seconds N] -- <govdesk arguments>``.

The desk comes up through the real command line (cli.main), stays up for N seconds, then the
user presses Ctrl+Q. With --crash, an action fails with an exception nothing catches, while a
local variable holds a private value (``PRIVATE``): what the user's terminal gets must hold
neither the value nor a traceback."""

from __future__ import annotations

import sys

PRIVATE = "PRIVATE-PETITION-TEXT-4711"


def main(argv: list[str]) -> int:
    from govdesk import cli
    from govdesk.app import GovDesk

    crash = "--crash" in argv[: argv.index("--")]
    seconds = 1.5
    if "--seconds" in argv[: argv.index("--")]:
        seconds = float(argv[argv.index("--seconds") + 1])
    run = GovDesk.run

    def explode() -> None:
        petition = PRIVATE  # a local of the failing frame, as Textual would print it
        raise RuntimeError("an unforeseen failure " + str(len(petition)))

    async def auto_pilot(pilot) -> None:
        await pilot.pause(seconds)
        if crash:
            pilot.app.call_later(explode)
            await pilot.pause(2)
        await pilot.press("ctrl+q")

    GovDesk.run = lambda self: run(self, headless=True, size=(160, 48), auto_pilot=auto_pilot)
    return cli.main(argv[argv.index("--") + 1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
