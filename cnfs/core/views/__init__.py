"""HTTP layer of the core app, one module per user area."""
