"""Pages of the funding app, one module per area: budget board, conventions, equipment grants, exports."""
