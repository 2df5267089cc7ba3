"""Imports of the recruitment chain: Pix results of candidates, priority-zone flags of structures."""
