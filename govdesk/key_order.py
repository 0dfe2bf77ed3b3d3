"""Keys are handled one at a time, in the order they arrive, however fast they come.

Textual hands a key to the widget that has the focus *when the App reads it*, by posting it to
that widget's queue, and reads the next key at once. A key no widget stops (Tab, Enter,
Backspace, arrows: anything that is a binding) bubbles back up to the App through each
ancestor's queue, and only there is its binding run: Tab moves the focus long after the keys
behind it have been posted to the field it leaves. Over a slow SSH link or in a paste every
key arrives in one burst, so ``甲单位 Tab Tab 乙字号`` all landed in the first field.

``KeysInOrder`` holds each key from the terminal until the one before it has been handled:
stopped by a widget, or bubbled up to the App and its binding run. A burst is then handled
exactly as the same keys typed slowly. After a key that opened or closed a form, the next
waits for the new screen to focus its field. A key that sits unhandled (its widget was
removed on the way) lets the next ones go after ``STUCK_SECONDS``. A paste (one event, the
whole text) keeps its place among the keys the same way.
"""

from __future__ import annotations

import time
from collections import deque
from weakref import WeakSet, ref

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump

STUCK_SECONDS = 0.5
FOCUS_WAITS = 2  # refreshes a screen just shown may take to focus its first field
MOUNT_WAITS = 200  # a screen that never mounts does not hold the keys for ever


class KeyHandled(Message):
    """``item`` (a key, a paste, or what a key went on as) is done with, as far as the pump
    that saw it last can tell. Posted to the App, so it comes round after anything that item
    put in the App's queue on its way (a key bubbling up to its binding)."""

    def __init__(self, item: Message | None) -> None:
        super().__init__()
        self.item = item


class KeysInOrder:
    """Mixin for the App (before ``App`` in the bases)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._key_in_flight: Message | None = None  # a key, a paste, or what a key became
        self._keys_held: deque[events.Key | events.Paste] = deque()
        self._key_followed: WeakSet[MessagePump] = WeakSet()
        self._key_generation = 0  # which key a stuck-key timer was set for
        self._key_since = 0.0  # when the key in flight was handed on
        self._key_screen: ref | None = None  # the screen the last key was handed on in
        self._screen_waits = 0  # refreshes waited for a new screen's focus
        self._mount_waits = 0  # and for it to be mounted

    @property
    def keys_waiting(self) -> bool:
        """Keys (or a paste) from the terminal not handled yet: held, or one on its way that
        is not stuck. Tests wait on it."""
        if self._keys_held:
            return True
        return (self._key_in_flight is not None
                and time.monotonic() - self._key_since < STUCK_SECONDS)

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, (events.Key, events.Paste)):
            await super().on_event(event)
            return
        if not self._screen_stack or self._closing:
            return  # the desk is closing: nothing left to type into
        if event.is_forwarded:  # bubbled back up: the App runs its binding now
            await super().on_event(event)
            self._finished(event)
            return
        if self._key_in_flight is not None or self._keys_held:
            if not self._keys_held:
                self._watch_for_stuck(self._key_generation)
            self._keys_held.append(event)
            return
        await self._deliver_key(event)

    async def _deliver_key(self, event: events.Key | events.Paste) -> None:
        if not self._screen_stack or self._closing:
            return
        if self._focus_on_its_way(self.screen):
            self._keys_held.appendleft(event)
            self.call_after_refresh(self.post_message, KeyHandled(None))
            return
        self._follow(self.focused or self.screen)
        self._key_in_flight = event
        self._key_generation += 1
        self._key_since = time.monotonic()
        await super().on_event(event)
        if not event.is_forwarded:  # a priority binding took it, or nothing had the focus
            self._finished(event)

    def _focus_on_its_way(self, screen) -> bool:
        """The screen changed since the last key: a form just opened (or one just closed,
        back to the register) is still to focus its field — it asks in on_mount, Textual
        gives it a little later, after focusing the first focusable container. Keys wait
        for that (up to FOCUS_WAITS refreshes) so they land in the field."""
        if self._key_screen is not None and self._key_screen() is screen:
            return False
        if not screen.is_mounted and self._mount_waits < MOUNT_WAITS:
            self._mount_waits += 1
            return True
        if self._screen_waits < FOCUS_WAITS:
            self._screen_waits += 1
            return True
        self._key_screen, self._screen_waits, self._mount_waits = ref(screen), 0, 0
        return False

    def key_continues_with(self, message: Message, sender: MessagePump) -> None:
        """The key in flight goes on as ``message``, posted by ``sender`` (a field's Enter as
        its Submitted, which moves the focus on): the next key waits for it instead."""
        if self._key_in_flight is None:
            return
        self._follow(sender)
        self._key_in_flight = message

    def _follow(self, target: MessagePump) -> None:
        for pump in (target, *target.ancestors):
            if pump is not self and pump not in self._key_followed:
                pump.message_signal.subscribe(self, self._key_seen(pump), immediate=True)
                self._key_followed.add(pump)

    def _key_seen(self, pump: MessagePump):
        def seen(message: Message) -> None:
            # Stopped here, or at the top: it goes no further. (A screen stops every key it
            # passes on to the App; KeyHandled comes round after the App has run it.)
            if message is self._key_in_flight and (message._stop_propagation
                                                   or pump.parent is None):
                self._finished(message)
        return seen

    def _finished(self, item: Message) -> None:
        if item is self._key_in_flight:
            self.post_message(KeyHandled(item))

    def _watch_for_stuck(self, generation: int) -> None:
        def check() -> None:
            if self._key_in_flight is not None and self._key_generation == generation:
                self._finished(self._key_in_flight)
        self.set_timer(STUCK_SECONDS, check)

    async def _on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.item is not self._key_in_flight:
            return  # done with before, or it went on as a message still on its way
        self._key_in_flight = None
        if not self._keys_held:
            return
        await self._deliver_key(self._keys_held.popleft())
        if self._key_in_flight is not None and self._keys_held:
            self._watch_for_stuck(self._key_generation)
