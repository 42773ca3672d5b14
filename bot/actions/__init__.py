"""Use cases: what one tap, command or answer does to the stored facts, each in one function and
one transaction, with the re-planning it implies. Handlers parse, call one of these and render
the outcome it returns; the wording stays in `bot.texts`."""
