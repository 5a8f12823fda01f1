"""Use cases of the till, built from api, store and core. All calls block: the UI runs them in workers."""
