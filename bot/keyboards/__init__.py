"""Inline buttons: what each kind of button sends back (`callback`, the one protocol) and the
keyboards that carry them, one module per concern."""
