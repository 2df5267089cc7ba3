"""Pages of the recruitment chain, one module per user area (structure, prefecture, committee, candidate)."""
