"""What the tests stand on, kept apart from the tests themselves: the test databases on either
backend (``database``), patients enrolled straight into the store (``factories``), zones' DST
days (``dst``), the fake Bot API (``fakebotapi``), the real bot as a subprocess (``harness``),
a person's steps in the chat (``people``), a database seeded before the bot starts (``seed``)
and where a person still appears in it (``traces``). The fixtures that use them stay in the
conftest.py files, where pytest finds them."""
