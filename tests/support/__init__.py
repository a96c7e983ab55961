"""What many tests share: the shipped SOP, SOP shapes, the walk harness, login."""
