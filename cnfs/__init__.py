"""cnfs — plateforme ouverte du programme national d'inclusion numérique."""

__version__ = "0.1.0"
