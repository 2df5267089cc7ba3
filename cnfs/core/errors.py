class DomainError(Exception):
    """A refused business action. `message` is French and shown to people as is."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
